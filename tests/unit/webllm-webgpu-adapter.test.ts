import { describe, expect, it } from 'vitest';
import { detectWebGpu } from '../../src/models/webgpu-adapter';

const GIB = 2 ** 30;

/** GPU DOUBLE: navigator.gpu with one adapter (or none, or a failing request). */
function gpu(adapter: Partial<GPUAdapter> | null | Error): GPU {
  return {
    requestAdapter: async () => {
      if (adapter instanceof Error) throw adapter;
      return adapter as GPUAdapter | null;
    },
  } as unknown as GPU;
}

function adapter(features: string[], limits: Partial<GPUSupportedLimits>): Partial<GPUAdapter> {
  return {
    features: new Set(features) as unknown as GPUSupportedFeatures,
    limits: {
      maxStorageBufferBindingSize: 2 * GIB,
      maxBufferSize: 2 * GIB,
      maxComputeWorkgroupStorageSize: 32768,
      maxStorageBuffersPerShaderStage: 10,
      ...limits,
    } as GPUSupportedLimits,
    info: { vendor: 'google', architecture: 'swiftshader', description: '' } as GPUAdapterInfo,
  };
}

describe('detectWebGpu', () => {
  it('reports the adapter: its name, shader-f16 and the limits web-llm needs', async () => {
    expect(await detectWebGpu(gpu(adapter(['shader-f16', 'subgroups'], {})))).toEqual({
      available: true,
      vendor: 'google',
      architecture: 'swiftshader',
      description: '',
      shaderF16: true,
      maxStorageBufferBindingSize: 2 * GIB,
      maxBufferSize: 2 * GIB,
      maxComputeWorkgroupStorageSize: 32768,
      maxStorageBuffersPerShaderStage: 10,
      lowResource: false,
    });
    expect(await detectWebGpu(gpu(adapter([], {})))).toMatchObject({ available: true, shaderF16: false });
  });

  it('calls an adapter low-resource below a 1 GiB storage binding, as web-llm does', async () => {
    expect(await detectWebGpu(gpu(adapter([], { maxStorageBufferBindingSize: GIB })))).toMatchObject({ lowResource: false });
    expect(await detectWebGpu(gpu(adapter([], { maxStorageBufferBindingSize: GIB - 1 })))).toMatchObject({ lowResource: true });
  });

  it('says why there is none, never throwing', async () => {
    expect(await detectWebGpu(undefined)).toMatchObject({ available: false, reason: expect.stringMatching(/no WebGPU/) });
    expect(await detectWebGpu(gpu(null))).toMatchObject({ available: false, reason: expect.stringMatching(/no adapter/) });
    expect(await detectWebGpu(gpu(new Error('blocked')))).toMatchObject({ available: false, reason: expect.stringMatching(/blocked/) });
  });
});
