import type { PromptTarget } from '../core/prompt/prompt-target';
import type { AnswerRequest, AnswerResult } from '../engines/engine';

export interface LoadProgress {
  /** In [0, 1]. */
  fraction: number;
  /** What the runtime is doing, as it says it (not translated); for the curious. */
  detail?: string;
}

/** One model in one in-browser runtime: web-llm on WebGPU, or wllama on the CPU. */
export interface OnDeviceRuntime {
  readonly kind: 'webllm' | 'gguf';
  readonly modelId: string;
  /** Loads the model (and, for web-llm, fetches what is not cached yet). Rejects with an {@link OnDeviceError}. */
  load(onProgress?: (progress: LoadProgress) => void): Promise<void>;
  /**
   * Streams an answer from the loaded model: a chat request through its chat template, a completion
   * request (`prompt`, `stop`) as plain text. Aborting `signal` resolves with what came so far
   * (`finishReason: 'aborted'`). A failure rejects with an {@link OnDeviceError}.
   */
  answer(request: AnswerRequest, onText: (text: string) => void, signal?: AbortSignal): Promise<AnswerResult>;
  promptTarget(): PromptTarget;
  /** Frees the model and its worker; load() may be called again after. */
  unload(): Promise<void>;
}

/**
 * Why a model cannot run here, in terms the app can explain and act on: each kind has a message in
 * locales/<lang>/models.json and the router falls back to the next engine.
 * - `no-webgpu`: no WebGPU, or no adapter;
 * - `unsupported`: the adapter or browser lacks what the model needs (shader-f16, buffer sizes, threads);
 * - `device-lost`: the GPU was lost (driver reset, another tab took it);
 * - `out-of-memory`: not enough GPU memory or RAM for the model;
 * - `quota`: storage is full;
 * - `model-library`: web-llm's model library (.wasm) is missing, broken or for another web-llm version;
 * - `network`: a file could not be fetched (offline and not cached, or the server refused);
 * - `load-failed`: anything else while loading.
 */
export type OnDeviceErrorKind =
  | 'no-webgpu'
  | 'unsupported'
  | 'device-lost'
  | 'out-of-memory'
  | 'quota'
  | 'model-library'
  | 'network'
  | 'load-failed';

export class OnDeviceError extends Error {
  readonly kind: OnDeviceErrorKind;

  constructor(kind: OnDeviceErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OnDeviceError';
    this.kind = kind;
  }
}
