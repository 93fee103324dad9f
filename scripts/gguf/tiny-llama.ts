/**
 * Generates a tiny llama-architecture GGUF with random weights: a real model llama.cpp loads and runs,
 * small enough to build in tests, with nothing downloaded. Its output is gibberish by design.
 */
import { type GgufTensor, type GgufValue, writeGguf } from './gguf-writer';

export interface TinyLlamaOptions {
  /** general.name, shown by tools that list the model. */
  name: string;
  vocabSize: number;
  embedding: number;
  layers: number;
  heads: number;
  headsKv: number;
  feedForward: number;
  contextLength: number;
  seed: number;
  /** Without one, llama.cpp and the clinic server treat it as a base model (as Meditron-3's are). */
  chatTemplate: boolean;
}

export type TinyLlamaSize = 'tiny' | 'base' | 'bench';

const TINY: TinyLlamaOptions = {
  name: 'meditron-field-test-tiny',
  vocabSize: 512,
  embedding: 64,
  layers: 2,
  heads: 4,
  headsKv: 2,
  feedForward: 128,
  contextLength: 4096,
  seed: 1,
  chatTemplate: true,
};

/**
 * `tiny` (about 0.6 MB) for tests, and `base`, the same without a chat template; `bench` (about 90 MB) is big
 * enough for throughput figures to mean something.
 */
export const TINY_LLAMA_SIZES: Record<TinyLlamaSize, TinyLlamaOptions> = {
  tiny: TINY,
  base: { ...TINY, name: 'meditron-field-test-base', chatTemplate: false },
  bench: {
    name: 'meditron-field-test-bench',
    vocabSize: 4096,
    embedding: 512,
    layers: 6,
    heads: 8,
    headsKv: 4,
    feedForward: 1408,
    contextLength: 2048,
    seed: 1,
    chatTemplate: true,
  },
};

const WEIGHT_STD = 0.02;
// Logit weight that keeps control tokens (end of turn, BOS, …) from ever being sampled; see `outputWeights`.
const CONTROL_LOGIT_WEIGHT = -30;

const CONTROL_TOKENS = ['<s>', '</s>', '<|im_start|>', '<|im_end|>'];

const CHAT_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

// Whole multi-byte characters for the app's other languages, so French or Arabic input is not dropped and
// generated text contains multi-byte UTF-8 (always complete characters, as each is one token).
const EXTRA_CHARACTERS = [...'éèêàâçôûùîïëüöñáíóúãõÉ', ...'ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي'];

// Whole-word tokens (with their leading space) so clinical text tokenizes into words, as in a real vocabulary.
const WORDS = (
  'the and of to a in is for with if or not give child children fever cough dose days refer urgent danger signs ' +
  'breathing fast treat malaria test positive negative mother baby weight kg mg tablet twice daily oral fluids ' +
  'diarrhoea dehydration zinc ORS amoxicillin paracetamol pain health worker clinic patient check ask look ' +
  'temperature blood pressure pregnant woman months years age severe pneumonia infection rash vomiting ' +
  'convulsions unable drink feed return follow up after before hours hospital counsel vaccine measles HIV TB ' +
  'anaemia'
).split(' ');

/** GPT-2 byte-level alphabet: each byte gets a printable code point; space is "Ġ", newline "Ċ". */
function byteToUnicode(): string[] {
  const table: string[] = [];
  let next = 256;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
    table.push(String.fromCodePoint(printable ? b : next++));
  }
  return table;
}

/**
 * A GPT-2-style BPE vocabulary. Chosen over SentencePiece ("llama") because llama.cpp's SPM tokenizer
 * throws on any character it has no piece or <0xXX> byte token for, while BPE silently drops such bytes;
 * byte tokens are left out on purpose: sampled alone they decode to invalid UTF-8.
 * Every merge yields a vocabulary token, so any text tokenizes into known tokens.
 */
function buildVocabulary(size: number): { tokens: string[]; types: number[]; merges: string[] } {
  const byteChar = byteToUnicode();
  const encode = (text: string) => Array.from(new TextEncoder().encode(text), (b) => byteChar[b]!).join('');
  const tokens = ['<unk>', ...CONTROL_TOKENS];
  const types = [2, ...CONTROL_TOKENS.map(() => 3)];
  const merges: string[] = [];
  const known = new Set<string>(tokens);
  const add = (token: string) => {
    if (tokens.length >= size || known.has(token)) return;
    known.add(token);
    tokens.push(token);
    types.push(1);
  };
  // A token built by appending one character to a known token, so BPE can reach it from single characters.
  const addMerged = (left: string, right: string) => {
    if (tokens.length >= size || known.has(left + right)) return;
    merges.push(`${left} ${right}`);
    add(left + right);
  };

  for (let c = 32; c < 127; c++) add(byteChar[c]!);
  add(encode('\n'));
  add(encode('\t'));
  for (const ch of EXTRA_CHARACTERS) {
    const [first, ...rest] = Array.from(encode(ch));
    let piece = first!;
    for (const part of rest) {
      addMerged(piece, part);
      piece += part;
    }
  }
  const addWord = (word: string) => {
    const chars = Array.from(encode(word));
    let piece = chars[0]!;
    for (const ch of chars.slice(1)) {
      addMerged(piece, ch);
      piece += ch;
    }
  };
  for (const word of WORDS) addWord(` ${word}`);
  // Then letter n-grams with and without a leading space until the vocabulary is full.
  const letters = 'etaoinshrdlcumwfgypbvkjxqz';
  let grams = [...letters];
  while (tokens.length < size) {
    grams = grams.flatMap((g) => [...letters].map((l) => g + l));
    for (const gram of grams) {
      addWord(gram);
      addWord(` ${gram}`);
      if (tokens.length >= size) break;
    }
  }
  return { tokens, types, merges };
}

/** mulberry32 uniform PRNG with a Box–Muller normal on top: the same seed gives the same model everywhere. */
function normalSource(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/**
 * Control tokens are kept out of the output with a "bias" dimension: dimension 0 of every token embedding is
 * a positive constant that no layer writes to, so after the final RMS norm it is positive for every position,
 * and the output rows of control tokens weigh it strongly negative. Random text then never ends early or emits
 * chat markup, and a generation always runs to its token limit or a stop string.
 */
function tensors(o: TinyLlamaOptions, controlTokenIds: ReadonlySet<number>): GgufTensor[] {
  const normal = normalSource(o.seed);
  const headDim = o.embedding / o.heads;
  const random = (rows: number, rowLength: number) => () => {
    const data = new Float32Array(rows * rowLength);
    for (let i = 0; i < data.length; i++) data[i] = normal() * WEIGHT_STD;
    return data;
  };
  const ones = (n: number) => () => new Float32Array(n).fill(1);
  // Projections into the residual stream leave dimension 0 (row 0 of the output) untouched.
  const intoResidual = (rowLength: number) => () => {
    const data = random(o.embedding, rowLength)();
    data.fill(0, 0, rowLength);
    return data;
  };
  const embeddings = () => {
    const data = random(o.vocabSize, o.embedding)();
    for (let t = 0; t < o.vocabSize; t++) data[t * o.embedding] = WEIGHT_STD;
    return data;
  };
  const outputWeights = () => {
    const data = random(o.vocabSize, o.embedding)();
    for (let t = 0; t < o.vocabSize; t++) data[t * o.embedding] = controlTokenIds.has(t) ? CONTROL_LOGIT_WEIGHT : 0;
    return data;
  };

  const list: GgufTensor[] = [
    { name: 'token_embd.weight', dims: [o.embedding, o.vocabSize], data: embeddings },
    { name: 'output_norm.weight', dims: [o.embedding], data: ones(o.embedding) },
    { name: 'output.weight', dims: [o.embedding, o.vocabSize], data: outputWeights },
  ];
  for (let i = 0; i < o.layers; i++) {
    const kvWidth = headDim * o.headsKv;
    list.push(
      { name: `blk.${i}.attn_norm.weight`, dims: [o.embedding], data: ones(o.embedding) },
      { name: `blk.${i}.attn_q.weight`, dims: [o.embedding, o.embedding], data: random(o.embedding, o.embedding) },
      { name: `blk.${i}.attn_k.weight`, dims: [o.embedding, kvWidth], data: random(kvWidth, o.embedding) },
      { name: `blk.${i}.attn_v.weight`, dims: [o.embedding, kvWidth], data: random(kvWidth, o.embedding) },
      { name: `blk.${i}.attn_output.weight`, dims: [o.embedding, o.embedding], data: intoResidual(o.embedding) },
      { name: `blk.${i}.ffn_norm.weight`, dims: [o.embedding], data: ones(o.embedding) },
      { name: `blk.${i}.ffn_gate.weight`, dims: [o.embedding, o.feedForward], data: random(o.feedForward, o.embedding) },
      { name: `blk.${i}.ffn_up.weight`, dims: [o.embedding, o.feedForward], data: random(o.feedForward, o.embedding) },
      { name: `blk.${i}.ffn_down.weight`, dims: [o.feedForward, o.embedding], data: intoResidual(o.feedForward) },
    );
  }
  return list;
}

export async function writeTinyLlama(path: string, options: TinyLlamaOptions): Promise<void> {
  if (options.embedding % options.heads !== 0 || options.heads % options.headsKv !== 0) {
    throw new Error('embedding must divide into heads, and heads into headsKv groups');
  }
  const vocabulary = buildVocabulary(options.vocabSize);
  if (vocabulary.tokens.length !== options.vocabSize) throw new Error(`vocabSize ${options.vocabSize} is too small`);
  const id = (token: string) => vocabulary.tokens.indexOf(token);
  const u32 = (value: number): GgufValue => ({ type: 'uint32', value });
  const metadata: Record<string, GgufValue> = {
    'general.architecture': { type: 'string', value: 'llama' },
    'general.name': { type: 'string', value: options.name },
    'general.file_type': u32(0),
    'general.alignment': u32(32),
    'llama.vocab_size': u32(options.vocabSize),
    'llama.context_length': u32(options.contextLength),
    'llama.embedding_length': u32(options.embedding),
    'llama.block_count': u32(options.layers),
    'llama.feed_forward_length': u32(options.feedForward),
    'llama.attention.head_count': u32(options.heads),
    'llama.attention.head_count_kv': u32(options.headsKv),
    'llama.rope.dimension_count': u32(options.embedding / options.heads),
    'llama.rope.freq_base': { type: 'float32', value: 10000 },
    'llama.attention.layer_norm_rms_epsilon': { type: 'float32', value: 1e-5 },
    'tokenizer.ggml.model': { type: 'string', value: 'gpt2' },
    'tokenizer.ggml.pre': { type: 'string', value: 'gpt-2' },
    'tokenizer.ggml.tokens': { type: 'string[]', value: vocabulary.tokens },
    // BPE ignores scores; they are there for readers that expect SentencePiece-style metadata.
    'tokenizer.ggml.scores': { type: 'float32[]', value: vocabulary.tokens.map((_, i) => -i) },
    'tokenizer.ggml.token_type': { type: 'int32[]', value: vocabulary.types },
    'tokenizer.ggml.merges': { type: 'string[]', value: vocabulary.merges },
    'tokenizer.ggml.unknown_token_id': u32(id('<unk>')),
    'tokenizer.ggml.bos_token_id': u32(id('<s>')),
    'tokenizer.ggml.eos_token_id': u32(id('</s>')),
    'tokenizer.ggml.eot_token_id': u32(id('<|im_end|>')),
    'tokenizer.ggml.add_bos_token': { type: 'bool', value: true },
    'tokenizer.ggml.add_eos_token': { type: 'bool', value: false },
    ...(options.chatTemplate ? { 'tokenizer.chat_template': { type: 'string', value: CHAT_TEMPLATE } } : {}),
  };
  const controlIds = new Set(vocabulary.types.flatMap((type, i) => (type === 1 ? [] : [i])));
  await writeGguf(path, { metadata, tensors: tensors(options, controlIds) });
}
