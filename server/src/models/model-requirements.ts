import { readFile } from 'node:fs/promises';
import { type ModelKind, type ModelRequirements, ON_DEVICE_MAX_CONTEXT } from '../../../src/core/models/catalog';
import type { PromptProfile } from '../../../src/core/prompt/prompt-target';
import { type GgufMetadata, readGgufMetadata } from './gguf-metadata';

/** What a model's own files say of its needs, apart from its weights' size (which the catalog adds up from the files it lists). */
export interface ModelShape {
  contextTokens: number;
  /** KV cache per token of context, all layers, keys and values. */
  kvBytesPerToken: number;
  shaderF16: boolean;
  promptProfile: PromptProfile;
}

/** A model file that says too little to tell what it needs: the message says which file and what to do. */
export class ModelShapeError extends Error {
  override readonly name = 'ModelShapeError';
}

/**
 * Memory beyond weights and KV cache. wllama: llama.cpp's compute buffers for a 512-token batch (on the order of
 * 100–250 MiB for 1–8B models, most of it activations and logits over the vocabulary) and the wasm heap's slack.
 * web-llm: the activations of one prefill chunk and the logits; its own `vram_required_MB` figures sit within
 * about 100 MB of weights plus KV cache.
 */
const OVERHEAD_BYTES: Record<ModelKind, number> = { gguf: 256 * 2 ** 20, webllm: 128 * 2 ** 20 };
/** A web-llm config with neither a context window nor a sliding window: a size every model supports. */
const WEBLLM_FALLBACK_CONTEXT = 2048;
/** llama.cpp and wllama keep the KV cache in f16. */
const GGUF_KV_BYTES = 2;

export function requirementsOf(kind: ModelKind, shape: ModelShape, weightBytes: number): ModelRequirements {
  return {
    memoryBytes: weightBytes + shape.kvBytesPerToken * shape.contextTokens + OVERHEAD_BYTES[kind],
    shaderF16: shape.shaderF16,
    contextTokens: shape.contextTokens,
    promptProfile: shape.promptProfile,
  };
}

/** From a GGUF file's metadata; of a split model, the first part's, where llama.cpp's gguf-split writes it. */
export async function ggufShape(path: string): Promise<ModelShape> {
  const { values } = await readGgufMetadata(path);
  const arch = values.get('general.architecture');
  if (typeof arch !== 'string') {
    throw new ModelShapeError('The GGUF file has no general.architecture: convert the model again with llama.cpp.');
  }
  const count = (key: string, fallback?: number): number => {
    const value = values.get(`${arch}.${key}`);
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
    if (fallback !== undefined) return fallback;
    throw new ModelShapeError(`The GGUF file has no ${arch}.${key}: convert the model again with a recent llama.cpp.`);
  };
  const layers = count('block_count');
  const heads = count('attention.head_count');
  const headDim = count('embedding_length') / heads;
  // Absent means no grouped-query attention; a per-layer array (OpenELM) is bounded by the query heads.
  const kvHeads = count('attention.head_count_kv', heads);
  // Gemma and others set their head sizes apart from embedding / heads.
  const keyLength = count('attention.key_length', headDim);
  const valueLength = count('attention.value_length', headDim);
  return {
    contextTokens: Math.min(count('context_length'), ON_DEVICE_MAX_CONTEXT),
    kvBytesPerToken: layers * kvHeads * (keyLength + valueLength) * GGUF_KV_BYTES,
    shaderF16: false,
    promptProfile: hasChatTemplate(values) ? 'chat' : 'completion',
  };
}

function hasChatTemplate(values: GgufMetadata['values']): boolean {
  const template = values.get('tokenizer.chat_template');
  return typeof template === 'string' && template.trim() !== '';
}

/** From web-llm's `mlc-chat-config.json`. web-llm always applies its conversation template: the profile is chat. */
export async function webllmShape(configPath: string): Promise<ModelShape> {
  let config: unknown;
  try {
    config = JSON.parse(await readFile(configPath, 'utf8'));
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new ModelShapeError(`mlc-chat-config.json is not valid JSON (${error.message}): copy the model again.`);
  }
  const top = objectOr(config);
  const model = objectOr(top.model_config);
  const quantization = typeof top.quantization === 'string' ? top.quantization : '';
  // q4f16_1, q0f16, e5m2_e5m2_f16 compute in f16; q4f32_1, q0f32 in f32.
  const precision = /f(16|32)/.exec(quantization)?.[1];
  if (!precision) {
    throw new ModelShapeError(`mlc-chat-config.json has no known quantization ("${quantization}"): compile the model again with mlc_llm.`);
  }
  const count = (...keys: string[]): number | undefined => {
    const value = keys.map((key) => model[key]).find((v) => typeof v === 'number' && Number.isInteger(v) && v > 0);
    return value as number | undefined;
  };
  // Llama-style names, then GPT-2 and Phi's.
  const layers = count('num_hidden_layers', 'n_layer');
  const hidden = count('hidden_size', 'n_embd');
  const heads = count('num_attention_heads', 'n_head');
  if (!layers || !hidden || !heads) {
    throw new ModelShapeError(
      'mlc-chat-config.json has no model_config with num_hidden_layers, hidden_size and num_attention_heads: compile the model again with mlc_llm.',
    );
  }
  const kvHeads = count('num_key_value_heads', 'n_head_kv') ?? heads;
  const headDim = count('head_dim') ?? hidden / heads;
  const bytesPerElement = precision === '16' ? 2 : 4;
  return {
    contextTokens: Math.min(
      positive(top.context_window_size) ?? positive(top.sliding_window_size) ?? WEBLLM_FALLBACK_CONTEXT,
      ON_DEVICE_MAX_CONTEXT,
    ),
    kvBytesPerToken: 2 * layers * kvHeads * headDim * bytesPerElement,
    shaderF16: precision === '16',
    promptProfile: 'chat',
  };
}

function objectOr(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** web-llm writes -1 for "none" (a model with a sliding window has no fixed context window). */
function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
