import { describe, expect, it } from 'vitest';
import type { CatalogModel } from '../../src/core/models/catalog';
import type { WebGpuReport } from '../../src/models/webgpu-adapter';
import {
  chooseWebllmModel,
  runnableWebllmModels,
  webllmAppConfig,
  webllmBaseName,
  whyWebllmCannotRun,
} from '../../src/models/webllm/app-config';

const ORIGIN = 'https://clinic.lan:8443';
const MIB = 2 ** 20;
const GIB = 2 ** 30;

function webllm(id: string, memoryBytes: number): CatalogModel {
  const f16 = id.includes('f16');
  return {
    id,
    kind: 'webllm',
    files: [{ path: `${id}/resolve/main/mlc-chat-config.json`, size: 100 }],
    totalBytes: 100,
    url: `/models/${id}/`,
    modelLib: `${id}/${id}-webgpu.wasm`,
    requirements: { memoryBytes, shaderF16: f16, contextTokens: 4096, promptProfile: 'chat' },
  };
}

const SMALL_F16 = webllm('Meditron-1B-q4f16_1-MLC', 900 * MIB);
const SMALL_F32 = webllm('Meditron-1B-q4f32_1-MLC', 1200 * MIB);
const LARGE_F16 = webllm('Meditron-8B-q4f16_1-MLC', 5 * GIB);
const LARGE_F32 = webllm('Meditron-8B-q4f32_1-MLC', 6 * GIB);
const GGUF: CatalogModel = {
  id: 'meditron-8b.Q4_K_M',
  kind: 'gguf',
  files: [{ path: 'meditron-8b.Q4_K_M.gguf', size: 5 * GIB }],
  totalBytes: 5 * GIB,
  url: '/models/meditron-8b.Q4_K_M.gguf',
  requirements: { memoryBytes: 6 * GIB, shaderF16: false, contextTokens: 4096, promptProfile: 'completion' },
};

function adapter(overrides: Partial<Extract<WebGpuReport, { available: true }>> = {}): WebGpuReport {
  const report = {
    available: true as const,
    vendor: 'test',
    architecture: 'double',
    description: '',
    shaderF16: true,
    maxStorageBufferBindingSize: 2 * GIB,
    maxBufferSize: 2 * GIB,
    maxComputeWorkgroupStorageSize: 32 * 1024,
    maxStorageBuffersPerShaderStage: 10,
    ...overrides,
  };
  return { ...report, lowResource: report.maxStorageBufferBindingSize < GIB };
}

const F16_GPU = adapter();
const NO_F16_GPU = adapter({ shaderF16: false });
const PHONE_GPU = adapter({ shaderF16: false, maxStorageBufferBindingSize: 128 * MIB });

describe('webllmAppConfig', () => {
  const config = webllmAppConfig([SMALL_F16, GGUF, LARGE_F32], ORIGIN);

  it('lists the web-llm models only, with absolute URLs on the clinic server', () => {
    expect(config.model_list.map((r) => r.model_id)).toEqual([SMALL_F16.id, LARGE_F32.id]);
    expect(config.model_list[0]).toMatchObject({
      model: `${ORIGIN}/models/${SMALL_F16.id}/`,
      model_lib: `${ORIGIN}/models/${SMALL_F16.id}/${SMALL_F16.id}-webgpu.wasm`,
    });
  });

  it('carries what the model needs: shader-f16 for f16 variants, memory, context, low-resource', () => {
    const [small, large] = config.model_list;
    expect(small).toMatchObject({
      required_features: ['shader-f16'],
      vram_required_MB: 900,
      overrides: { context_window_size: 4096 },
      low_resource_required: true,
    });
    expect(large!.required_features).toBeUndefined();
    expect(large).toMatchObject({ vram_required_MB: 6144, low_resource_required: false });
  });

  it('leaves out a web-llm model without a model library', () => {
    const { modelLib: _, ...noLibrary } = SMALL_F32;
    expect(webllmAppConfig([noLibrary], ORIGIN).model_list).toEqual([]);
  });

  it('keeps the server’s port and takes the model URL as the catalog gives it', () => {
    const nested = {
      ...SMALL_F32,
      id: 'mlc-ai/Tiny-q4f32_1-MLC',
      url: '/models/mlc-ai/Tiny-q4f32_1-MLC/',
      modelLib: 'mlc-ai/Tiny-q4f32_1-MLC/lib.wasm',
    };
    expect(webllmAppConfig([nested], 'http://127.0.0.1:4173').model_list[0]).toMatchObject({
      model: 'http://127.0.0.1:4173/models/mlc-ai/Tiny-q4f32_1-MLC/',
      model_lib: 'http://127.0.0.1:4173/models/mlc-ai/Tiny-q4f32_1-MLC/lib.wasm',
    });
  });
});

describe('webllmBaseName', () => {
  it('names the model apart from its quantization', () => {
    expect(webllmBaseName('Meditron-8B-q4f16_1-MLC')).toBe('Meditron-8B-MLC');
    expect(webllmBaseName('Meditron-8B-q4f32_1-MLC')).toBe('Meditron-8B-MLC');
    expect(webllmBaseName('Llama-3.1-8B-Instruct-q4f16_1-MLC-1k')).toBe('Llama-3.1-8B-Instruct-MLC-1k');
    expect(webllmBaseName('SmolLM2-360M-Instruct-q0f16-MLC')).toBe('SmolLM2-360M-Instruct-MLC');
  });
});

describe('chooseWebllmModel', () => {
  const catalog = [LARGE_F16, LARGE_F32, SMALL_F16, SMALL_F32, GGUF];

  it('takes the f16 variant on an adapter with shader-f16', () => {
    expect(chooseWebllmModel(catalog, F16_GPU)?.id).toBe(LARGE_F16.id);
    expect(runnableWebllmModels(catalog, F16_GPU).map((m) => m.id)).toEqual([LARGE_F16.id, SMALL_F16.id]);
  });

  it('takes the f32 variant on an adapter without shader-f16, whatever the catalog order', () => {
    expect(chooseWebllmModel(catalog, NO_F16_GPU)?.id).toBe(LARGE_F32.id);
    expect(chooseWebllmModel([LARGE_F32, LARGE_F16], F16_GPU)?.id).toBe(LARGE_F16.id);
    expect(chooseWebllmModel([LARGE_F16], NO_F16_GPU)).toBeUndefined();
  });

  it('gives a low-resource adapter only a model small enough for it', () => {
    expect(chooseWebllmModel(catalog, PHONE_GPU)?.id).toBe(SMALL_F32.id);
    expect(chooseWebllmModel([LARGE_F32], PHONE_GPU)).toBeUndefined();
    expect(whyWebllmCannotRun(LARGE_F32, PHONE_GPU)).toMatch(/too large/);
  });

  it('finds the best variant of the model asked for, by base name or by any variant', () => {
    expect(chooseWebllmModel(catalog, NO_F16_GPU, 'Meditron-1B-MLC')?.id).toBe(SMALL_F32.id);
    expect(chooseWebllmModel(catalog, F16_GPU, SMALL_F32.id)?.id).toBe(SMALL_F16.id);
    expect(chooseWebllmModel(catalog, F16_GPU, 'Other-MLC')).toBeUndefined();
  });

  it('chooses nothing without WebGPU, or below the limits web-llm needs, and says why', () => {
    const none: WebGpuReport = { available: false, reason: 'no navigator.gpu' };
    expect(chooseWebllmModel(catalog, none)).toBeUndefined();
    expect(whyWebllmCannotRun(SMALL_F32, none)).toMatch(/no navigator\.gpu/);
    const weak = adapter({ maxComputeWorkgroupStorageSize: 16 * 1024 });
    expect(chooseWebllmModel(catalog, weak)).toBeUndefined();
    expect(whyWebllmCannotRun(SMALL_F32, weak)).toMatch(/maxComputeWorkgroupStorageSize/);
    expect(whyWebllmCannotRun(GGUF, F16_GPU)).toBeDefined();
    expect(whyWebllmCannotRun(SMALL_F16, NO_F16_GPU)).toMatch(/shader-f16/);
    expect(whyWebllmCannotRun(SMALL_F16, F16_GPU)).toBeUndefined();
  });
});
