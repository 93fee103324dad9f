import { readdir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { CatalogFile, CatalogModel } from '../../../src/core/models/catalog';
import { contentTypeOf } from './model-files';

const WEBLLM_CONFIG = 'resolve/main/mlc-chat-config.json';
/** llama.cpp's split files: wllama loads every part given the URL of the first. */
const GGUF_SPLIT = /^(.*)-(\d{5})-of-\d{5}\.gguf$/;
/** Long enough to absorb a room of tablets asking at once, short enough to see a file just copied in. */
const CACHE_MS = 5000;

/**
 * The models the mirror offers, found by layout: a web-llm model is a directory holding
 * `resolve/main/mlc-chat-config.json`, a wllama model is a `.gguf` file (or the parts of a split one).
 */
export class ModelCatalog {
  private cached: { at: number; models: Promise<CatalogModel[]> } | null = null;

  constructor(private readonly modelsDir: string) {}

  models(): Promise<CatalogModel[]> {
    if (!this.cached || Date.now() - this.cached.at > CACHE_MS) {
      this.cached = { at: Date.now(), models: scan(this.modelsDir) };
    }
    return this.cached.models;
  }
}

async function scan(modelsDir: string): Promise<CatalogModel[]> {
  const files = await servedFiles(modelsDir);
  const webllm = files
    .filter((f) => f.path.endsWith(`/${WEBLLM_CONFIG}`))
    .map((f) => f.path.slice(0, -WEBLLM_CONFIG.length - 1))
    .map((id): CatalogModel => {
      const own = files.filter((f) => f.path.startsWith(`${id}/`));
      const modelLib = own.find((f) => f.path.endsWith('.wasm'))?.path;
      return { id, kind: 'webllm', files: own, totalBytes: total(own), url: `${urlOf(id)}/`, ...(modelLib ? { modelLib } : {}) };
    });
  const inWebllm = (path: string) => webllm.some((m) => path.startsWith(`${m.id}/`));
  const gguf = new Map<string, CatalogFile[]>();
  for (const f of files) {
    if (!f.path.endsWith('.gguf') || inWebllm(f.path)) continue;
    const id = GGUF_SPLIT.exec(f.path)?.[1] ?? f.path.slice(0, -'.gguf'.length);
    gguf.set(id, [...(gguf.get(id) ?? []), f]);
  }
  const ggufModels = [...gguf].map(
    ([id, parts]): CatalogModel => ({ id, kind: 'gguf', files: parts, totalBytes: total(parts), url: urlOf(parts[0]!.path) }),
  );
  return [...webllm, ...ggufModels].sort((a, b) => compare(a.id, b.id));
}

/** Every file the mirror would serve, sorted by path; symlinks are followed only inside the directory. */
async function servedFiles(modelsDir: string): Promise<CatalogFile[]> {
  const root = await realpath(modelsDir).catch(() => null);
  if (!root) return [];
  const out: CatalogFile[] = [];
  const visited = new Set<string>([root]);
  const walk = async (dir: string, prefix: string): Promise<void> => {
    // Files come and go while an admin copies models in: whatever vanishes meanwhile is skipped.
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (entry.name.startsWith('.')) continue;
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      const real = await realpath(join(dir, entry.name)).catch(() => null);
      if (!real?.startsWith(root + sep)) continue;
      const stats = await stat(real).catch(() => null);
      if (stats?.isDirectory() && !visited.has(real)) {
        visited.add(real);
        await walk(real, path);
      } else if (stats?.isFile() && contentTypeOf(entry.name)) {
        out.push({ path, size: stats.size });
      }
    }
  };
  await walk(root, '');
  return out.sort((a, b) => compare(a.path, b.path));
}

/** Code-unit order: the same on every machine, whatever its locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function total(files: CatalogFile[]): number {
  return files.reduce((sum, f) => sum + f.size, 0);
}

function urlOf(path: string): string {
  return `/models/${path.split('/').map(encodeURIComponent).join('/')}`;
}
