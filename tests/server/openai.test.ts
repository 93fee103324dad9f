import OpenAI from 'openai';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TINY_LLAMA_SIZES } from '../../scripts/gguf/tiny-llama';
import { limitConcurrency } from '../../server/src/inference/concurrency';
import type { GenerationResult, InferenceEngine } from '../../server/src/inference/engine';
import { createLlamaEngine } from '../../server/src/inference/llama-engine';
import { tinyModelPath } from '../fixtures/tiny-model';
import { sseEvents } from './support/sse-events';
import { enrollDevice, startTestServer, type TestServer } from './support/test-server';

const API_KEY = 'test-api-key-0123456789';

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** The real engine, with how each generation ended recorded (to see aborts the client cannot see). */
function recording(engine: InferenceEngine): InferenceEngine & { results: GenerationResult[] } {
  const results: GenerationResult[] = [];
  const record = (result: GenerationResult) => {
    results.push(result);
    return result;
  };
  return {
    kind: engine.kind,
    results,
    models: () => engine.models(),
    chat: (messages, options, onText) => engine.chat(messages, options, onText).then(record),
    complete: (prompt, options, onText) => engine.complete(prompt, options, onText).then(record),
    close: () => engine.close(),
  };
}

function post(server: TestServer, path: string, token: string, body: object) {
  return server.fetch(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/**
 * A client that hangs up mid-answer, on its own connection pool: after an abort undici opens a fresh
 * connection that the server would wait on when it closes, so the pool is destroyed when done.
 */
function hangingUpClient(server: TestServer) {
  const agent = new Agent({ connect: { ca: server.caCert } });
  const controllers: AbortController[] = [];
  return {
    post(path: string, token: string, body: object) {
      const controller = new AbortController();
      controllers.push(controller);
      return undiciFetch(new URL(path, server.url), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: controller.signal,
        dispatcher: agent,
      });
    },
    async hangUp() {
      for (const controller of controllers) controller.abort();
      await agent.destroy();
    },
  };
}

function openaiClient(server: TestServer, apiKey: string): OpenAI {
  return new OpenAI({
    baseURL: `${server.url}/v1`,
    apiKey,
    maxRetries: 0,
    fetch: ((url: string, init: object) => undiciFetch(url, { ...init, dispatcher: server.dispatcher })) as unknown as typeof fetch,
  });
}

const chatBody = (extra: object = {}) => ({
  model: 'whatever-the-client-says',
  messages: [
    { role: 'system', content: 'You answer health workers.' },
    { role: 'user', content: 'What is the dose of ORS for a child?' },
  ],
  max_tokens: 8,
  temperature: 0,
  ...extra,
});

describe('OpenAI-compatible API', () => {
  let llama: InferenceEngine;
  let engine: ReturnType<typeof recording>;
  let server: TestServer;
  let device: string;
  let modelId: string;

  beforeAll(async () => {
    llama = await createLlamaEngine({ modelPath: await tinyModelPath(), parallel: 2 });
    engine = recording(llama);
    modelId = (await llama.models())[0]!.id;
    server = await startTestServer({
      args: ['--api-key', API_KEY, '--parallel', '2'],
      engine: limitConcurrency(engine, { parallel: 2, queueLimit: 8, timeoutMs: 60_000 }),
    });
    device = await enrollDevice(server);
  });

  afterAll(async () => {
    await server?.close();
    await llama?.close();
  });

  it('answers a chat completion in the OpenAI shape, reporting the served model', async () => {
    const response = await post(server, '/v1/chat/completions', device, chatBody());
    expect(response.status).toBe(200);
    const body = (await response.json()) as OpenAI.ChatCompletion;
    expect(body).toMatchObject({ object: 'chat.completion', model: modelId });
    expect(body.id).toMatch(/^chatcmpl-/);
    expect(Number.isInteger(body.created)).toBe(true);
    expect(body.choices).toHaveLength(1);
    expect(body.choices[0]).toMatchObject({ index: 0, message: { role: 'assistant' }, finish_reason: 'length' });
    expect(body.choices[0]!.message.content!.length).toBeGreaterThan(0);
    const usage = body.usage!;
    expect(usage.completion_tokens).toBe(8);
    expect(usage.prompt_tokens).toBeGreaterThan(0);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
  });

  it('streams a chat completion as server-sent events, the same text as without streaming', async () => {
    const whole = (await (await post(server, '/v1/chat/completions', device, chatBody())).json()) as OpenAI.ChatCompletion;
    const response = await post(
      server,
      '/v1/chat/completions',
      device,
      chatBody({ stream: true, stream_options: { include_usage: true } }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    const { events: chunks, done } = await sseEvents<OpenAI.ChatCompletionChunk>(response);
    expect(done).toBe(true);
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ object: 'chat.completion.chunk', model: modelId, id: chunks[0]!.id });
    }
    expect(chunks[0]!.id).toMatch(/^chatcmpl-/);
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    const usageChunk = chunks.at(-1)!;
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage!.completion_tokens).toBe(8);
    const closing = chunks.at(-2)!;
    expect(closing.choices[0]).toMatchObject({ delta: {}, finish_reason: 'length' });
    const text = chunks
      .slice(1, -2)
      .map((chunk) => chunk.choices[0]!.delta.content)
      .join('');
    expect(text).toBe(whole.choices[0]!.message.content);
  });

  it('answers a text completion, whole and streamed, with a prompt given alone or as a list of one', async () => {
    const whole = await post(server, '/v1/completions', device, { prompt: ['Oral rehydration'], max_tokens: 6, temperature: 0 });
    expect(whole.status).toBe(200);
    const body = (await whole.json()) as OpenAI.Completion;
    expect(body).toMatchObject({ object: 'text_completion', model: modelId, usage: { completion_tokens: 6 } });
    expect(body.id).toMatch(/^cmpl-/);
    expect(body.choices[0]).toMatchObject({ index: 0, finish_reason: 'length' });

    const streamed = await post(server, '/v1/completions', device, {
      prompt: 'Oral rehydration',
      max_tokens: 6,
      temperature: 0,
      stream: true,
    });
    const { events: chunks, done } = await sseEvents<OpenAI.Completion>(streamed);
    expect(done).toBe(true);
    for (const chunk of chunks) expect(chunk).toMatchObject({ object: 'text_completion', model: modelId });
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('length');
    expect(chunks.map((chunk) => chunk.choices[0]!.text).join('')).toBe(body.choices[0]!.text);
  });

  it('works with the official openai client and the --api-key', async () => {
    const client = openaiClient(server, API_KEY);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual([modelId]);
    expect(models.data[0]).toMatchObject({
      object: 'model',
      owned_by: 'local',
      max_model_len: TINY_LLAMA_SIZES.tiny.contextLength,
      prompt_profile: 'chat',
    });

    const completion = await client.chat.completions.create({
      model: 'meditron',
      messages: [{ role: 'user', content: 'Fever in a two year old?' }],
      max_tokens: 5,
    });
    expect(completion.model).toBe(modelId);
    expect(completion.choices[0]!.message.content!.length).toBeGreaterThan(0);

    const stream = await client.chat.completions.create({
      model: 'meditron',
      messages: [{ role: 'user', content: 'Fever in a two year old?' }],
      max_completion_tokens: 5,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage ??= chunk.usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBe(5);
  });

  it('accepts a device token, the API key and the admin token; refuses anything else', async () => {
    for (const token of [device, API_KEY, server.adminToken]) {
      expect((await server.fetch('/v1/models', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    }
    const wrong = await server.fetch('/v1/models', { headers: { authorization: 'Bearer wrong-key-0123456789' } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as ErrorBody).error.code).toBe('auth/invalid-token');
    const anonymous = await server.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(chatBody()),
    });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as ErrorBody).error.code).toBe('auth/missing-token');
    await expect(openaiClient(server, 'wrong-key-0123456789').models.list()).rejects.toMatchObject({ status: 401 });
  });

  it('refuses malformed requests with a coded error', async () => {
    const cases = [
      chatBody({ messages: [] }),
      chatBody({ n: 2 }),
      chatBody({ temperature: 5 }),
      chatBody({ messages: [{ role: 'tool', content: 'x' }] }),
    ];
    for (const body of cases) {
      const response = await post(server, '/v1/chat/completions', device, body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).error.code).toBe('request/invalid');
    }
    const twoPrompts = await post(server, '/v1/completions', device, { prompt: ['a', 'b'] });
    expect(twoPrompts.status).toBe(400);
  });

  it('aborts the generation when the client goes away mid-stream', async () => {
    const before = engine.results.length;
    const client = hangingUpClient(server);
    const response = await client.post('/v1/chat/completions', device, chatBody({ max_tokens: 400, stream: true }));
    const reader = response.body!.getReader();
    let received = '';
    // The role chunk, then at least one piece of text.
    while (received.split('data: ').length < 3) received += new TextDecoder().decode((await reader.read()).value);
    await client.hangUp();
    await vi.waitFor(() => expect(engine.results.length).toBe(before + 1), { timeout: 30_000, interval: 50 });
    const result = engine.results.at(-1)!;
    expect(result.finishReason).toBe('abort');
    expect(result.completionTokens).toBeLessThan(400);
  });

  it('answers 503 inference/busy when the queue is full', async () => {
    const busy = await startTestServer({
      args: ['--parallel', '1', '--queue-limit', '1'],
      engine: limitConcurrency(llama, { parallel: 1, queueLimit: 1, timeoutMs: 60_000 }),
    });
    try {
      const token = await enrollDevice(busy);
      const client = hangingUpClient(busy);
      const slow = chatBody({ max_tokens: 400, stream: true });
      // The first holds the only slot (its stream has started), the second waits in the one queue place.
      const first = await client.post('/v1/chat/completions', token, slow);
      expect(first.status).toBe(200);
      const second = await client.post('/v1/chat/completions', token, slow);
      expect(second.status).toBe(200);
      const third = await post(busy, '/v1/chat/completions', token, { ...slow, stream: false });
      expect(third.status).toBe(503);
      expect(await third.json()).toMatchObject({ error: { code: 'inference/busy', details: { retryAfterS: 10 } } });
      const thirdStreaming = await post(busy, '/v1/chat/completions', token, slow);
      expect(thirdStreaming.status).toBe(503);
      await client.hangUp();
    } finally {
      await busy.close();
    }
  });

  it('answers 503 inference/no-model when the server has no model', async () => {
    const bare = await startTestServer({ args: ['--api-key', API_KEY] });
    try {
      for (const [path, body] of [
        ['/v1/chat/completions', chatBody()],
        ['/v1/completions', { prompt: 'x' }],
      ] as const) {
        const response = await post(bare, path, API_KEY, body);
        expect(response.status).toBe(503);
        const { error } = (await response.json()) as ErrorBody;
        expect(error.code).toBe('inference/no-model');
        expect(error.message).toMatch(/--model/);
        expect(error.message).toMatch(/--upstream/);
      }
      expect((await bare.fetch('/v1/models', { headers: { authorization: `Bearer ${API_KEY}` } })).status).toBe(503);
    } finally {
      await bare.close();
    }
  });
});
