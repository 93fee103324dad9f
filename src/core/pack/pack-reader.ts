import { AppError } from '../errors/app-error';
import { Sha256 } from '../util/sha256';
import { numberedLines } from './lines';
import { canonicalExcerptLine, type Excerpt, ExcerptSchema, type PackManifest, PackManifestSchema } from './pack-schema';
import { parseJsonLine, validateLine } from './validation';

export interface ParsedPack {
  manifest: PackManifest;
  excerpts: Excerpt[];
}

export type ReadProgress = (linesRead: number, expected: number) => void;

/**
 * Reads and fully validates a pack file before anything is stored: every line against its schema,
 * excerpt count, unique ids, and the content hash. Throws an AppError naming the line and field.
 */
export async function readPack(chunks: AsyncIterable<string> | Iterable<string>, onProgress?: ReadProgress): Promise<ParsedPack> {
  let manifest: PackManifest | undefined;
  const excerpts: Excerpt[] = [];
  const ids = new Set<string>();
  const hash = new Sha256();

  for await (const { line, text } of numberedLines(chunks)) {
    if (!manifest) {
      manifest = validateLine(PackManifestSchema, parseJsonLine(text, line, 'pack manifest'), line);
      continue;
    }
    const excerpt = validateLine(ExcerptSchema, parseJsonLine(text, line, 'excerpt'), line);
    if (!manifest.sources.some((s) => s.name === excerpt.source)) {
      throw new AppError('pack/invalid-field', `Line ${line}: source "${excerpt.source}" is not one of the manifest's sources.`, {
        line,
        field: 'source',
        reason: 'not one of the manifest’s sources',
      });
    }
    if (ids.has(excerpt.id)) {
      throw new AppError('pack/duplicate-excerpt', `Line ${line}: excerpt id "${excerpt.id}" appears twice.`, {
        line,
        field: 'id',
      });
    }
    ids.add(excerpt.id);
    hash.update(excerpts.length === 0 ? '' : '\n').update(canonicalExcerptLine(excerpt));
    excerpts.push(excerpt);
    if (excerpts.length > manifest.excerptCount) {
      throw new AppError(
        'pack/count-mismatch',
        `Line ${line}: the manifest announces ${manifest.excerptCount} excerpts but the file has more.`,
        { line, field: 'excerptCount' },
      );
    }
    if (onProgress && excerpts.length % 500 === 0) onProgress(excerpts.length, manifest.excerptCount);
  }

  if (!manifest) throw new AppError('pack/empty', 'The file is empty: a pack starts with its manifest line.');
  if (excerpts.length < manifest.excerptCount) {
    throw new AppError(
      'pack/truncated',
      `The file ends after ${excerpts.length} of ${manifest.excerptCount} excerpts: it was cut short. Download it again.`,
      { found: excerpts.length, expected: manifest.excerptCount },
    );
  }
  const actual = `sha256-${hash.hex()}`;
  if (actual !== manifest.contentHash) {
    throw new AppError('pack/hash-mismatch', "The excerpts do not match the manifest's content hash: the file was altered or damaged.", {
      field: 'contentHash',
      expected: manifest.contentHash,
      actual,
    });
  }
  onProgress?.(excerpts.length, manifest.excerptCount);
  return { manifest, excerpts };
}

/** Content hash of excerpts, as a pack's manifest must state it. */
export function contentHash(excerpts: readonly Excerpt[]): string {
  const hash = new Sha256();
  excerpts.forEach((e, i) => {
    hash.update(i === 0 ? '' : '\n').update(canonicalExcerptLine(e));
  });
  return `sha256-${hash.hex()}`;
}

/** Serializes a pack to its file form. */
export function writePack(manifest: PackManifest, excerpts: readonly Excerpt[]): string {
  return `${[JSON.stringify(manifest), ...excerpts.map(canonicalExcerptLine)].join('\n')}\n`;
}
