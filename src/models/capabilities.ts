import type { DeviceProfile } from '../core/models/fit';
import { detectWebGpu, type WebGpuReport } from './webgpu-adapter';

/** What the model manager shows of this tablet, and what the fit check reads. */
export interface Capabilities {
  webgpu: WebGpuReport;
  crossOriginIsolated: boolean;
  cores: number;
  /** navigator.deviceMemory in bytes, where the browser tells it. */
  memoryBytes?: number;
  usedStorageBytes?: number;
  freeStorageBytes?: number;
}

export async function detectCapabilities(): Promise<Capabilities> {
  const [webgpu, estimate] = await Promise.all([detectWebGpu(), navigator.storage?.estimate?.().catch(() => undefined)]);
  const memoryGiB = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
  return {
    webgpu,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    cores: navigator.hardwareConcurrency || 1,
    ...(memoryGiB ? { memoryBytes: memoryGiB * 1024 ** 3 } : {}),
    ...(estimate?.usage === undefined ? {} : { usedStorageBytes: estimate.usage }),
    ...(estimate?.quota === undefined || estimate.usage === undefined ? {} : { freeStorageBytes: estimate.quota - estimate.usage }),
  };
}

export function deviceProfile(capabilities: Capabilities): DeviceProfile {
  const { webgpu } = capabilities;
  return {
    webgpu: webgpu.available ? { available: true, shaderF16: webgpu.shaderF16, lowResource: webgpu.lowResource } : { available: false },
    ...(capabilities.memoryBytes === undefined ? {} : { memoryBytes: capabilities.memoryBytes }),
    ...(capabilities.freeStorageBytes === undefined ? {} : { freeStorageBytes: capabilities.freeStorageBytes }),
  };
}
