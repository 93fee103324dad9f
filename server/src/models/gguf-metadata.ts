/**
 * Reads the metadata of a GGUF file (its header and key/value section) without touching its tensors.
 * Spec: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md — versions 2 and 3, little-endian.
 */
import { type FileHandle, open } from 'node:fs/promises';

/** Numbers of every width are numbers: metadata such as context lengths is far below 2^53. */
export type GgufValue = number | boolean | string | GgufArray;

/** Arrays (the tokenizer's vocabulary, merges, scores) are skipped: only their element type and length are kept. */
export interface GgufArray {
  arrayOf: number;
  length: number;
}

export interface GgufMetadata {
  version: number;
  tensorCount: number;
  values: Map<string, GgufValue>;
}

/** The file is not a GGUF file this reader understands, or it is cut short or damaged. */
export class GgufFormatError extends Error {
  override readonly name = 'GgufFormatError';
}

// gguf_type values from ggml's gguf.h.
const STRING = 8;
const ARRAY = 9;
const FIXED_SIZES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
/** The smallest encodings, to refuse counts the rest of the file cannot hold before looping over them. */
const MIN_ENTRY_BYTES = 8 + 4 + 1; // key length, value type, a one-byte value
const MIN_STRING_BYTES = 8;
const MIN_ARRAY_BYTES = 4 + 8;
/** No real model nests arrays; a limit keeps a damaged file from recursing without end. */
const MAX_ARRAY_DEPTH = 4;
/** The largest tokenizers (250k tokens with merges and scores) take about 20 MiB; anything past this is not a model. */
const MAX_METADATA_BYTES = 64 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;

/** Throws GgufFormatError, with what to do, for a file that is not GGUF v2/v3 or ends inside its metadata. */
export async function readGgufMetadata(path: string): Promise<GgufMetadata> {
  const file = await open(path, 'r');
  try {
    const cursor = new Cursor(file, (await file.stat()).size);
    const magic = await cursor.bytes(4);
    if (magic.toString('latin1') !== 'GGUF') throw new GgufFormatError('Not a GGUF file: it does not start with "GGUF".');
    const version = await cursor.u32();
    // A big-endian file reads its version byte-swapped.
    if (version > 0xffff) {
      throw new GgufFormatError('Big-endian GGUF files are not supported: convert the model for little-endian machines.');
    }
    if (version < 2 || version > 3) {
      throw new GgufFormatError(`GGUF version ${version} is not supported (2 and 3 are): convert the model again with a recent llama.cpp.`);
    }
    const tensorCount = await cursor.u64();
    const entryCount = await cursor.count(MIN_ENTRY_BYTES);
    const values = new Map<string, GgufValue>();
    for (let i = 0; i < entryCount; i++) {
      const key = await cursor.string();
      values.set(key, await readValue(cursor, await cursor.u32()));
    }
    return { version, tensorCount, values };
  } finally {
    await file.close();
  }
}

async function readValue(cursor: Cursor, type: number): Promise<GgufValue> {
  if (type === STRING) return cursor.string();
  if (type === ARRAY) {
    const arrayOf = await cursor.u32();
    const length = await cursor.count(minimumSize(cursor, arrayOf));
    await skipArray(cursor, arrayOf, length, 1);
    return { arrayOf, length };
  }
  const bytes = await cursor.bytes(minimumSize(cursor, type));
  switch (type) {
    case 0:
      return bytes.readUInt8(0);
    case 1:
      return bytes.readInt8(0);
    case 2:
      return bytes.readUInt16LE(0);
    case 3:
      return bytes.readInt16LE(0);
    case 4:
      return bytes.readUInt32LE(0);
    case 5:
      return bytes.readInt32LE(0);
    case 6:
      return bytes.readFloatLE(0);
    case 7:
      return bytes.readUInt8(0) !== 0;
    case 10:
      return Number(bytes.readBigUInt64LE(0));
    case 11:
      return Number(bytes.readBigInt64LE(0));
    default: // 12, float64: minimumSize refused every other type
      return bytes.readDoubleLE(0);
  }
}

/** Fixed-size elements are skipped in one step; strings and nested arrays by walking their length prefixes. */
async function skipArray(cursor: Cursor, type: number, length: number, depth: number): Promise<void> {
  if (type === STRING) {
    for (let i = 0; i < length; i++) cursor.skip(await cursor.u64());
  } else if (type === ARRAY) {
    if (depth >= MAX_ARRAY_DEPTH) throw cursor.damaged(`arrays nested deeper than ${MAX_ARRAY_DEPTH}`);
    for (let i = 0; i < length; i++) {
      const arrayOf = await cursor.u32();
      await skipArray(cursor, arrayOf, await cursor.count(minimumSize(cursor, arrayOf)), depth + 1);
    }
  } else {
    cursor.skip(length * minimumSize(cursor, type));
  }
}

/** The encoded size of a fixed-size type, or the least a string or array takes; an unknown type is damage. */
function minimumSize(cursor: Cursor, type: number): number {
  if (type === STRING) return MIN_STRING_BYTES;
  if (type === ARRAY) return MIN_ARRAY_BYTES;
  const size = FIXED_SIZES[type];
  if (size === undefined) throw cursor.damaged(`unknown value type ${type}`);
  return size;
}

/** Reads forward through the file in chunks, so walking a vocabulary of 100k strings costs a few reads. */
class Cursor {
  private buffer = Buffer.alloc(0);
  private bufferStart = 0;
  private position = 0;

  constructor(
    private readonly file: FileHandle,
    private readonly size: number,
  ) {}

  async bytes(length: number): Promise<Buffer> {
    this.check(length);
    const offset = this.position - this.bufferStart;
    if (offset + length > this.buffer.length) {
      const chunk = Buffer.allocUnsafe(Math.min(Math.max(length, CHUNK_BYTES), this.size - this.position));
      const { bytesRead } = await this.file.read(chunk, 0, chunk.length, this.position);
      if (bytesRead < length) throw this.truncated();
      this.buffer = chunk.subarray(0, bytesRead);
      this.bufferStart = this.position;
    }
    const start = this.position - this.bufferStart;
    this.position += length;
    return this.buffer.subarray(start, start + length);
  }

  async u32(): Promise<number> {
    return (await this.bytes(4)).readUInt32LE(0);
  }

  async u64(): Promise<number> {
    const value = (await this.bytes(8)).readBigUInt64LE(0);
    if (value > BigInt(this.size)) throw this.truncated();
    return Number(value);
  }

  /** A count of items that each take at least `minBytes`: more than the rest of the file holds is a cut or damaged file. */
  async count(minBytes: number): Promise<number> {
    const count = await this.u64();
    if (count * minBytes > this.size - this.position) throw this.truncated();
    return count;
  }

  async string(): Promise<string> {
    return (await this.bytes(await this.u64())).toString('utf8');
  }

  skip(length: number): void {
    this.check(length);
    this.position += length;
  }

  damaged(what: string): GgufFormatError {
    return new GgufFormatError(`The GGUF metadata is damaged (${what} at byte ${this.position}): copy the model file again.`);
  }

  private check(length: number): void {
    if (this.position + length > this.size) throw this.truncated();
    if (this.position + length > MAX_METADATA_BYTES) throw this.damaged(`metadata larger than ${MAX_METADATA_BYTES / 2 ** 20} MiB`);
  }

  private truncated(): GgufFormatError {
    return new GgufFormatError(
      `The GGUF file ends inside its metadata (${this.size} bytes, needed more after byte ${this.position}): it is cut short or damaged; copy it again.`,
    );
  }
}
