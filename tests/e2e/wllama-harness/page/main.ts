import { type LoadProgress, OnDeviceError, type OnDeviceRuntime } from '../../../../src/models/on-device-runtime';
import type { Chunk, LoadSpec, Outcome, PageError } from '../protocol';

// The runtime module is imported when first used, as the app does.
const runtimeModule = () => import('../../../../src/models/wllama/wllama-runtime');
const runtimes = new Map<string, OnDeviceRuntime>();

function pageError(error: unknown): PageError {
  if (error instanceof OnDeviceError) return { name: error.name, kind: error.kind, message: error.message };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'unknown', message: String(error) };
}

async function outcome<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error: pageError(error) };
  }
}

/** The file as fetched, or broken on purpose: cut in the middle of its tensors, or not a GGUF at all. */
async function modelBlobs(spec: LoadSpec): Promise<Blob[]> {
  const blobs = await Promise.all(
    spec.urls.map(async (url) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
      return response.blob();
    }),
  );
  if (spec.corrupt === 'truncate') return blobs.map((b) => b.slice(0, Math.floor(b.size / 2)));
  if (spec.corrupt === 'garbage') return blobs.map((b) => new Blob([new Uint8Array(b.size).fill(0x5a)]));
  return blobs;
}

window.harness = {
  async info() {
    const { wllamaThreads } = await runtimeModule();
    return {
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      hardwareConcurrency: navigator.hardwareConcurrency,
      defaultThreads: wllamaThreads(),
    };
  },

  load(name, spec) {
    return outcome(async () => {
      const { createWllamaRuntime } = await runtimeModule();
      const runtime =
        runtimes.get(name) ??
        createWllamaRuntime({
          modelId: name,
          files: () => modelBlobs(spec),
          requirements: spec.requirements,
          ...(spec.threads === undefined ? {} : { threads: spec.threads }),
        });
      runtimes.set(name, runtime);
      const progress: LoadProgress[] = [];
      const start = performance.now();
      await runtime.load((p) => progress.push(p));
      return { ms: performance.now() - start, progress };
    });
  },

  answer(name, spec) {
    return outcome(async () => {
      const runtime = runtimes.get(name);
      if (!runtime) throw new Error(`No runtime named ${name}`);
      const chunks: Chunk[] = [];
      const controller = new AbortController();
      const onText = (text: string) => {
        chunks.push({ text, atMs: performance.now() });
        if (chunks.length === spec.abortAfterChunks) controller.abort();
      };
      if (spec.abortAfterMs !== undefined) setTimeout(() => controller.abort(), spec.abortAfterMs);
      const startMs = performance.now();
      const result = await runtime.answer(spec.request, onText, controller.signal);
      return { result, chunks, startMs, endMs: performance.now() };
    });
  },

  promptTarget(name) {
    return runtimes.get(name)?.promptTarget();
  },

  async unload(name) {
    await runtimes.get(name)?.unload();
  },
};
