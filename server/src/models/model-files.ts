import type { Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';

/**
 * What the mirror serves, by extension: web-llm's configs, weight shards, tokenizers and model
 * library, and wllama's GGUF files. Anything else under the models directory (notes, partial
 * downloads, or the data directory's secrets if it were pointed there) is never served.
 */
const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.wasm': 'application/wasm',
  '.gguf': 'application/octet-stream',
  // sentencepiece tokenizer.model; merges.txt and vocab.txt of BPE tokenizers.
  '.model': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(path: string): string | undefined {
  return CONTENT_TYPES[extname(path).toLowerCase()];
}

export interface ModelFile {
  path: string;
  stats: Stats;
  contentType: string;
}

/**
 * Resolves a URL path (already percent-decoded) under the models directory, or null. Refused:
 * `.` and `..` segments, hidden files, empty segments, backslashes, absolute paths, and anything
 * whose real path (symlinks followed) leaves the directory.
 */
export async function resolveModelFile(modelsDir: string, requested: string): Promise<ModelFile | null> {
  const contentType = contentTypeOf(requested);
  const segments = requested.split('/');
  if (!contentType || /[\\\0]/.test(requested) || segments.some((s) => s === '' || s.startsWith('.'))) return null;
  try {
    const root = await realpath(modelsDir);
    const path = await realpath(join(root, ...segments));
    if (!path.startsWith(root + sep)) return null;
    const stats = await stat(path);
    return stats.isFile() ? { path, stats, contentType } : null;
  } catch {
    return null;
  }
}

/** Strong enough for files that are replaced, not edited in place: size and modification time. */
export function modelEtag(stats: Stats): string {
  return `"${stats.size.toString(16)}-${Math.trunc(stats.mtimeMs).toString(16)}"`;
}
