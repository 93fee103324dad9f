import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GgufFormatError, readGgufMetadata } from '../../server/src/models/gguf-metadata';
import { ggufShape } from '../../server/src/models/model-requirements';
import { intBetween, seededRandom } from '../fixtures/random';
import { tinyModelPath } from '../fixtures/tiny-model';

// gguf_type values from ggml's gguf.h.
const T = { u8: 0, i8: 1, u16: 2, i16: 3, u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9, u64: 10, i64: 11, f64: 12 };

let dir: string;
let tiny: Buffer;
/** Where the tiny model's key/value section ends: its first tensor info, whose name follows an 8-byte length. */
let metadataEnd: number;
let fileCount = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'meditron-gguf-'));
  tiny = readFileSync(await tinyModelPath('tiny'));
  metadataEnd = tiny.indexOf('token_embd.weight') - 8;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileOf(bytes: Buffer): string {
  const path = join(dir, `${fileCount++}.gguf`);
  writeFileSync(path, bytes);
  return path;
}

const u32 = (n: number) => Buffer.from(new Uint32Array([n]).buffer);
const u64 = (n: number | bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};
const str = (s: string) => Buffer.concat([u64(Buffer.byteLength(s)), Buffer.from(s)]);
const entry = (key: string, type: number, value: Buffer) => Buffer.concat([str(key), u32(type), value]);
const array = (of: number, length: number | bigint, items: Buffer[] = []) => Buffer.concat([u32(of), u64(length), ...items]);

/** A hand-made GGUF header: magic, version, no tensors, the entries. */
function gguf(entries: Buffer[], version = 3, entryCount: number | bigint = entries.length): Buffer {
  return Buffer.concat([Buffer.from('GGUF'), u32(version), u64(0), u64(entryCount), ...entries]);
}

async function readError(bytes: Buffer): Promise<unknown> {
  return readGgufMetadata(fileOf(bytes)).then(
    () => null,
    (error: unknown) => error,
  );
}

describe('GGUF metadata', () => {
  it('reads the generated model: scalars as values, arrays as their type and length', async () => {
    const { version, tensorCount, values } = await readGgufMetadata(await tinyModelPath('tiny'));
    expect(version).toBe(3);
    expect(tensorCount).toBe(3 + 2 * 9);
    expect(values.get('general.architecture')).toBe('llama');
    expect(values.get('llama.context_length')).toBe(4096);
    expect(values.get('llama.block_count')).toBe(2);
    expect(values.get('llama.embedding_length')).toBe(64);
    expect(values.get('llama.attention.head_count')).toBe(4);
    expect(values.get('llama.attention.head_count_kv')).toBe(2);
    expect(values.get('llama.rope.freq_base')).toBe(10000);
    expect(values.get('tokenizer.ggml.add_bos_token')).toBe(true);
    expect(values.get('tokenizer.chat_template')).toContain('<|im_start|>');
    expect(values.get('tokenizer.ggml.tokens')).toEqual({ arrayOf: T.string, length: 512 });
    expect(values.get('tokenizer.ggml.scores')).toEqual({ arrayOf: T.f32, length: 512 });
    expect(values.get('tokenizer.ggml.token_type')).toEqual({ arrayOf: T.i32, length: 512 });
  });

  it('tells a model with a chat template from a base model, and caps the context for tablets', async () => {
    // KV cache per token: 2 layers × 2 KV heads × (16 + 16) key and value elements × 2 bytes (f16).
    expect(await ggufShape(await tinyModelPath('tiny'))).toEqual({
      contextTokens: 4096,
      kvBytesPerToken: 256,
      shaderF16: false,
      promptProfile: 'chat',
    });
    const base = await readGgufMetadata(await tinyModelPath('base'));
    expect(base.values.has('tokenizer.chat_template')).toBe(false);
    expect((await ggufShape(await tinyModelPath('base'))).promptProfile).toBe('completion');

    const longContext = gguf([
      entry('general.architecture', T.string, str('gemma')),
      entry('gemma.context_length', T.u64, u64(131072)),
      entry('gemma.block_count', T.u32, u32(4)),
      entry('gemma.embedding_length', T.u32, u32(256)),
      entry('gemma.attention.head_count', T.u32, u32(8)),
      entry('gemma.attention.key_length', T.u32, u32(64)),
      entry('gemma.attention.value_length', T.u32, u32(64)),
      entry('tokenizer.chat_template', T.string, str('{{ messages }}')),
    ]);
    // No head_count_kv: as many KV heads as query heads; head sizes from key_length and value_length.
    expect(await ggufShape(fileOf(longContext))).toEqual({
      contextTokens: 4096,
      kvBytesPerToken: 4 * 8 * (64 + 64) * 2,
      shaderF16: false,
      promptProfile: 'chat',
    });
  });

  it('reads every value type and skips nested arrays', async () => {
    const bytes = gguf([
      entry('u8', T.u8, Buffer.from([200])),
      entry('i8', T.i8, Buffer.from([0xff])),
      entry('u16', T.u16, Buffer.from([0x34, 0x12])),
      entry('i16', T.i16, Buffer.from([0xfe, 0xff])),
      entry('i32', T.i32, Buffer.from(new Int32Array([-7]).buffer)),
      entry('f64', T.f64, Buffer.from(new Float64Array([0.5]).buffer)),
      entry('i64', T.i64, Buffer.from(new BigInt64Array([-3n]).buffer)),
      entry('bool', T.bool, Buffer.from([0])),
      entry('nested', T.array, array(T.array, 2, [array(T.string, 2, [str('a'), str('bc')]), array(T.u16, 3, [Buffer.alloc(6)])])),
      entry('empty', T.array, array(T.u64, 0)),
      entry('after', T.string, str('still read')),
    ]);
    const { values } = await readGgufMetadata(fileOf(bytes));
    expect(Object.fromEntries(values)).toEqual({
      u8: 200,
      i8: -1,
      u16: 0x1234,
      i16: -2,
      i32: -7,
      f64: 0.5,
      i64: -3,
      bool: false,
      nested: { arrayOf: T.array, length: 2 },
      empty: { arrayOf: T.u64, length: 0 },
      after: 'still read',
    });
  });

  it('refuses what is not a GGUF file it can read, saying what to do', async () => {
    const cases: [Buffer, RegExp][] = [
      [Buffer.alloc(0), /ends inside its metadata.*copy it again/],
      [Buffer.from('not a model at all, just text'), /Not a GGUF file/],
      [gguf([], 1), /version 1 is not supported.*recent llama\.cpp/],
      [Buffer.concat([Buffer.from('GGUF'), Buffer.from([0, 0, 0, 3]), Buffer.alloc(16)]), /Big-endian/],
      [gguf([entry('x', 42, u32(0))]), /unknown value type 42.*copy the model file again/],
      // Counts and lengths the file cannot hold are refused before any loop over them.
      [gguf([], 3, 2n ** 62n), /ends inside its metadata/],
      [gguf([entry('tokens', T.array, array(T.string, 2n ** 63n))]), /ends inside its metadata/],
      [gguf([entry('scores', T.array, array(T.f32, 10n ** 15n))]), /ends inside its metadata/],
      [gguf([entry('name', T.string, u64(2n ** 64n - 1n))]), /ends inside its metadata/],
      [
        gguf([entry('deep', T.array, array(T.array, 1, [array(T.array, 1, [array(T.array, 1, [array(T.array, 1, [array(T.u8, 0)])])])]))]),
        /nested deeper/,
      ],
    ];
    for (const [bytes, message] of cases) {
      const error = await readError(bytes);
      expect(error, message.source).toBeInstanceOf(GgufFormatError);
      expect((error as Error).message, message.source).toMatch(message);
    }
    const unknownArch = gguf([entry('general.architecture', T.string, str('llama'))]);
    await expect(ggufShape(fileOf(unknownArch))).rejects.toThrow(/no llama\.block_count: convert the model again/);
  });

  it('fails cleanly on every truncation of the tiny model inside its metadata, and reads it from the end of it on', async () => {
    const cuts = new Set<number>();
    for (let n = 0; n <= 64; n++) cuts.add(n);
    for (let n = metadataEnd - 16; n <= metadataEnd + 16; n++) cuts.add(n);
    const random = seededRandom(7);
    for (let i = 0; i < 300; i++) cuts.add(intBetween(random, 0, metadataEnd + 1024));
    for (const cut of [...cuts].sort((a, b) => a - b)) {
      const read = readGgufMetadata(fileOf(tiny.subarray(0, cut)));
      if (cut < metadataEnd) await expect(read, `cut at ${cut}`).rejects.toBeInstanceOf(GgufFormatError);
      else expect((await read).values.get('llama.context_length'), `cut at ${cut}`).toBe(4096);
    }
  });

  it('never fails other than with a format error on damaged bytes in the metadata', async () => {
    const random = seededRandom(11);
    for (let i = 0; i < 300; i++) {
      const damaged = Buffer.from(tiny.subarray(0, metadataEnd + 64));
      for (let flips = intBetween(random, 1, 4); flips > 0; flips--) {
        damaged[intBetween(random, 0, metadataEnd - 1)] = intBetween(random, 0, 255);
      }
      const error = await readError(damaged);
      if (error !== null) expect(error, `case ${i}`).toBeInstanceOf(GgufFormatError);
    }
  });
});
