import { describe, expect, it } from 'vitest';
import { OnDeviceError } from '../../src/models/on-device-runtime';
import { BROKEN_MODEL_LIBRARY_MESSAGE, toOnDeviceError } from '../../src/models/webllm/webllm-errors';

/** An error as web-llm 0.2.86 throws it in the page: its class sets `name` (lib/index.js). */
function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** The same error as web-llm's worker sends it to the page: `err.toString()` (WebWorkerMLCEngineHandler.handleTask). */
const fromWorker = (error: Error) => error.toString();

// Messages as in web-llm 0.2.86's lib/index.js, and the browser's for what web-llm lets through.
const SHADER_F16 = named(
  'ShaderF16SupportError',
  'This model requires WebGPU extension shader-f16, which is not enabled in this browser. You can try to launch Chrome Canary in command line with flag "--enable-dawn-features=allow_unsafe_apis".',
);
const NO_WEBGPU = named(
  'WebGPUNotAvailableError',
  'WebGPU is not supported in your current environment, but it is necessary to run the WebLLM engine.',
);
const NO_ADAPTER = new Error('Unable to find a compatible GPU. This issue might be because your computer doesn’t have a GPU.');
const DEVICE_LOST = named(
  'DeviceLostError',
  'The WebGPU device was lost while loading the model. This issue often occurs due to running out of memory (OOM).',
);
const FEATURE = named('FeatureSupportError', 'This model requires feature subgroups, which is not yet supported by this browser.');
const LIMITS = new Error(
  'Cannot initialize runtime because of requested maxStorageBufferBindingSize exceeds limit. requested=128MB, limit=64MB. ',
);
const COMPILE = named('CompileError', 'WebAssembly.instantiate(): expected magic word 00 61 73 6d, found 74 68 69 73 @+0');
const LINK = named('LinkError', 'WebAssembly.instantiate(): Import #0 "env" "TVMFFIWasmSafeCall": function import requires a callable');
const NOT_TVM = new Error('Cannot find TVMWasmAllocSpace,TVMWasmFreeSpace in exports');
const CACHE_ADD = new TypeError("Failed to execute 'add' on 'Cache': Request failed");
const OFFLINE = new TypeError('Failed to fetch');
const QUOTA = named('QuotaExceededError', 'Quota exceeded.');
const WASM_MEMORY = new RangeError('WebAssembly.Memory(): could not allocate memory');
const GPU_OOM = new Error('Out of memory: buffer allocation of 2147483648 bytes failed');

describe('toOnDeviceError', () => {
  const cases: [string, Error, OnDeviceError['kind']][] = [
    ['no WebGPU', NO_WEBGPU, 'no-webgpu'],
    ['no adapter', NO_ADAPTER, 'no-webgpu'],
    ['no shader-f16', SHADER_F16, 'unsupported'],
    ['a missing feature', FEATURE, 'unsupported'],
    ['limits below web-llm’s', LIMITS, 'unsupported'],
    ['a lost device', DEVICE_LOST, 'device-lost'],
    ['a full disk', QUOTA, 'quota'],
    ['no memory for WebAssembly', WASM_MEMORY, 'out-of-memory'],
    ['no GPU memory', GPU_OOM, 'out-of-memory'],
    ['a library that is not WebAssembly', COMPILE, 'model-library'],
    ['a library for another runtime', LINK, 'model-library'],
    ['a library TVM refuses', NOT_TVM, 'model-library'],
    ['a file the server refused', CACHE_ADD, 'network'],
    ['no connection', OFFLINE, 'network'],
  ];

  it.each(cases)('maps %s, as an Error and as the string from the worker', (_, error, kind) => {
    for (const thrown of [error, fromWorker(error)]) {
      const mapped = toOnDeviceError(thrown);
      expect(mapped).toBeInstanceOf(OnDeviceError);
      expect(mapped.kind).toBe(kind);
      expect(mapped.cause).toBe(thrown);
    }
  });

  it('says it plainly: no class name, no stack, no advice about Chrome flags', () => {
    for (const [, error] of cases) {
      const { message } = toOnDeviceError(fromWorker(error));
      expect(message).not.toMatch(/Error\b|--|Canary|https?:|\n/);
      expect(message.length).toBeLessThan(150);
    }
    expect(toOnDeviceError(COMPILE).message).toBe(BROKEN_MODEL_LIBRARY_MESSAGE);
  });

  it('tells the f32 variant would run when shader-f16 is missing', () => {
    expect(toOnDeviceError(fromWorker(SHADER_F16)).message).toMatch(/f32/);
  });

  it('takes a DOMException-like object by its name', () => {
    expect(toOnDeviceError({ name: 'QuotaExceededError', message: 'The quota has been exceeded.' }).kind).toBe('quota');
  });

  it('keeps an OnDeviceError as it is, and calls anything else a failed load or answer', () => {
    const error = new OnDeviceError('network', 'offline');
    expect(toOnDeviceError(error)).toBe(error);
    const unknown = toOnDeviceError('Error: something new in web-llm');
    expect(unknown).toMatchObject({ kind: 'load-failed', message: 'The model could not be loaded.' });
    expect(toOnDeviceError(new Error('?'), 'answer').message).toMatch(/while answering/);
  });
});
