import { WllamaError, WllamaRuntimeError } from '@wllama/wllama';
import { OnDeviceError, type OnDeviceErrorKind } from '../on-device-runtime';

export interface FailureDescription {
  message: string;
  /** The wasm instance aborted (a trap, an abort() in llama.cpp): it cannot be used again. */
  crashed: boolean;
}

export function describeFailure(error: unknown): FailureDescription {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : String(error);
  return { message, crashed: error instanceof WllamaRuntimeError || /wllama has crashed/i.test(message) };
}

// llama.cpp's words (ggml_aligned_malloc, buffer allocation), emscripten's and the browser's.
const OUT_OF_MEMORY =
  /insufficient memory|out of memory|\boom\b|cannot allocate|failed to allocate|unable to allocate|bad_alloc|cannot enlarge memory|array buffer allocation failed/i;
// Emscripten's words when the .wasm could not be fetched (offline and not cached).
const NOT_FETCHED = /failed to fetch|fetching of the wasm failed|networkerror/i;
// A valid GGUF of an architecture this llama.cpp build does not know.
const UNSUPPORTED_MODEL = /unknown model architecture|unsupported model/i;

function kindOf(error: unknown, text: string): OnDeviceErrorKind {
  if (OUT_OF_MEMORY.test(text)) return 'out-of-memory';
  if (NOT_FETCHED.test(text)) return 'network';
  if (UNSUPPORTED_MODEL.test(text)) return 'unsupported';
  if (error instanceof WebAssembly.CompileError || error instanceof WebAssembly.LinkError) return 'unsupported';
  return 'load-failed';
}

/**
 * The first native error line, which says what went wrong (the lines after it only say that each caller
 * failed in turn), without llama.cpp's `function_name:` prefixes.
 */
function nativeReason(nativeErrors: readonly string[]): string | undefined {
  const line = nativeErrors.find((l) => !/^Stack trace/i.test(l));
  return line
    ?.replace(/^(\w+:\s*|error loading model:\s*)+/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * An {@link OnDeviceError} for what wllama threw, with a message a person can read: `context`, then the
 * reason: llama.cpp's own words when wllama passes them on (a refused request), else the first error
 * llama.cpp logged (a file it could not load, a crash), else the error's message.
 */
export function toOnDeviceError(error: unknown, context: string, nativeErrors: readonly string[]): OnDeviceError {
  if (error instanceof OnDeviceError) return error;
  const { message } = describeFailure(error);
  const own = message.replace(/^\(ABORT\)\s*/, '').trim();
  const reason = (error instanceof WllamaError && own) || nativeReason(nativeErrors) || own;
  const kind = kindOf(error, `${message}\n${nativeErrors.join('\n')}`);
  return new OnDeviceError(kind, reason ? `${context}: ${reason}.` : `${context}.`, { cause: error });
}
