import type { ChatCompletionRequest, CompletionCreateParams, MLCEngineConfig, MLCEngineInterface } from '@mlc-ai/web-llm';
import { describe, expect, it } from 'vitest';
import type { CatalogModel } from '../../src/core/models/catalog';
import type { LoadProgress } from '../../src/models/on-device-runtime';
import { OnDeviceError } from '../../src/models/on-device-runtime';
import { type CreateWebllmEngine, createWebllmRuntime } from '../../src/models/webllm/webllm-runtime';

const ORIGIN = 'https://clinic.lan:8443';
const MODEL: CatalogModel = {
  id: 'Tiny-q4f32_1-MLC',
  kind: 'webllm',
  files: [],
  totalBytes: 0,
  url: '/models/Tiny-q4f32_1-MLC/',
  modelLib: 'Tiny-q4f32_1-MLC/lib.wasm',
  requirements: { memoryBytes: 2 ** 30, shaderF16: false, contextTokens: 2048, promptProfile: 'completion' },
};

type Chunk = { text: string; finish?: 'stop' | 'length' | 'abort' };

/**
 * ENGINE DOUBLE, in process: the part of web-llm's MLCEngineInterface the runtime uses, streaming the
 * chunks a test scripts. `hang` never answers after that many chunks, as a GPU busy with a long token.
 */
class EngineDouble {
  requests: (ChatCompletionRequest | CompletionCreateParams)[] = [];
  interrupts = 0;
  unloads = 0;
  terminated = 0;
  config?: MLCEngineConfig;
  constructor(
    private readonly chunks: Chunk[],
    private readonly options: { hang?: number; failAfter?: { chunks: number; error: string } } = {},
  ) {}

  private stream(toChunk: (c: Chunk) => unknown): AsyncIterable<unknown> {
    const { chunks, options } = this;
    return {
      [Symbol.asyncIterator]: () => {
        let i = 0;
        return {
          next: () => {
            if (options.failAfter && i === options.failAfter.chunks) return Promise.reject(options.failAfter.error);
            if (i === options.hang) return new Promise<never>(() => undefined);
            const chunk = chunks[i++];
            return Promise.resolve(chunk ? { done: false, value: toChunk(chunk) } : { done: true, value: undefined });
          },
          return: () => Promise.resolve({ done: true, value: undefined }),
        };
      },
    };
  }

  readonly engine = {
    chat: {
      completions: {
        create: async (request: ChatCompletionRequest) => {
          this.requests.push(request);
          return this.stream((c) => ({ choices: [{ delta: { content: c.text }, finish_reason: c.finish ?? null }] }));
        },
      },
    },
    completions: {
      create: async (request: CompletionCreateParams) => {
        this.requests.push(request);
        return this.stream((c) => ({ choices: [{ text: c.text, finish_reason: c.finish ?? null }] }));
      },
    },
    interruptGenerate: () => {
      this.interrupts++;
    },
    unload: async () => {
      this.unloads++;
    },
  } as unknown as MLCEngineInterface;

  readonly create: CreateWebllmEngine = async (_modelId, config) => {
    this.config = config;
    for (const progress of [0.5, 1, 0.2, 1]) config.initProgressCallback?.({ progress, timeElapsed: 0, text: `step ${progress}` });
    return { engine: this.engine, terminate: () => this.terminated++ };
  };
}

const PIECES: Chunk[] = [{ text: 'Give' }, { text: ' ORS' }, { text: ' now.' }, { text: '', finish: 'stop' }];

async function loaded(double: EngineDouble) {
  const runtime = createWebllmRuntime({ model: MODEL, origin: ORIGIN, createEngine: double.create });
  const progress: LoadProgress[] = [];
  await runtime.load((p) => progress.push(p));
  return { runtime, progress };
}

describe('createWebllmRuntime (with an engine double)', () => {
  it('loads with our AppConfig and a progress that never goes back', async () => {
    const double = new EngineDouble(PIECES);
    const { runtime, progress } = await loaded(double);
    expect(double.config?.appConfig?.model_list[0]?.model_lib).toBe(`${ORIGIN}/models/Tiny-q4f32_1-MLC/lib.wasm`);
    expect(progress.map((p) => p.fraction)).toEqual([0.5, 1, 1, 1]);
    expect(progress[2]?.detail).toBe('step 0.2');
    expect(runtime.promptTarget()).toEqual({ profile: 'completion', contextTokens: 2048 });
  });

  it('streams a chat answer and passes the request’s limits', async () => {
    const double = new EngineDouble([...PIECES.slice(0, 2), { text: '', finish: 'length' }]);
    const { runtime } = await loaded(double);
    const pieces: string[] = [];
    const messages = [{ role: 'user' as const, content: 'Dehydration?' }];
    const result = await runtime.answer({ messages, maxTokens: 2, temperature: 0.1, stop: ['##'] }, (t) => pieces.push(t));
    expect(pieces).toEqual(['Give', ' ORS']);
    expect(result).toEqual({ text: 'Give ORS', model: MODEL.id, finishReason: 'length' });
    expect(double.requests[0]).toEqual({ stream: true, messages, max_tokens: 2, temperature: 0.1, stop: ['##'] });
  });

  it('sends a completion request as a completion', async () => {
    const double = new EngineDouble(PIECES);
    const { runtime } = await loaded(double);
    const result = await runtime.answer(
      { prompt: 'Question: dehydration?\nAnswer:', stop: ['\nQuestion:'], maxTokens: 64 },
      () => undefined,
    );
    expect(result).toEqual({ text: 'Give ORS now.', model: MODEL.id, finishReason: 'stop' });
    expect(double.requests[0]).toMatchObject({
      stream: true,
      prompt: 'Question: dehydration?\nAnswer:',
      stop: ['\nQuestion:'],
      max_tokens: 64,
    });
  });

  it('on abort, answers at once with what came and interrupts web-llm, even while a token is pending', async () => {
    const double = new EngineDouble(PIECES, { hang: 2 });
    const { runtime } = await loaded(double);
    const controller = new AbortController();
    const answering = runtime.answer(
      { messages: [], maxTokens: 64 },
      (t) => t === ' ORS' && setTimeout(() => controller.abort(), 10),
      controller.signal,
    );
    expect(await answering).toEqual({ text: 'Give ORS', model: MODEL.id, finishReason: 'aborted' });
    expect(double.interrupts).toBe(1);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const double = new EngineDouble(PIECES);
    const { runtime } = await loaded(double);
    const result = await runtime.answer({ messages: [], maxTokens: 64 }, () => undefined, AbortSignal.abort());
    expect(result.finishReason).toBe('aborted');
    expect(double.requests).toEqual([]);
  });

  it('maps an error while answering to an OnDeviceError', async () => {
    const double = new EngineDouble(PIECES, { failAfter: { chunks: 1, error: 'DeviceLostError: The WebGPU device was lost.' } });
    const { runtime } = await loaded(double);
    const answering = runtime.answer({ messages: [], maxTokens: 64 }, () => undefined);
    await expect(answering).rejects.toMatchObject({ name: 'OnDeviceError', kind: 'device-lost' });
  });

  it('maps a load failure web-llm reports about the GPU', async () => {
    const runtime = createWebllmRuntime({
      model: MODEL,
      origin: ORIGIN,
      createEngine: () => Promise.reject('ShaderF16SupportError: This model requires WebGPU extension shader-f16'),
    });
    await expect(runtime.load()).rejects.toMatchObject({ kind: 'unsupported' });
    await expect(runtime.answer({ messages: [], maxTokens: 8 }, () => undefined)).rejects.toBeInstanceOf(OnDeviceError);
  });

  it('unloads the engine and ends its worker; load() then starts a new one', async () => {
    const double = new EngineDouble(PIECES);
    const { runtime } = await loaded(double);
    await runtime.unload();
    expect([double.unloads, double.terminated]).toEqual([1, 1]);
    await expect(runtime.answer({ messages: [], maxTokens: 8 }, () => undefined)).rejects.toMatchObject({ kind: 'load-failed' });
    await runtime.load();
    expect((await runtime.answer({ messages: [], maxTokens: 8 }, () => undefined)).text).toBe('Give ORS now.');
  });
});
