import type { LibraryDb, StoredModel } from '../db/library-db';
import { activeModel } from '../db/model-store';
import { type LoadProgress, OnDeviceError, type OnDeviceRuntime } from '../models/on-device-runtime';
import { type AnswerEngine, EngineError } from './engine';

export type CreateRuntime = (model: StoredModel) => Promise<OnDeviceRuntime>;

/** The runtimes load only when a model of theirs is used: each is large, and most tablets need one. */
const createRuntime: CreateRuntime = async (model) => {
  if (model.catalog.kind === 'gguf') {
    const [{ createWllamaRuntime }, { ggufBlobs }] = await Promise.all([
      import('../models/wllama/wllama-runtime'),
      import('../models/gguf-files'),
    ]);
    return createWllamaRuntime({ modelId: model.id, files: () => ggufBlobs(model.catalog), requirements: model.catalog.requirements });
  }
  const { createWebllmRuntime } = await import('../models/webllm/webllm-runtime');
  return createWebllmRuntime({ model: model.catalog, origin: model.origin });
};

export interface OnDeviceEngine extends AnswerEngine {
  readonly id: 'on-device';
  /** Why the model could not run in this session, if it could not; the engine is unavailable until it is changed. */
  failure(modelId: string): OnDeviceError | undefined;
  /** The model is deleted or downloaded again: free it if loaded, and give it a fresh chance. */
  forget(modelId: string): Promise<void>;
}

/**
 * Answers with the tablet's active model, web-llm (WebGPU) or wllama (CPU), loaded on first use and
 * kept loaded. A model that fails to load is not tried again this session, so the router falls back
 * to the clinic server or the excerpts at once instead of failing each question.
 */
export function createOnDeviceEngine(options: { db: LibraryDb; createRuntime?: CreateRuntime }): OnDeviceEngine {
  const { db } = options;
  const failures = new Map<string, OnDeviceError>();
  let loading: { modelId: string; runtime: Promise<OnDeviceRuntime> } | undefined;
  /** The model whose load finished; a question's translation may use it without waiting for a load. */
  let loaded: string | undefined;

  const unavailable = (error: OnDeviceError) => new EngineError('unavailable', error.message, { cause: error });

  /** Unloads the model loaded before (one model in memory at a time), then loads this one. */
  function load(model: StoredModel, onProgress?: (progress: LoadProgress) => void): Promise<OnDeviceRuntime> {
    const previous = loading?.runtime;
    const runtime = (async () => {
      await (await previous?.catch(() => undefined))?.unload().catch(() => undefined);
      const instance = await (options.createRuntime ?? createRuntime)(model);
      try {
        await instance.load(onProgress);
      } catch (error) {
        await instance.unload().catch(() => undefined);
        throw error;
      }
      return instance;
    })();
    loading = { modelId: model.id, runtime };
    return runtime;
  }

  async function prepare(onProgress?: (progress: LoadProgress) => void): Promise<OnDeviceRuntime> {
    const model = await activeModel(db);
    if (!model) throw new EngineError('unavailable', 'No model is active on this tablet.');
    const failure = failures.get(model.id);
    if (failure) throw unavailable(failure);
    if (loading?.modelId !== model.id) load(model, onProgress);
    const current = loading!;
    try {
      const runtime = await current.runtime;
      if (loading === current) loaded = current.modelId;
      return runtime;
    } catch (error) {
      const reason =
        error instanceof OnDeviceError
          ? error
          : new OnDeviceError('load-failed', 'The model could not be loaded on this tablet.', { cause: error });
      failures.set(current.modelId, reason);
      if (loading === current) loading = undefined;
      throw unavailable(reason);
    }
  }

  return {
    id: 'on-device',
    async available() {
      const model = await activeModel(db).catch(() => undefined);
      if (!model || failures.has(model.id)) return false;
      return model.catalog.kind === 'gguf' || 'gpu' in navigator;
    },
    async promptTarget() {
      const model = await activeModel(db).catch(() => undefined);
      return model && { profile: model.catalog.requirements.promptProfile, contextTokens: model.catalog.requirements.contextTokens };
    },
    async prepare(onProgress) {
      await prepare(onProgress);
    },
    ready: () => loaded !== undefined && loaded === loading?.modelId,
    async answer(request, onText, signal) {
      const runtime = await prepare();
      try {
        return await runtime.answer(request, onText, signal);
      } catch (error) {
        // A lost GPU or memory mid-answer: the next question goes elsewhere, and this one back to the queue.
        if (error instanceof OnDeviceError) {
          failures.set(runtime.modelId, error);
          throw unavailable(error);
        }
        throw error;
      }
    },
    failure: (modelId) => failures.get(modelId),
    async forget(modelId) {
      failures.delete(modelId);
      if (loading?.modelId !== modelId) return;
      const { runtime } = loading;
      loading = undefined;
      await (await runtime.catch(() => undefined))?.unload().catch(() => undefined);
    },
  };
}
