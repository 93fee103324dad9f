import { describe, expect, it } from 'vitest';
import type { CatalogModel } from '../../src/core/models/catalog';
import { type DeviceProfile, misfits, STORAGE_MARGIN, WASM_MEMORY_LIMIT } from '../../src/core/models/fit';

const GB = 1024 ** 3;

function model(kind: CatalogModel['kind'], memoryBytes: number, extra: Partial<CatalogModel['requirements']> = {}): CatalogModel {
  return {
    id: `m-${kind}`,
    kind,
    files: [{ path: 'm.bin', size: memoryBytes / 2 }],
    totalBytes: memoryBytes / 2,
    url: '/models/m',
    requirements: { memoryBytes, shaderF16: false, contextTokens: 4096, promptProfile: 'chat', ...extra },
  };
}

const gpuTablet: DeviceProfile = { webgpu: { available: true, shaderF16: true }, memoryBytes: 8 * GB, freeStorageBytes: 20 * GB };
const cpuTablet: DeviceProfile = { webgpu: { available: false }, memoryBytes: 4 * GB, freeStorageBytes: 20 * GB };

describe('whether a model fits a tablet', () => {
  it('fits when the tablet has what it needs', () => {
    expect(misfits(model('webllm', 2 * GB, { shaderF16: true }), gpuTablet)).toEqual([]);
    expect(misfits(model('gguf', 1.5 * GB), cpuTablet)).toEqual([]);
  });

  it('needs WebGPU for a web-llm model, and shader-f16 for its f16 variant', () => {
    expect(misfits(model('webllm', GB), cpuTablet)).toEqual(['needs-webgpu']);
    const noF16 = { ...gpuTablet, webgpu: { available: true, shaderF16: false } };
    expect(misfits(model('webllm', GB, { shaderF16: true }), noF16)).toEqual(['needs-shader-f16']);
    expect(misfits(model('webllm', GB, { shaderF16: false }), noF16)).toEqual([]);
  });

  it('keeps large models off low-resource GPUs', () => {
    const phone = { ...gpuTablet, webgpu: { available: true, shaderF16: true, lowResource: true } };
    expect(misfits(model('webllm', 3 * GB), phone)).toEqual(['gpu-too-small']);
    expect(misfits(model('webllm', 1 * GB), phone)).toEqual([]);
  });

  it('allows a model half the memory the browser reports, and a GGUF model no more than WebAssembly can hold', () => {
    expect(misfits(model('gguf', 2.5 * GB), cpuTablet)).toEqual(['needs-more-memory']);
    expect(misfits(model('gguf', WASM_MEMORY_LIMIT + 1), { ...cpuTablet, memoryBytes: 64 * GB })).toEqual(['too-big-for-wasm']);
    expect(misfits(model('gguf', 1.5 * GB), { ...cpuTablet, memoryBytes: undefined })).toEqual([]);
  });

  it('needs storage for its files and a margin, unless they are already here', () => {
    const full: DeviceProfile = { ...cpuTablet, freeStorageBytes: 0.75 * GB + STORAGE_MARGIN - 1 };
    expect(misfits(model('gguf', 1.5 * GB), full)).toEqual(['needs-more-storage']);
    expect(misfits(model('gguf', 1.5 * GB), full, true)).toEqual([]);
    expect(misfits(model('gguf', 1.5 * GB), { ...full, freeStorageBytes: 0.75 * GB + STORAGE_MARGIN })).toEqual([]);
  });
});
