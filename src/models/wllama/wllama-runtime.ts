/// <reference types="vite/client" />
/**
 * A GGUF model on the tablet's CPU, through wllama (llama.cpp compiled to WebAssembly). The app imports
 * this module lazily, when a GGUF model is used: wllama is its only static dependency.
 */
import { type LoadedContextInfo, LogLevel, Wllama, WllamaAbortError, type WllamaLogger } from '@wllama/wllama';
// Bundled and given a hashed URL by Vite, so the service worker can precache it and wllama never reaches
// for its CDN. Since 3.1 one build serves single-threaded and multi-threaded runs alike.
import wllamaWasmUrl from '@wllama/wllama/esm/wasm/wllama.wasm?url';
import type { ModelRequirements } from '../../core/models/catalog';
import { WASM_MEMORY_LIMIT } from '../../core/models/fit';
import type { PromptTarget } from '../../core/prompt/prompt-target';
import type { AnswerRequest, AnswerResult, FinishReason } from '../../engines/engine';
import { type LoadProgress, OnDeviceError, type OnDeviceRuntime } from '../on-device-runtime';
import { describeFailure, toOnDeviceError } from './wllama-errors';

export interface WllamaRuntimeOptions {
  modelId: string;
  /** The model's GGUF file(s), in order when split; read on each load(). */
  files: () => Promise<Blob[]>;
  /** contextTokens becomes the context size; promptProfile is how the app prompts the model. */
  requirements: ModelRequirements;
  /** CPU threads when the page is cross-origin isolated; default: the cores less one. */
  threads?: number;
}

/** What this browser lacks of what wllama's build needs, if anything. */
function unsupportedReason(): string | undefined {
  if (typeof WebAssembly !== 'object' || typeof Worker !== 'function') return 'WebAssembly workers';
  // wllama's build awaits file reads through JSPI and addresses 64-bit memory. Browsers without them (Safari,
  // Chrome before 137) need the separate @wllama/wllama-compat build, which wllama fetches from a CDN: never offline.
  if (!('Suspending' in WebAssembly)) return 'WebAssembly JavaScript Promise Integration (JSPI)';
  try {
    new WebAssembly.Memory({ address: 'i64', initial: 1n } as unknown as WebAssembly.MemoryDescriptor);
  } catch {
    return 'WebAssembly 64-bit memory';
  }
  return undefined;
}

/**
 * Threads for llama.cpp. Wasm threads share memory through SharedArrayBuffer, which only a cross-origin
 * isolated page has (COOP + COEP headers); elsewhere it runs on one thread.
 */
export function wllamaThreads(requested?: number): number {
  if (!globalThis.crossOriginIsolated) return 1;
  if (requested !== undefined) return Math.max(1, Math.floor(requested));
  // llama.cpp's threads spin while they wait for each other, so one that shares a core with the page's
  // main thread (input, rendering, the app's own work) stalls every step: leave that core to the page.
  return Math.max(1, (navigator.hardwareConcurrency || 1) - 1);
}

const threadsLoaded = (threads: number) => `loaded, ${threads} thread${threads === 1 ? '' : 's'}`;

/** Native llama.cpp logs go nowhere but their errors, of which the first few are kept to explain a failure. */
function quietLogger(errors: string[]): WllamaLogger {
  const keep = (...args: unknown[]) => {
    if (errors.length < 20) errors.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
  };
  const ignore = () => {};
  return { debug: ignore, log: ignore, warn: ignore, error: keep };
}

type ChunkChoice = { finish_reason: string | null };

function finishOf(choice: ChunkChoice | undefined, current: FinishReason): FinishReason {
  if (!choice?.finish_reason) return current;
  return choice.finish_reason === 'length' ? 'length' : 'stop';
}

/** Resolves when `signal` aborts (never without one); `dispose` lets go of the signal. */
function whenAborted(signal: AbortSignal | undefined): { promise: Promise<void>; dispose: () => void } {
  let onAbort = () => {};
  const promise = new Promise<void>((resolve) => {
    onAbort = () => resolve();
  });
  signal?.addEventListener('abort', onAbort, { once: true });
  return { promise, dispose: () => signal?.removeEventListener('abort', onAbort) };
}

/**
 * Streams one request through wllama: chat messages through the model's own chat template (applied by
 * llama.cpp, llama-server's code inside wllama), a prompt as raw completion with its stop strings.
 */
function generate(
  instance: Wllama,
  request: AnswerRequest,
  signal: AbortSignal | undefined,
  emit: (piece: string | null | undefined, choice: ChunkChoice | undefined) => void,
): Promise<void> {
  const sampling = {
    max_tokens: request.maxTokens,
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(signal ? { abortSignal: signal } : {}),
    stream: true as const,
  };
  if (request.messages) {
    return instance.createChatCompletion({
      ...sampling,
      messages: request.messages,
      onData: (chunk) => emit(chunk.choices[0]?.delta.content, chunk.choices[0]),
    });
  }
  if (request.prompt !== undefined) {
    return instance.createCompletion({
      ...sampling,
      prompt: request.prompt,
      ...(request.stop?.length ? { stop: request.stop } : {}),
      onData: (chunk) => emit(chunk.choices[0]?.text, chunk.choices[0]),
    });
  }
  return Promise.reject(new OnDeviceError('load-failed', 'The request has neither messages nor a prompt.'));
}

/**
 * Fetches wllama's WebAssembly (about 10 MB, left out of the precache) once, so the service worker keeps
 * it and a model downloaded now also loads with the network off.
 */
export async function prefetchWllama(): Promise<void> {
  const response = await fetch(wllamaWasmUrl);
  if (!response.ok) throw new OnDeviceError('network', `The model runtime could not be downloaded (HTTP ${response.status}).`);
  await response.arrayBuffer();
}

export function createWllamaRuntime(options: WllamaRuntimeOptions): OnDeviceRuntime {
  const { modelId, requirements } = options;
  let wllama: Wllama | undefined;
  let loading: Promise<void> | undefined;
  // Native error lines since the last load or answer: llama.cpp says why a file did not load only in its log.
  const nativeErrors: string[] = [];

  async function start(onProgress?: (progress: LoadProgress) => void): Promise<void> {
    const missing = unsupportedReason();
    if (missing) throw new OnDeviceError('unsupported', `This browser lacks ${missing}, which on-device GGUF models need.`);
    if (requirements.memoryBytes > WASM_MEMORY_LIMIT) {
      throw new OnDeviceError('out-of-memory', `${modelId} needs more memory than WebAssembly can address (4 GiB).`);
    }
    onProgress?.({ fraction: 0, detail: 'reading the model file' });
    const blobs = await options.files().catch((error: unknown) => {
      throw toOnDeviceError(error, `The files of ${modelId} could not be read`, []);
    });
    onProgress?.({ fraction: 0.05, detail: 'starting llama.cpp' });
    nativeErrors.length = 0;
    const instance = new Wllama({ default: wllamaWasmUrl }, { logger: quietLogger(nativeErrors) });
    // Never the CDN build: unsupportedReason() already refused the browsers that would need it.
    instance.setCompat(null);
    try {
      await instance.loadModel(blobs, {
        n_ctx: requirements.contextTokens,
        n_threads: wllamaThreads(options.threads),
        // The CPU runtime: WebGPU models go through web-llm, and wllama would otherwise offload to any adapter.
        n_gpu_layers: 0,
        // One question at a time on a tablet: one slot (wllama defaults to four).
        n_parallel: 1,
        log_level: LogLevel.WARN,
      });
      // wllama resolves even when llama.cpp refused the file: its answer's `success` says so.
      const loaded = instance.getLoadedContextInfo() as LoadedContextInfo & { success?: boolean };
      if (loaded.success === false || loaded.n_ctx === 0) throw new Error('llama.cpp did not load the model');
    } catch (error) {
      await instance.exit().catch(() => {});
      throw toOnDeviceError(error, `${modelId} could not be loaded`, nativeErrors);
    }
    wllama = instance;
    onProgress?.({ fraction: 1, detail: threadsLoaded(instance.getNumThreads()) });
  }

  return {
    kind: 'gguf',
    modelId,

    load(onProgress) {
      if (wllama) return Promise.resolve();
      loading ??= start(onProgress).finally(() => {
        loading = undefined;
      });
      return loading;
    },

    async answer(request: AnswerRequest, onText: (text: string) => void, signal?: AbortSignal): Promise<AnswerResult> {
      const instance = wllama;
      if (!instance) throw new OnDeviceError('load-failed', `${modelId} is not loaded.`);
      let text = '';
      let finishReason: FinishReason = 'stop';
      const result = (reason: FinishReason): AnswerResult => ({ text, model: modelId, finishReason: reason });
      if (signal?.aborted) return result('aborted');
      nativeErrors.length = 0;
      const generation = generate(instance, request, signal, (piece, choice) => {
        // What llama.cpp still sends after an abort is no longer the caller's.
        if (signal?.aborted) return;
        if (piece) {
          text += piece;
          onText(piece);
        }
        finishReason = finishOf(choice, finishReason);
      });
      const abort = whenAborted(signal);
      try {
        // An abort resolves at once: wllama notices it only between two steps of llama.cpp, and one step of
        // a long prompt takes seconds on a tablet's CPU. The next request waits for that step in wllama's queue.
        const aborted = await Promise.race([generation.then(() => false), abort.promise.then(() => true)]);
        return result(aborted ? 'aborted' : finishReason);
      } catch (error) {
        if (error instanceof WllamaAbortError || signal?.aborted) return result('aborted');
        const failure = toOnDeviceError(error, `${modelId} failed while answering`, nativeErrors);
        // A crashed wasm instance answers nothing more: free it, so the next load() starts afresh.
        if (describeFailure(error).crashed && wllama === instance) {
          wllama = undefined;
          await instance.exit().catch(() => {});
        }
        throw failure;
      } finally {
        abort.dispose();
        // Once aborted, the generation still ends in wllama's own WllamaAbortError: expected, not unhandled.
        generation.catch(() => {});
      }
    },

    promptTarget(): PromptTarget {
      return { profile: requirements.promptProfile, contextTokens: requirements.contextTokens };
    },

    async unload() {
      await loading?.catch(() => {});
      const instance = wllama;
      wllama = undefined;
      // Terminates the worker (and its threads): the wasm memory, model included, goes with it.
      await instance?.exit();
    },
  };
}
