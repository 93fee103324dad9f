import { OnDeviceError, type OnDeviceErrorKind } from '../on-device-runtime';

interface Rule {
  kind: OnDeviceErrorKind;
  /** Matched against "Name: message". */
  pattern: RegExp;
  message: string;
}

export const MISSING_MODEL_LIBRARY_MESSAGE = 'The clinic server has no model library (.wasm) for this model.';
export const BROKEN_MODEL_LIBRARY_MESSAGE = 'The model library (.wasm) is broken or built for another version of web-llm.';

/**
 * web-llm's failures, most specific first. They arrive as Error objects in the page, but as strings
 * ("ShaderF16SupportError: …", `err.toString()`) from its worker, and its error classes are not
 * exported: so they are told apart by name and message. Names are those of lib/error.d.ts (0.2.86);
 * messages are the browser's for what web-llm lets through (fetch, Cache Storage, WebAssembly).
 */
const RULES: readonly Rule[] = [
  {
    kind: 'device-lost',
    // Checked before out-of-memory: web-llm's DeviceLostError message mentions OOM as a likely cause.
    pattern: /DeviceLostError|device (?:was |is )?lost/i,
    message: 'The GPU stopped working while the model was in use (out of GPU memory, or another app took the GPU).',
  },
  {
    kind: 'unsupported',
    pattern: /ShaderF16SupportError|shader-f16/,
    message: 'This model needs the shader-f16 GPU feature, which this device lacks: its f32 variant can run here.',
  },
  {
    kind: 'unsupported',
    pattern: /FeatureSupportError|Cannot initialize runtime because of requested/,
    message: 'This device’s GPU lacks a feature or a limit the model needs.',
  },
  {
    kind: 'no-webgpu',
    pattern: /WebGPUNotAvailableError|WebGPUNotFoundError|Unable to find a compatible GPU/,
    message: 'This browser offers no usable WebGPU, which a model on the tablet needs.',
  },
  {
    kind: 'quota',
    pattern: /QuotaExceededError|quota/i,
    message: 'The tablet’s storage is full: the model’s files cannot be kept.',
  },
  {
    kind: 'out-of-memory',
    pattern: /out of memory|OutOfMemory|allocation failed|could not allocate|Cannot allocate/i,
    message: 'There is not enough GPU memory or RAM for this model.',
  },
  {
    kind: 'model-library',
    // A broken .wasm fails to compile, another version's to link or to pass TVM's checks (FFILibrary);
    // a record without model_lib is web-llm's MissingModelError.
    pattern: /CompileError|LinkError|WebAssembly|Cannot find \w+(?:,\w+)* in exports|Cannt detect wasm memory|MissingModelError|model_lib/,
    message: BROKEN_MODEL_LIBRARY_MESSAGE,
  },
  {
    kind: 'network',
    // fetch's TypeError (Chromium, Firefox, Safari), Cache.add's for a refused or missing file, web-llm's own.
    pattern: /Failed to fetch|NetworkError|Load failed|Failed to execute 'add' on 'Cache'|Cannot fetch/,
    message: 'A model file could not be downloaded from the clinic server (no connection, or the server refused it).',
  },
];

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  // DOMException is an Error in browsers but not in every test environment.
  if (typeof error === 'object' && error !== null && 'name' in error && 'message' in error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * web-llm's error (an Error, or the string its worker sends) as an {@link OnDeviceError} with a plain
 * message; the original is its `cause`. `during` says what failed when no rule matches.
 */
export function toOnDeviceError(error: unknown, during: 'load' | 'answer' = 'load'): OnDeviceError {
  if (error instanceof OnDeviceError) return error;
  const text = describe(error);
  const rule = RULES.find((r) => r.pattern.test(text));
  if (rule) return new OnDeviceError(rule.kind, rule.message, { cause: error });
  const message = during === 'load' ? 'The model could not be loaded.' : 'The model stopped with an error while answering.';
  return new OnDeviceError('load-failed', message, { cause: error });
}
