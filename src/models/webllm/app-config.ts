import type { AppConfig, ModelRecord } from '@mlc-ai/web-llm';
import type { CatalogModel } from '../../core/models/catalog';
import { misfits } from '../../core/models/fit';
import type { WebGpuReport } from '../webgpu-adapter';

const MIB = 2 ** 20;

/**
 * What web-llm's detectGPUDevice (0.2.86) insists on before it creates a device: a 256 MiB buffer, a
 * 128 MiB storage binding (its fallbacks from 1 GiB), 32 KiB of workgroup storage and 10 storage
 * buffers a shader stage. Below any of these, every model fails to load.
 */
const WEBLLM_MINIMUM_LIMITS = {
  maxBufferSize: 256 * MIB,
  maxStorageBufferBindingSize: 128 * MIB,
  maxComputeWorkgroupStorageSize: 32 * 1024,
  maxStorageBuffersPerShaderStage: 10,
} as const;

/** The mirror's URL of a model's files (web-llm appends `resolve/main/`) and of its model library. */
export function webllmModelUrls(model: CatalogModel, origin: string): { model: string; modelLib: string } {
  if (!model.modelLib) throw new Error(`${model.id} has no model library in the catalog.`);
  return { model: new URL(model.url, origin).href, modelLib: new URL(`/models/${model.modelLib}`, origin).href };
}

/**
 * web-llm's record for a catalog model. Every URL is absolute on the clinic server's origin: web-llm
 * keeps a model library in its own cache only when its URL starts with "http" and has no "localhost"
 * in it (reloadInternal in lib/index.js) — a relative one it fetches anew at every load, so it would
 * not load offline.
 */
function modelRecord(model: CatalogModel, origin: string): ModelRecord {
  const urls = webllmModelUrls(model, origin);
  const { requirements } = model;
  return {
    model: urls.model,
    model_id: model.id,
    model_lib: urls.modelLib,
    // web-llm itself only reads required_features (it throws ShaderF16SupportError when one is missing);
    // vram and low-resource are what its model list tells apps, kept here in its terms.
    ...(requirements.shaderF16 ? { required_features: ['shader-f16'] } : {}),
    vram_required_MB: Math.ceil(requirements.memoryBytes / MIB),
    low_resource_required: fitsLowResourceGpu(model),
    overrides: { context_window_size: requirements.contextTokens },
  };
}

/** The AppConfig web-llm loads the catalog's web-llm models with: from the mirror, nowhere else. */
export function webllmAppConfig(models: readonly CatalogModel[], origin: string): AppConfig {
  return { model_list: models.filter((m) => m.kind === 'webllm' && m.modelLib).map((m) => modelRecord(m, origin)) };
}

/** Whether the model manager would give this model to a phone-class GPU (the rule of core/models/fit.ts). */
function fitsLowResourceGpu(model: CatalogModel): boolean {
  return !misfits(model, { webgpu: { available: true, shaderF16: true, lowResource: true } }).includes('gpu-too-small');
}

/** Why this adapter cannot run the model, in plain words; undefined when it can. */
export function whyWebllmCannotRun(model: CatalogModel, adapter: WebGpuReport): string | undefined {
  if (model.kind !== 'webllm') return 'It is not a web-llm model.';
  if (!model.modelLib) return 'The clinic server has no model library (.wasm) for it.';
  if (!adapter.available) return `No WebGPU: ${adapter.reason}`;
  const short = (Object.keys(WEBLLM_MINIMUM_LIMITS) as (keyof typeof WEBLLM_MINIMUM_LIMITS)[]).find(
    (limit) => adapter[limit] < WEBLLM_MINIMUM_LIMITS[limit],
  );
  if (short) return `The GPU's ${short} (${adapter[short]}) is below web-llm's minimum (${WEBLLM_MINIMUM_LIMITS[short]}).`;
  const reasons = misfits(model, { webgpu: { available: true, shaderF16: adapter.shaderF16, lowResource: adapter.lowResource } });
  if (reasons.includes('needs-shader-f16')) return 'It needs the shader-f16 WebGPU feature, which this GPU lacks.';
  if (reasons.includes('gpu-too-small')) return 'It is too large for this low-resource GPU.';
  return undefined;
}

/** `X-q4f16_1-MLC` and `X-q4f32_1-MLC` are variants of `X-MLC`. */
export function webllmBaseName(modelId: string): string {
  return modelId.replace(/-q\d+f(?:16|32)(?:_\d+)?(?=-|$)/, '');
}

/**
 * The web-llm models this adapter can run, one per base model in catalog order: the f16 variant when
 * the adapter has shader-f16 (half the memory, faster), the f32 one otherwise.
 */
export function runnableWebllmModels(models: readonly CatalogModel[], adapter: WebGpuReport): CatalogModel[] {
  if (!adapter.available) return [];
  const suits = (m: CatalogModel) => m.requirements.shaderF16 === adapter.shaderF16;
  const chosen = new Map<string, CatalogModel>();
  for (const model of models) {
    if (whyWebllmCannotRun(model, adapter) !== undefined) continue;
    const base = webllmBaseName(model.id);
    const current = chosen.get(base);
    if (!current || (suits(model) && !suits(current))) chosen.set(base, model);
  }
  return [...chosen.values()];
}

/**
 * The model to load here: the best variant of `base` (a base name or any variant's id) when given,
 * else of the first model in the catalog this adapter can run; undefined when none runs.
 */
export function chooseWebllmModel(models: readonly CatalogModel[], adapter: WebGpuReport, base?: string): CatalogModel | undefined {
  const runnable = runnableWebllmModels(models, adapter);
  if (base === undefined) return runnable[0];
  const wanted = webllmBaseName(base);
  return runnable.find((m) => webllmBaseName(m.id) === wanted);
}
