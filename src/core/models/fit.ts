import type { CatalogModel } from './catalog';

/** What the model manager knows of this tablet (src/models/capabilities.ts gathers it). */
export interface DeviceProfile {
  webgpu: { available: boolean; shaderF16?: boolean; lowResource?: boolean };
  /** navigator.deviceMemory: rounded, and capped at 8 GiB by Chrome; absent in other browsers. */
  memoryBytes?: number;
  /** Storage the browser still grants this origin. */
  freeStorageBytes?: number;
}

export type MisfitReason =
  | 'needs-webgpu'
  | 'needs-shader-f16'
  | 'gpu-too-small'
  | 'needs-more-memory'
  | 'too-big-for-wasm'
  | 'needs-more-storage';

/** WebAssembly's 32-bit memory: wllama cannot hold a model and its context past 4 GiB, whatever the RAM. */
export const WASM_MEMORY_LIMIT = 4 * 1024 ** 3;
/** A low-resource adapter (a phone's GPU) is not given a model past this. */
const LOW_RESOURCE_GPU_BYTES = 2 * 1024 ** 3;
/** Browsers report quota loosely; this much is kept free beyond a model's files. */
export const STORAGE_MARGIN = 64 * 1024 * 1024;
/** The browser, the page and the OS keep their share: a model may take half the RAM the browser reports. */
const MEMORY_SHARE = 0.5;

/**
 * Why this model cannot run on this tablet; empty when it fits. `downloaded`: its files are already
 * here, so free storage does not matter.
 */
export function misfits(model: CatalogModel, device: DeviceProfile, downloaded = false): MisfitReason[] {
  const reasons: MisfitReason[] = [];
  const { memoryBytes } = model.requirements;
  if (model.kind === 'webllm') {
    if (!device.webgpu.available) reasons.push('needs-webgpu');
    else {
      if (model.requirements.shaderF16 && !device.webgpu.shaderF16) reasons.push('needs-shader-f16');
      if (device.webgpu.lowResource && memoryBytes > LOW_RESOURCE_GPU_BYTES) reasons.push('gpu-too-small');
    }
  } else if (memoryBytes > WASM_MEMORY_LIMIT) {
    reasons.push('too-big-for-wasm');
  }
  if (device.memoryBytes !== undefined && memoryBytes > device.memoryBytes * MEMORY_SHARE && !reasons.includes('too-big-for-wasm')) {
    reasons.push('needs-more-memory');
  }
  if (!downloaded && device.freeStorageBytes !== undefined && model.totalBytes + STORAGE_MARGIN > device.freeStorageBytes) {
    reasons.push('needs-more-storage');
  }
  return reasons;
}
