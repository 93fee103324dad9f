import { describe, expect, it } from 'vitest';
import { createClinicEngine, parseSseLine, type StreamFetch } from '../../src/engines/clinic-engine';
import type { EngineError } from '../../src/engines/engine';

const connection = { origin: 'https://clinic.test', deviceId: 'd1', deviceName: 'Tab', token: 'tok', enrolledAt: '2026-01-01' };

function sse(events: string[], { close = true } = {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const e of events) controller.enqueue(encoder.encode(e));
      if (close) controller.close();
    },
  });
}

const chunk = (content: string, finish: string | null = null) =>
  `data: ${JSON.stringify({ model: 'meditron-7b', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;

function engineWith(respond: () => Promise<{ status: number; body: ReadableStream<Uint8Array> | null; json(): Promise<unknown> }>) {
  const calls: { url: string; headers: Record<string, string>; body: unknown }[] = [];
  const fetch: StreamFetch = async (url, init) => {
    calls.push({ url, headers: init.headers, body: JSON.parse(init.body) });
    if (init.signal.aborted) throw new DOMException('aborted', 'AbortError');
    return respond();
  };
  return { calls, engine: createClinicEngine({ connection: async () => connection, fetch, online: () => true, stallTimeoutMs: 50 }) };
}

async function failure(promise: Promise<unknown>): Promise<EngineError> {
  try {
    await promise;
  } catch (error) {
    return error as EngineError;
  }
  throw new Error('expected a failure');
}

describe('clinic engine', () => {
  it('streams a chat answer with the device token, split across reads', async () => {
    const { calls, engine } = engineWith(async () => ({
      status: 200,
      body: sse([chunk('Give'), chunk(' ORS [1]').slice(0, 20), chunk(' ORS [1]').slice(20), chunk('', 'stop'), 'data: [DONE]\n\n']),
      json: async () => ({}),
    }));
    const pieces: string[] = [];
    const result = await engine.answer({ messages: [{ role: 'user', content: 'q' }], maxTokens: 64 }, (t) => pieces.push(t));
    expect(result).toEqual({ text: 'Give ORS [1]', model: 'meditron-7b', finishReason: 'stop' });
    expect(pieces).toEqual(['Give', ' ORS [1]']);
    expect(calls[0]!.url).toBe('https://clinic.test/v1/chat/completions');
    expect(calls[0]!.headers.authorization).toBe('Bearer tok');
    expect(calls[0]!.body).toMatchObject({ stream: true, max_tokens: 64 });
  });

  it('throws network-failed with the outbox reason', async () => {
    const offline = engineWith(() => Promise.reject(new TypeError('Failed to fetch')));
    expect(await failure(offline.engine.answer({ messages: [], maxTokens: 8 }, () => {}))).toMatchObject({
      kind: 'network-failed',
      reason: 'offline',
    });

    const http = engineWith(async () => ({
      status: 503,
      body: null,
      json: async () => ({ error: { code: 'queue/full', message: 'busy' } }),
    }));
    expect(await failure(http.engine.answer({ messages: [], maxTokens: 8 }, () => {}))).toMatchObject({
      kind: 'network-failed',
      reason: 'http-5xx',
    });

    const broken = engineWith(async () => ({ status: 200, body: sse([chunk('Give')]), json: async () => ({}) }));
    expect(await failure(broken.engine.answer({ messages: [], maxTokens: 8 }, () => {}))).toMatchObject({ reason: 'stream-broken' });

    const errorEvent = engineWith(async () => ({
      status: 200,
      body: sse([chunk('Give'), 'data: {"error":{"code":"inference/timeout","message":"too slow"}}\n\n']),
      json: async () => ({}),
    }));
    expect(await failure(errorEvent.engine.answer({ messages: [], maxTokens: 8 }, () => {}))).toMatchObject({ reason: 'stream-broken' });

    const stalled = engineWith(async () => ({ status: 200, body: sse([chunk('Give')], { close: false }), json: async () => ({}) }));
    expect(await failure(stalled.engine.answer({ messages: [], maxTokens: 8 }, () => {}))).toMatchObject({ reason: 'timeout' });

    const refused = engineWith(async () => ({ status: 401, body: null, json: async () => ({ error: { code: 'auth/invalid-token' } }) }));
    expect(await failure(refused.engine.answer({ messages: [], maxTokens: 8 }, () => {}))).toMatchObject({ kind: 'unauthorized' });
  });

  it('resolves with what came so far when the caller stops it', async () => {
    const { engine } = engineWith(async () => ({ status: 200, body: sse([chunk('Give')], { close: false }), json: async () => ({}) }));
    const controller = new AbortController();
    const result = await engine.answer({ messages: [], maxTokens: 8 }, () => controller.abort(), controller.signal);
    expect(result).toEqual({ text: 'Give', model: 'meditron-7b', finishReason: 'aborted' });
  });

  it('is available only when enrolled and online', async () => {
    expect(await createClinicEngine({ connection: async () => connection, online: () => true }).available()).toBe(true);
    expect(await createClinicEngine({ connection: async () => connection, online: () => false }).available()).toBe(false);
    expect(await createClinicEngine({ connection: async () => undefined, online: () => true }).available()).toBe(false);
  });

  it('prompts for the model the server last said it runs, and knows none before the first sync', async () => {
    const model = { id: 'meditron-3-8b', profile: 'completion' as const, contextTokens: 8192 };
    const learnt = createClinicEngine({ connection: async () => ({ ...connection, model }) });
    expect(await learnt.promptTarget?.()).toEqual({ profile: 'completion', contextTokens: 8192 });
    expect(await createClinicEngine({ connection: async () => connection }).promptTarget?.()).toBeUndefined();
    expect(await createClinicEngine({ connection: () => Promise.reject(new Error('storage')) }).promptTarget?.()).toBeUndefined();
  });

  it('reads SSE lines', () => {
    expect(parseSseLine('data: [DONE]')).toBe('done');
    expect(parseSseLine(': comment')).toBeUndefined();
    expect(parseSseLine('data: {"model":"m"}')).toEqual({ model: 'm' });
  });
});
