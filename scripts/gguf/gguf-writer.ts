/**
 * Minimal GGUF v3 writer (little-endian): enough to build llama.cpp-loadable test models offline.
 * Spec: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
 * Tensor data is produced and written one tensor at a time, so a large model never sits in memory whole.
 */
import { open } from 'node:fs/promises';

export type GgufValue =
  | { type: 'uint32' | 'int32' | 'float32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: readonly string[] }
  | { type: 'float32[]' | 'int32[]'; value: readonly number[] };

export interface GgufTensor {
  name: string;
  /** ggml order: dims[0] is the fastest-varying (row length), as llama.cpp names them ne[0], ne[1]. */
  dims: readonly number[];
  /** F32 data, called only when the tensor is written so tensors are generated one at a time. */
  data: () => Float32Array;
}

export interface GgufFile {
  metadata: Record<string, GgufValue>;
  tensors: readonly GgufTensor[];
}

const GGUF_VERSION = 3;
const DEFAULT_ALIGNMENT = 32;
const GGML_TYPE_F32 = 0;

// gguf_type enum values from ggml's gguf.h.
const VALUE_TYPE = { uint32: 4, int32: 5, float32: 6, bool: 7, string: 8, array: 9 } as const;

/** Growable little-endian byte buffer for the header, which is small (metadata and tensor infos). */
class ByteSink {
  private bytes = new Uint8Array(4096);
  private length = 0;

  /** Room for `n` more bytes, as a view; taken before writing, since growing replaces the buffer. */
  private take(n: number): DataView {
    if (this.length + n > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    const view = new DataView(this.bytes.buffer, this.length, n);
    this.length += n;
    return view;
  }

  u8(v: number): void {
    this.take(1).setUint8(0, v);
  }
  u32(v: number): void {
    this.take(4).setUint32(0, v, true);
  }
  i32(v: number): void {
    this.take(4).setInt32(0, v, true);
  }
  f32(v: number): void {
    this.take(4).setFloat32(0, v, true);
  }
  u64(v: number): void {
    this.take(8).setBigUint64(0, BigInt(v), true);
  }
  string(s: string): void {
    const utf8 = new TextEncoder().encode(s);
    this.u64(utf8.length);
    const view = this.take(utf8.length);
    new Uint8Array(view.buffer, view.byteOffset, view.byteLength).set(utf8);
  }
  padTo(alignment: number): void {
    this.take(alignPadding(this.length, alignment));
  }
  toUint8Array(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

function alignPadding(offset: number, alignment: number): number {
  return (alignment - (offset % alignment)) % alignment;
}

function writeValue(sink: ByteSink, v: GgufValue): void {
  switch (v.type) {
    case 'uint32':
      sink.u32(VALUE_TYPE.uint32);
      sink.u32(v.value);
      return;
    case 'int32':
      sink.u32(VALUE_TYPE.int32);
      sink.i32(v.value);
      return;
    case 'float32':
      sink.u32(VALUE_TYPE.float32);
      sink.f32(v.value);
      return;
    case 'bool':
      sink.u32(VALUE_TYPE.bool);
      sink.u8(v.value ? 1 : 0);
      return;
    case 'string':
      sink.u32(VALUE_TYPE.string);
      sink.string(v.value);
      return;
    case 'string[]':
      sink.u32(VALUE_TYPE.array);
      sink.u32(VALUE_TYPE.string);
      sink.u64(v.value.length);
      for (const s of v.value) sink.string(s);
      return;
    case 'float32[]':
      sink.u32(VALUE_TYPE.array);
      sink.u32(VALUE_TYPE.float32);
      sink.u64(v.value.length);
      for (const n of v.value) sink.f32(n);
      return;
    case 'int32[]':
      sink.u32(VALUE_TYPE.array);
      sink.u32(VALUE_TYPE.int32);
      sink.u64(v.value.length);
      for (const n of v.value) sink.i32(n);
      return;
  }
}

function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Writes `file` to `path`; `general.alignment` in the metadata, if set, is honoured for the data section. */
export async function writeGguf(path: string, file: GgufFile): Promise<void> {
  const alignmentValue = file.metadata['general.alignment'];
  const alignment = alignmentValue?.type === 'uint32' ? alignmentValue.value : DEFAULT_ALIGNMENT;
  const header = new ByteSink();
  header.u8(0x47); // "GGUF"
  header.u8(0x47);
  header.u8(0x55);
  header.u8(0x46);
  header.u32(GGUF_VERSION);
  header.u64(file.tensors.length);
  header.u64(Object.keys(file.metadata).length);
  for (const [key, value] of Object.entries(file.metadata)) {
    header.string(key);
    writeValue(header, value);
  }
  let offset = 0;
  for (const tensor of file.tensors) {
    header.string(tensor.name);
    header.u32(tensor.dims.length);
    for (const d of tensor.dims) header.u64(d);
    header.u32(GGML_TYPE_F32);
    header.u64(offset);
    offset += elementCount(tensor.dims) * 4;
    offset += alignPadding(offset, alignment);
  }
  header.padTo(alignment);

  const handle = await open(path, 'w');
  try {
    await handle.write(header.toUint8Array());
    const padding = new Uint8Array(alignment);
    for (const tensor of file.tensors) {
      const data = tensor.data();
      if (data.length !== elementCount(tensor.dims)) {
        throw new Error(`Tensor ${tensor.name}: ${data.length} values for dims ${tensor.dims.join('x')}`);
      }
      // Float32Array is host-endian; every platform Node ships on is little-endian, as GGUF requires.
      await handle.write(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      const pad = alignPadding(data.byteLength, alignment);
      if (pad > 0) await handle.write(padding.subarray(0, pad));
    }
  } finally {
    await handle.close();
  }
}
