import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CatalogModel } from '../../../src/core/models/catalog';

/**
 * A model mirror laid out as the clinic server's, with web-llm 0.2.86's files: mlc-chat-config.json,
 * tensor-cache.json (0.2.86 no longer reads ndarray-cache.json), params shards and tokenizer.json
 * under `<Model-MLC>/resolve/main/`, and the model library in `<Model-MLC>/`. The libraries are what
 * cannot be had for this version: a broken one (not WebAssembly), a foreign one (valid WebAssembly,
 * not a TVM library), or none.
 */
export type ModelLibrary = 'broken' | 'foreign' | 'missing';

/** The smallest valid WebAssembly module: magic word and version, no sections. */
const EMPTY_WASM = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
const SHARDS = 2;
const SHARD_BYTES = 4096;

function chatConfig(quantization: string) {
  return {
    model_type: 'llama',
    quantization,
    model_config: { hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 4, vocab_size: 256 },
    vocab_size: 256,
    context_window_size: 2048,
    sliding_window_size: -1,
    prefill_chunk_size: 512,
    attention_sink_size: -1,
    tensor_parallel_shards: 1,
    temperature: 0.6,
    top_p: 0.9,
    repetition_penalty: 1,
    presence_penalty: 0,
    frequency_penalty: 0,
    tokenizer_files: ['tokenizer.json'],
    conv_template: {
      name: 'llama-3',
      system_template: '<|start_header_id|>system<|end_header_id|>\n\n{system_message}<|eot_id|>',
      system_message: '',
      roles: { user: '<|start_header_id|>user', assistant: '<|start_header_id|>assistant' },
      seps: ['<|eot_id|>'],
      role_content_sep: '<|end_header_id|>\n\n',
      role_empty_sep: '<|end_header_id|>\n\n',
      stop_str: ['<|eot_id|>'],
      stop_token_ids: [2],
    },
    bos_token_id: 1,
    eos_token_id: 2,
  };
}

function tensorCache() {
  const records = Array.from({ length: SHARDS }, (_, i) => ({
    dataPath: `params_shard_${i}.bin`,
    format: 'raw-shard',
    nbytes: SHARD_BYTES,
    records: [
      { name: `param_${i}`, shape: [SHARD_BYTES / 4], dtype: 'float32', format: 'f32-to-bf16', nbytes: SHARD_BYTES, byteOffset: 0 },
    ],
  }));
  return { metadata: { ParamSize: SHARDS, ParamBytes: SHARDS * SHARD_BYTES, BitsPerParam: 32 }, records };
}

const TOKENIZER = { version: '1.0', model: { type: 'BPE', vocab: { a: 0, b: 1 }, merges: [] } };

/** Writes one model into the mirror directory and returns its catalog entry, as the clinic server lists it. */
export async function writeMirrorModel(
  mirrorDir: string,
  id: string,
  { quantization, library }: { quantization: 'q4f16_1' | 'q4f32_1'; library: ModelLibrary },
): Promise<CatalogModel> {
  const files: Record<string, Uint8Array | string> = {
    'resolve/main/mlc-chat-config.json': JSON.stringify(chatConfig(quantization)),
    'resolve/main/tensor-cache.json': JSON.stringify(tensorCache()),
    'resolve/main/tokenizer.json': JSON.stringify(TOKENIZER),
    ...Object.fromEntries(
      Array.from({ length: SHARDS }, (_, i) => [`resolve/main/params_shard_${i}.bin`, new Uint8Array(SHARD_BYTES).fill(i + 1)]),
    ),
  };
  if (library === 'broken') files['lib.wasm'] = 'this is not WebAssembly';
  if (library === 'foreign') files['lib.wasm'] = EMPTY_WASM;
  for (const [path, content] of Object.entries(files)) {
    const file = join(mirrorDir, id, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  const catalogFiles = Object.entries(files).map(([path, content]) => ({
    path: `${id}/${path}`,
    size: typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength,
  }));
  const f16 = quantization === 'q4f16_1';
  return {
    id,
    kind: 'webllm',
    files: catalogFiles,
    totalBytes: catalogFiles.reduce((sum, f) => sum + f.size, 0),
    url: `/models/${id}/`,
    // A missing library: the catalog said it was there, the file is gone (the tablet's stored entry, an admin's mistake).
    modelLib: `${id}/lib.wasm`,
    requirements: { memoryBytes: (f16 ? 880 : 1130) * 2 ** 20, shaderF16: f16, contextTokens: 2048, promptProfile: 'chat' },
  };
}

/** The paths web-llm fetches for a model, relative to `/models/` (what tests put into or look for in its caches). */
export const WEBLLM_FILES = {
  config: 'resolve/main/mlc-chat-config.json',
  tensorIndex: 'resolve/main/tensor-cache.json',
  shards: Array.from({ length: SHARDS }, (_, i) => `resolve/main/params_shard_${i}.bin`),
  tokenizer: 'resolve/main/tokenizer.json',
  library: 'lib.wasm',
} as const;
