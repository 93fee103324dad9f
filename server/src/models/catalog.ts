import { readdir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { CatalogFile, CatalogModel, ModelKind } from '../../../src/core/models/catalog';
import { GgufFormatError } from './gguf-metadata';
import { contentTypeOf } from './model-files';
import { ggufShape, type ModelShape, ModelShapeError, requirementsOf, webllmShape } from './model-requirements';

const WEBLLM_CONFIG = 'resolve/main/mlc-chat-config.json';
/** llama.cpp's split files: wllama loads every part given the URL of the first. */
const GGUF_SPLIT = /^(.*)-(\d{5})-of-\d{5}\.gguf$/;
/** Long enough to absorb a room of tablets asking at once, short enough to see a file just copied in. */
const CACHE_MS = 5000;

/** A file the mirror serves, with what tells one version of it from the next. */
interface MirroredFile extends CatalogFile {
  realPath: string;
  mtimeMs: number;
}

/** A model found by layout, before its requirements are read. */
interface FoundModel {
  id: string;
  kind: ModelKind;
  files: MirroredFile[];
  /** The file its requirements are read from: mlc-chat-config.json, or the (first) GGUF file. */
  describedBy: MirroredFile;
  /** What counts as weights in memory: web-llm's `.bin` shards, every part of a GGUF model. */
  weightBytes: number;
  url: string;
  modelLib?: string;
}

/**
 * The models the mirror offers, found by layout: a web-llm model is a directory holding
 * `resolve/main/mlc-chat-config.json`, a wllama model is a `.gguf` file (or the parts of a split one).
 * Each model's requirements are read from its own files, once per version of the file.
 *
 * A model whose requirements cannot be read is left out, with a warning in the log, rather than offered
 * with a guess: a tablet that loads a model too big for it loses the download or crashes mid-answer, and a
 * file with a damaged header or config would not load in the browser anyway.
 */
export class ModelCatalog {
  private cached: { at: number; models: Promise<CatalogModel[]> } | null = null;
  private readonly shapes = new Map<string, { version: string; shape: Promise<ModelShape | null> }>();

  constructor(
    private readonly modelsDir: string,
    private readonly log: FastifyBaseLogger,
  ) {}

  models(): Promise<CatalogModel[]> {
    if (!this.cached || Date.now() - this.cached.at > CACHE_MS) {
      this.cached = { at: Date.now(), models: this.scan() };
    }
    return this.cached.models;
  }

  private async scan(): Promise<CatalogModel[]> {
    const found = findModels(await servedFiles(this.modelsDir));
    const described = new Set(found.map((m) => m.describedBy.realPath));
    for (const path of this.shapes.keys()) if (!described.has(path)) this.shapes.delete(path);
    const models = await Promise.all(
      found.map(async ({ id, kind, files, describedBy, weightBytes, url, modelLib }): Promise<CatalogModel | null> => {
        const shape = await this.shapeOf(id, kind, describedBy);
        if (!shape) return null;
        return {
          id,
          kind,
          files: files.map(({ path, size }) => ({ path, size })),
          totalBytes: total(files),
          url,
          ...(modelLib ? { modelLib } : {}),
          requirements: requirementsOf(kind, shape, weightBytes),
        };
      }),
    );
    return models.filter((m) => m !== null);
  }

  /** Parsed once per file version (path, size, modification time); a failure is logged when first seen. */
  private shapeOf(id: string, kind: ModelKind, file: MirroredFile): Promise<ModelShape | null> {
    const version = `${file.size}:${file.mtimeMs}`;
    const cached = this.shapes.get(file.realPath);
    if (cached?.version === version) return cached.shape;
    const shape = (kind === 'webllm' ? webllmShape(file.realPath) : ggufShape(file.realPath)).catch((error: unknown) => {
      if (error instanceof GgufFormatError || error instanceof ModelShapeError) {
        this.log.warn(
          { model: id, file: file.path, reason: error.message },
          'model left out of the catalog: its requirements cannot be read',
        );
      } else {
        // Read errors (permissions, a file being replaced) may pass: tried again at the next scan.
        if (this.shapes.get(file.realPath)?.shape === shape) this.shapes.delete(file.realPath);
        this.log.warn({ model: id, file: file.path, err: error }, 'model left out of the catalog: its file cannot be read');
      }
      return null;
    });
    this.shapes.set(file.realPath, { version, shape });
    return shape;
  }
}

function findModels(files: MirroredFile[]): FoundModel[] {
  const webllm = files
    .filter((f) => f.path.endsWith(`/${WEBLLM_CONFIG}`))
    .map((describedBy): FoundModel => {
      const id = describedBy.path.slice(0, -WEBLLM_CONFIG.length - 1);
      const own = files.filter((f) => f.path.startsWith(`${id}/`));
      const modelLib = own.find((f) => f.path.endsWith('.wasm'))?.path;
      const weightBytes = total(own.filter((f) => f.path.endsWith('.bin')));
      return { id, kind: 'webllm', files: own, describedBy, weightBytes, url: `${urlOf(id)}/`, ...(modelLib ? { modelLib } : {}) };
    });
  const inWebllm = (path: string) => webllm.some((m) => path.startsWith(`${m.id}/`));
  const gguf = new Map<string, MirroredFile[]>();
  for (const f of files) {
    if (!f.path.endsWith('.gguf') || inWebllm(f.path)) continue;
    const id = GGUF_SPLIT.exec(f.path)?.[1] ?? f.path.slice(0, -'.gguf'.length);
    gguf.set(id, [...(gguf.get(id) ?? []), f]);
  }
  const ggufModels = [...gguf].map(
    ([id, parts]): FoundModel => ({
      id,
      kind: 'gguf',
      files: parts,
      describedBy: parts[0]!,
      weightBytes: total(parts),
      url: urlOf(parts[0]!.path),
    }),
  );
  return [...webllm, ...ggufModels].sort((a, b) => compare(a.id, b.id));
}

/** Every file the mirror would serve, sorted by path; symlinks are followed only inside the directory. */
async function servedFiles(modelsDir: string): Promise<MirroredFile[]> {
  const root = await realpath(modelsDir).catch(() => null);
  if (!root) return [];
  const out: MirroredFile[] = [];
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
        out.push({ path, size: stats.size, realPath: real, mtimeMs: stats.mtimeMs });
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
