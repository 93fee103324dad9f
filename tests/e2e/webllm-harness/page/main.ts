import { CreateWebWorkerMLCEngine, hasModelInCache } from '@mlc-ai/web-llm';
import type { CatalogModel } from '../../../../src/core/models/catalog';
import { type LoadProgress, OnDeviceError, type OnDeviceRuntime } from '../../../../src/models/on-device-runtime';
import { detectWebGpu } from '../../../../src/models/webgpu-adapter';
import { chooseWebllmModel, webllmAppConfig } from '../../../../src/models/webllm/app-config';
import {
  type CreateWebllmEngine,
  createWebllmRuntime,
  createWorkerEngine,
  deleteWebllmModel,
  isWebllmModelCached,
} from '../../../../src/models/webllm/webllm-runtime';
import type { AnswerRun, DoubleEvent, Outcome, PageError, WebllmHarness } from '../protocol';
import { DOUBLE_CHANNEL } from './engine-double';

const origin = location.origin;

function pageError(error: unknown): PageError {
  if (error instanceof OnDeviceError) return { name: error.name, kind: error.kind, message: error.message, cause: String(error.cause) };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'thrown', message: String(error) };
}

async function outcome<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error: pageError(error) };
  }
}

async function loadAndUnload(runtime: OnDeviceRuntime): Promise<LoadProgress[]> {
  const progress: LoadProgress[] = [];
  try {
    await runtime.load((p) => progress.push(p));
    return progress;
  } finally {
    await runtime.unload();
  }
}

// The double's worker and what it reports.
const doubleEvents: DoubleEvent[] = [];
new BroadcastChannel(DOUBLE_CHANNEL).onmessage = (message: MessageEvent<DoubleEvent>) => doubleEvents.push(message.data);
let workersTerminated = 0;
const doubleEngine: CreateWebllmEngine = async (modelId, config) => {
  const worker = new Worker(new URL('./engine-double-worker.ts', import.meta.url), { type: 'module' });
  const engine = await CreateWebWorkerMLCEngine(worker, modelId, config);
  return {
    engine,
    terminate: () => {
      worker.terminate();
      workersTerminated++;
    },
  };
};
let doubleRuntime: OnDeviceRuntime | undefined;

window.webllmHarness = {
  detect: () => detectWebGpu(),

  async rawAdapter() {
    const adapter = await navigator.gpu?.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return null;
    const { maxStorageBufferBindingSize, maxBufferSize } = adapter.limits;
    return { features: [...adapter.features], maxStorageBufferBindingSize, maxBufferSize };
  },

  appConfig: (models) => webllmAppConfig(models, origin),

  async choose(models) {
    return chooseWebllmModel(models, await detectWebGpu())?.id;
  },

  async cacheKeys() {
    const names = (await caches.keys()).filter((name) => name.startsWith('webllm/'));
    const entries = await Promise.all(
      names.map(async (name) => [name, (await (await caches.open(name)).keys()).map((r) => r.url)] as const),
    );
    return Object.fromEntries(entries);
  },

  async cacheLikeWebllm(entries) {
    for (const { cache, url } of entries) await (await caches.open(cache)).add(new Request(url));
  },

  hasModelInCache: (model: CatalogModel) => hasModelInCache(model.id, webllmAppConfig([model], origin)),
  isWebllmModelCached: (model) => isWebllmModelCached(model, origin),
  deleteWebllmModel: (model) => deleteWebllmModel(model, origin),

  loadWithRuntime: (model) => outcome(() => loadAndUnload(createWebllmRuntime({ model, origin }))),

  loadWithWebllm: (model) =>
    outcome(async () => {
      const { terminate } = await createWorkerEngine(model.id, { appConfig: webllmAppConfig([model], origin) });
      terminate();
      return null;
    }),

  double: {
    load: (model) =>
      outcome(async () => {
        doubleRuntime = createWebllmRuntime({ model, origin, createEngine: doubleEngine });
        const progress: LoadProgress[] = [];
        await doubleRuntime.load((p) => progress.push(p));
        return progress;
      }),

    answer: ({ request, abortAfterPieces }) =>
      outcome(async (): Promise<AnswerRun> => {
        if (!doubleRuntime) throw new Error('load() first');
        const pieces: string[] = [];
        const controller = new AbortController();
        const result = await doubleRuntime.answer(
          request,
          (text) => {
            pieces.push(text);
            if (pieces.length === abortAfterPieces) controller.abort();
          },
          controller.signal,
        );
        return { result, pieces };
      }),

    async unload() {
      await doubleRuntime?.unload();
      return { workersTerminated };
    },

    events: () => doubleEvents,
  },
} satisfies WebllmHarness;
