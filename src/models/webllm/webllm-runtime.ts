import { CreateWebWorkerMLCEngine, type MLCEngineConfig, type MLCEngineInterface } from '@mlc-ai/web-llm';
import type { CatalogModel } from '../../core/models/catalog';
import type { PromptTarget } from '../../core/prompt/prompt-target';
import type { AnswerRequest, AnswerResult, FinishReason } from '../../engines/engine';
import { type LoadProgress, OnDeviceError, type OnDeviceRuntime } from '../on-device-runtime';
import { webllmAppConfig } from './app-config';
import { inspectModelLibrary, type ModelLibraryState } from './model-library';
import { forgetModelLibrary } from './webllm-cache';
import { BROKEN_MODEL_LIBRARY_MESSAGE, MISSING_MODEL_LIBRARY_MESSAGE, toOnDeviceError } from './webllm-errors';

// The model manager reaches the cache through the one module it loads lazily.
export { deleteWebllmModel, isWebllmModelCached } from './webllm-cache';

/** A loaded engine and how to free what runs it (its worker). */
export interface WebllmEngineHandle {
  engine: MLCEngineInterface;
  terminate(): void;
}

/** Loads `modelId` with `config` (our AppConfig and progress callback); rejects with web-llm's error. */
export type CreateWebllmEngine = (modelId: string, config: MLCEngineConfig) => Promise<WebllmEngineHandle>;

/** web-llm's engine in a module worker of its own (webllm-worker.ts). */
export const createWorkerEngine: CreateWebllmEngine = async (modelId, config) => {
  const worker = new Worker(new URL('./webllm-worker.ts', import.meta.url), { type: 'module' });
  try {
    const engine = await CreateWebWorkerMLCEngine(worker, modelId, config);
    return { engine, terminate: () => worker.terminate() };
  } catch (error) {
    worker.terminate();
    throw error;
  }
};

export interface WebllmRuntimeOptions {
  model: CatalogModel;
  /** The clinic server's origin, which serves the app and the model mirror. */
  origin: string;
  /** Default: {@link createWorkerEngine}. */
  createEngine?: CreateWebllmEngine;
}

/** web-llm's finish reasons; `abort` is what interruptGenerate() ends a stream with. */
const FINISH_REASONS: Record<string, FinishReason> = { stop: 'stop', length: 'length', abort: 'aborted' };

const ABORTED = Symbol('aborted');

/** Resolves when `signal` aborts; never, without one. */
function abortion(signal: AbortSignal | undefined): Promise<typeof ABORTED> {
  return new Promise((resolve) => signal?.addEventListener('abort', () => resolve(ABORTED), { once: true }));
}

/** A chat or completion stream as pieces of text and finish reasons, whichever the request is. */
async function openStream(engine: MLCEngineInterface, request: AnswerRequest): Promise<AsyncIterator<{ text?: string; finish?: string }>> {
  const common = {
    stream: true as const,
    max_tokens: request.maxTokens,
    temperature: request.temperature ?? null,
    stop: request.stop ?? null,
  };
  if (request.prompt !== undefined) {
    const chunks = await engine.completions.create({ ...common, prompt: request.prompt });
    return mapChunks(chunks, (c) => ({ text: c.choices[0]?.text, finish: c.choices[0]?.finish_reason ?? undefined }));
  }
  const chunks = await engine.chat.completions.create({ ...common, messages: request.messages ?? [] });
  return mapChunks(chunks, (c) => ({ text: c.choices[0]?.delta.content ?? undefined, finish: c.choices[0]?.finish_reason ?? undefined }));
}

function mapChunks<C, T>(chunks: AsyncIterable<C>, map: (chunk: C) => T): AsyncIterator<T> {
  const source = chunks[Symbol.asyncIterator]();
  return {
    next: async () => {
      const step = await source.next();
      return step.done ? { done: true, value: undefined } : { done: false, value: map(step.value) };
    },
    // Closing the source tells web-llm's worker to drop its generator.
    return: async () => {
      await source.return?.();
      return { done: true, value: undefined };
    },
  };
}

/** One web-llm model, loaded in a worker from the clinic server's mirror (or web-llm's caches, offline). */
export function createWebllmRuntime({ model, origin, createEngine = createWorkerEngine }: WebllmRuntimeOptions): OnDeviceRuntime {
  let handle: WebllmEngineHandle | undefined;
  let loading: Promise<void> | undefined;

  async function explainLoadFailure(error: unknown): Promise<OnDeviceError> {
    const mapped = toOnDeviceError(error, 'load');
    if (mapped.kind !== 'network' && mapped.kind !== 'model-library' && mapped.kind !== 'load-failed') return mapped;
    const library = await inspectModelLibrary(model, origin).catch((): ModelLibraryState => 'unreachable');
    if (library === 'missing') return new OnDeviceError('model-library', MISSING_MODEL_LIBRARY_MESSAGE, { cause: error });
    if (library !== 'invalid' && mapped.kind !== 'model-library') return mapped;
    // web-llm caches a library before compiling it: forgotten, a fixed file on the server is fetched next time.
    await forgetModelLibrary(model, origin).catch(() => undefined);
    return mapped.kind === 'model-library' ? mapped : new OnDeviceError('model-library', BROKEN_MODEL_LIBRARY_MESSAGE, { cause: error });
  }

  async function load(onProgress?: (progress: LoadProgress) => void): Promise<void> {
    // web-llm restarts at 0 for each stage (download, copy to the GPU, shaders): the bar never goes back.
    let fraction = 0;
    const config: MLCEngineConfig = {
      appConfig: webllmAppConfig([model], origin),
      initProgressCallback: (report) => {
        fraction = Math.max(fraction, Math.min(1, report.progress));
        onProgress?.({ fraction, detail: report.text });
      },
    };
    try {
      handle = await createEngine(model.id, config);
    } catch (error) {
      throw await explainLoadFailure(error);
    }
  }

  return {
    kind: 'webllm',
    modelId: model.id,

    load(onProgress) {
      if (handle) return Promise.resolve();
      loading ??= load(onProgress).finally(() => {
        loading = undefined;
      });
      return loading;
    },

    async answer(request, onText, signal): Promise<AnswerResult> {
      const engine = handle?.engine;
      if (!engine) throw new OnDeviceError('load-failed', 'The model is not loaded.');
      let text = '';
      const result = (finishReason: FinishReason): AnswerResult => ({ text, model: model.id, finishReason });
      if (signal?.aborted) return result('aborted');
      const aborted = abortion(signal);
      try {
        const opening = openStream(engine, request);
        const stream = await Promise.race([opening, aborted]);
        if (stream === ABORTED) {
          // The stream may still open: close it so web-llm's worker does not keep it.
          void opening.then((s) => s.return?.()).catch(() => undefined);
          return result('aborted');
        }
        let finish: FinishReason = 'stop';
        for (;;) {
          // onText may have aborted: then no further piece is asked for.
          const next = signal?.aborted ? undefined : stream.next();
          const step = next && (await Promise.race([next, aborted]));
          if (!step || step === ABORTED) {
            // Answer at once with what came. web-llm stops after its current token; closing the stream
            // (once that token is in) ends its generator in the worker, which frees the model.
            engine.interruptGenerate();
            void Promise.allSettled([next])
              .then(() => stream.return?.())
              .catch(() => undefined);
            return result('aborted');
          }
          if (step.done) return result(finish);
          if (step.value.text) {
            text += step.value.text;
            onText(step.value.text);
          }
          if (step.value.finish) finish = FINISH_REASONS[step.value.finish] ?? 'stop';
        }
      } catch (error) {
        if (signal?.aborted) return result('aborted');
        throw toOnDeviceError(error, 'answer');
      }
    },

    promptTarget(): PromptTarget {
      return { profile: model.requirements.promptProfile, contextTokens: model.requirements.contextTokens };
    },

    async unload() {
      await loading?.catch(() => undefined);
      const current = handle;
      handle = undefined;
      if (!current) return;
      try {
        await current.engine.unload();
      } finally {
        current.terminate();
      }
    },
  };
}
