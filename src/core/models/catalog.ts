import type { PromptProfile } from '../prompt/prompt-target';

/** web-llm (WebGPU, MLC format: a directory of shards and a model library) or wllama (CPU, a GGUF file). */
export type ModelKind = 'webllm' | 'gguf';

/** Tablets run models with at most this many tokens: the KV cache grows with it, and so does a prompt's prefill time. */
export const ON_DEVICE_MAX_CONTEXT = 4096;

export interface CatalogFile {
  /** Relative to the mirror: the file is at `/models/<path>` on the clinic server. */
  path: string;
  size: number;
}

/** What a model needs of a tablet, as the clinic server reads it from the model's own files. */
export interface ModelRequirements {
  /** Memory it takes once loaded with its context: GPU memory for web-llm, RAM for a GGUF model. */
  memoryBytes: number;
  /** web-llm's f16 variants (`q4f16_1`, …) need an adapter with `shader-f16`; f32 ones (`q4f32_1`) do not. */
  shaderF16: boolean;
  /** The context window the model is run with, in tokens. */
  contextTokens: number;
  /** chat: it has a chat template (instruction-tuned); completion: a base model. */
  promptProfile: PromptProfile;
}

export interface CatalogModel {
  id: string;
  kind: ModelKind;
  files: CatalogFile[];
  totalBytes: number;
  /** web-llm: the model URL its config takes (it appends `resolve/main/`); gguf: the (first) file. Path on the server's origin. */
  url: string;
  /** web-llm: the model library (.wasm) found in the model's directory, relative to the mirror. */
  modelLib?: string;
  requirements: ModelRequirements;
}
