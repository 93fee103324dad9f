import { createServer } from 'node:net';
import type OpenAI from 'openai';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TINY_LLAMA_SIZES } from '../../scripts/gguf/tiny-llama';
import { type Config, loadConfig } from '../../server/src/config';
import { limitConcurrency } from '../../server/src/inference/concurrency';
import { createEngine } from '../../server/src/inference/create-engine';
import type { GenerationResult, InferenceEngine } from '../../server/src/inference/engine';
import { createLlamaEngine } from '../../server/src/inference/llama-engine';
import { tinyModelPath } from '../fixtures/tiny-model';
import { sseEvents } from './support/sse-events';
import { enrollDevice, startTestServer, type TestServer } from './support/test-server';

const UPSTREAM_KEY = 'upstream-key-0123456789';

function post(server: TestServer, path: string, token: string, body: object) {
  return server.fetch(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A server answering through `upstreamArgs`, its engine made by createEngine as at start-up. */
async function chainedServer(upstreamArgs: string[], upstreamCa?: string) {
  const args = [...upstreamArgs, '--parallel', '2'];
  const warnings: string[] = [];
  const config = loadConfig(['--data', '/unused', ...args], {}) as Config;
  const engine = await createEngine(config, { upstreamCa, warn: (message) => warnings.push(message) });
  const server = await startTestServer({ args, engine });
  return { server, engine: engine!, warnings, token: await enrollDevice(server) };
}

const chat = (extra: object = {}) => ({
  model: 'meditron',
  messages: [{ role: 'user', content: 'Signs of severe dehydration?' }],
  max_tokens: 8,
  temperature: 0,
  ...extra,
});

describe('answering through an upstream OpenAI-compatible server', () => {
  let llama: InferenceEngine;
  const upstreamResults: GenerationResult[] = [];
  let upstream: TestServer;
  let front: Awaited<ReturnType<typeof chainedServer>>;
  let modelId: string;

  beforeAll(async () => {
    llama = await createLlamaEngine({ modelPath: await tinyModelPath(), parallel: 2 });
    modelId = (await llama.models())[0]!.id;
    // The upstream records how its generations end, to see that a client hanging up on the front reaches it.
    const record = (result: GenerationResult) => {
      upstreamResults.push(result);
      return result;
    };
    const recorded: InferenceEngine = {
      kind: 'llama',
      models: () => llama.models(),
      chat: (messages, options, onText) => llama.chat(messages, options, onText).then(record),
      complete: (prompt, options, onText) => llama.complete(prompt, options, onText).then(record),
      close: () => llama.close(),
    };
    upstream = await startTestServer({
      args: ['--api-key', UPSTREAM_KEY],
      engine: limitConcurrency(recorded, { parallel: 2, queueLimit: 8, timeoutMs: 60_000 }),
    });
    // With the /v1 suffix, as vLLM and Ollama document their base URL.
    front = await chainedServer(['--upstream', `${upstream.url}/v1`, '--upstream-key', UPSTREAM_KEY], upstream.caCert);
  });

  afterAll(async () => {
    await front?.server.close();
    await front?.engine.close();
    await upstream?.close();
    await llama?.close();
  });

  it('lists the upstream model', async () => {
    expect(front.warnings).toEqual([]);
    expect(front.engine.kind).toBe('upstream');
    const response = await front.server.fetch('/v1/models', { headers: { authorization: `Bearer ${front.token}` } });
    expect(await response.json()).toMatchObject({
      object: 'list',
      data: [
        { id: modelId, object: 'model', owned_by: 'local', max_model_len: TINY_LLAMA_SIZES.tiny.contextLength, prompt_profile: 'chat' },
      ],
    });
  });

  it('passes on how to prompt the model, unless its admin says otherwise (a base model behind vLLM)', async () => {
    const base = await chainedServer(
      ['--upstream', `${upstream.url}/v1`, '--upstream-key', UPSTREAM_KEY, '--prompt-profile', 'completion'],
      upstream.caCert,
    );
    try {
      const response = await base.server.fetch('/v1/models', { headers: { authorization: `Bearer ${base.token}` } });
      expect(await response.json()).toMatchObject({ data: [{ id: modelId, prompt_profile: 'completion' }] });
    } finally {
      await base.server.close();
      await base.engine.close();
    }
  });

  it('answers a chat completion with the upstream text, model and usage', async () => {
    const direct = (await (await post(upstream, '/v1/chat/completions', UPSTREAM_KEY, chat())).json()) as OpenAI.ChatCompletion;
    const response = await post(front.server, '/v1/chat/completions', front.token, chat());
    expect(response.status).toBe(200);
    const body = (await response.json()) as OpenAI.ChatCompletion;
    expect(body).toMatchObject({ object: 'chat.completion', model: modelId, usage: direct.usage });
    expect(body.id).toMatch(/^chatcmpl-/);
    expect(body.choices[0]).toMatchObject({
      message: { role: 'assistant', content: direct.choices[0]!.message.content },
      finish_reason: 'length',
    });
  });

  it('streams a chat completion through the chain', async () => {
    const response = await post(
      front.server,
      '/v1/chat/completions',
      front.token,
      chat({ stream: true, stream_options: { include_usage: true } }),
    );
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { events: chunks, done } = await sseEvents<OpenAI.ChatCompletionChunk>(response);
    expect(done).toBe(true);
    for (const chunk of chunks) expect(chunk).toMatchObject({ object: 'chat.completion.chunk', model: modelId });
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('length');
    expect(chunks.at(-1)!.usage).toMatchObject({ completion_tokens: 8 });
    const text = chunks
      .slice(1, -2)
      .map((chunk) => chunk.choices[0]!.delta.content)
      .join('');
    expect(text.length).toBeGreaterThan(0);
  });

  it('answers a text completion, whole and streamed', async () => {
    const body = { prompt: 'Malaria in pregnancy', max_tokens: 5, temperature: 0 };
    const direct = (await (await post(upstream, '/v1/completions', UPSTREAM_KEY, body)).json()) as OpenAI.Completion;
    const whole = (await (await post(front.server, '/v1/completions', front.token, body)).json()) as OpenAI.Completion;
    expect(whole).toMatchObject({ object: 'text_completion', model: modelId, usage: direct.usage });
    expect(whole.choices[0]!.text).toBe(direct.choices[0]!.text);
    const streamed = await post(front.server, '/v1/completions', front.token, { ...body, stream: true });
    const { events: chunks, done } = await sseEvents<OpenAI.Completion>(streamed);
    expect(done).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]!.text).join('')).toBe(direct.choices[0]!.text);
  });

  it('stops the upstream generation when the client hangs up', async () => {
    const before = upstreamResults.length;
    const agent = new Agent({ connect: { ca: front.server.caCert } });
    const client = new AbortController();
    const response = await undiciFetch(new URL('/v1/chat/completions', front.server.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${front.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(chat({ max_tokens: 400, stream: true })),
      signal: client.signal,
      dispatcher: agent,
    });
    const reader = response.body!.getReader();
    let received = '';
    while (received.split('data: ').length < 3) received += new TextDecoder().decode((await reader.read()).value);
    client.abort();
    await agent.destroy();
    await vi.waitFor(() => expect(upstreamResults.length).toBe(before + 1), { timeout: 30_000, interval: 50 });
    expect(upstreamResults.at(-1)!.finishReason).toBe('abort');
  });

  it('answers 502 inference/upstream-failed when the upstream refuses its key', async () => {
    const wrongKey = await chainedServer(['--upstream', upstream.url, '--upstream-key', 'not-the-key-0123456789'], upstream.caCert);
    try {
      expect(wrongKey.warnings).toHaveLength(1);
      const response = await post(wrongKey.server, '/v1/chat/completions', wrongKey.token, chat());
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ error: { code: 'inference/upstream-failed', details: { status: 401 } } });
    } finally {
      await wrongKey.server.close();
      await wrongKey.engine.close();
    }
  });

  it('starts with an unreachable upstream, warns, and answers 502 inference/upstream-failed', async () => {
    const unreachable = await chainedServer(['--upstream', `https://127.0.0.1:${await closedPort()}`]);
    try {
      expect(unreachable.warnings).toHaveLength(1);
      expect(unreachable.warnings[0]).toMatch(/does not answer yet/);
      for (const body of [chat(), chat({ stream: true })]) {
        const response = await post(unreachable.server, '/v1/chat/completions', unreachable.token, body);
        expect(response.status).toBe(502);
        expect(await response.json()).toMatchObject({ error: { code: 'inference/upstream-failed', details: { status: null } } });
      }
      const models = await unreachable.server.fetch('/v1/models', { headers: { authorization: `Bearer ${unreachable.token}` } });
      expect(models.status).toBe(502);
    } finally {
      await unreachable.server.close();
      await unreachable.engine.close();
    }
  });
});
