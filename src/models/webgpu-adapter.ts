/** What this browser's WebGPU adapter offers, as far as choosing and running a web-llm model goes. */
export type WebGpuReport =
  | { available: false; reason: string }
  | {
      available: true;
      vendor: string;
      architecture: string;
      description: string;
      /** f16 model variants (`q4f16_1`) need it; f32 ones (`q4f32_1`) do not. */
      shaderF16: boolean;
      maxStorageBufferBindingSize: number;
      maxBufferSize: number;
      /** web-llm's device needs 32 KiB; WebGPU only promises 16 KiB. */
      maxComputeWorkgroupStorageSize: number;
      /** web-llm's device needs 10; WebGPU only promises 8. */
      maxStorageBuffersPerShaderStage: number;
      /** A phone-class GPU: only models built for low-resource devices fit (see LOW_RESOURCE_BINDING_BYTES). */
      lowResource: boolean;
    };

/**
 * web-llm asks for a 1 GiB storage-buffer binding and settles for 128 MiB when the adapter has less
 * (detectGPUDevice in @mlc-ai/web-llm 0.2.86, lib/index.js); getMaxStorageBufferBindingSize() warns that
 * below 1 GiB (`maxStorageBufferBindingSize < 1 << 30`) only a limited set of models work — those its
 * model list marks `low_resource_required`. Same rule here.
 */
const LOW_RESOURCE_BINDING_BYTES = 2 ** 30;

/**
 * Asks the browser for the adapter web-llm would use (same `high-performance` preference as its
 * detectGPUDevice). Never throws: no WebGPU, no adapter, or a failing request is `available: false`.
 */
export async function detectWebGpu(gpu: GPU | undefined = globalThis.navigator?.gpu): Promise<WebGpuReport> {
  if (!gpu) return { available: false, reason: 'This browser has no WebGPU (navigator.gpu is missing).' };
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { available: false, reason: `The browser refused a WebGPU adapter: ${String(error)}` };
  }
  if (!adapter) return { available: false, reason: 'WebGPU is present but offers no adapter (no usable GPU, or it is blocked).' };
  const { limits, info } = adapter;
  return {
    available: true,
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    description: info?.description ?? '',
    shaderF16: adapter.features.has('shader-f16'),
    maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
    maxBufferSize: limits.maxBufferSize,
    maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
    maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
    lowResource: limits.maxStorageBufferBindingSize < LOW_RESOURCE_BINDING_BYTES,
  };
}
