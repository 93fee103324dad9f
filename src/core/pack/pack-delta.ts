import { z } from 'zod';
import { AppError } from '../errors/app-error';
import { numberedLines } from './lines';
import type { ParsedPack } from './pack-reader';
import { canonicalExcerptLine, type Excerpt, ExcerptSchema, type PackManifest, PackManifestSchema } from './pack-schema';
import { parseJsonLine, validateLine } from './validation';

/**
 * A pack delta: what turns one stored version of a pack into the next. JSON Lines, the header first,
 * then in the new version's order either a run of the old version's excerpts to keep
 * (`{"copy":[firstOldIndex,count]}`) or a new or changed excerpt, written whole. Removed excerpts are
 * simply not copied. The header carries the new version's full manifest, so the result is checked
 * against its content hash and signature exactly as a full pack is.
 */
export const PACK_DELTA_FORMAT = 'meditron-field-pack-delta';
export const PACK_DELTA_FORMAT_VERSION = 1;

export const PackDeltaHeaderSchema = z.object({
  format: z.literal(PACK_DELTA_FORMAT),
  formatVersion: z.literal(PACK_DELTA_FORMAT_VERSION),
  /** The version the delta applies to, and the content it must find there. */
  from: z.object({ version: z.string(), contentHash: z.string() }),
  /** The version it makes. */
  manifest: PackManifestSchema,
});
export type PackDeltaHeader = z.infer<typeof PackDeltaHeaderSchema>;

const CopySchema = z.object({ copy: z.tuple([z.number().int().min(0), z.number().int().min(1)]) }).strict();

export type DeltaOp = { copy: [start: number, count: number] } | { excerpt: Excerpt };

export interface PackDelta {
  header: PackDeltaHeader;
  ops: DeltaOp[];
}

/** What a delta changes, for the sync screen and the bench. */
export interface DeltaStats {
  kept: number;
  /** Written whole: an id the old version did not have, or one whose content changed. */
  added: number;
  changed: number;
  /** Ids of the old version the new one lacks. */
  removed: number;
}

/**
 * The delta from `from` to `to`. An excerpt is kept when the old version has one with the same
 * canonical line; consecutive kept excerpts become one copy run, so an unchanged pack is one line.
 */
export function makeDelta(from: ParsedPack, to: ParsedPack): string {
  const oldIndex = new Map<string, number>();
  from.excerpts.forEach((e, i) => {
    oldIndex.set(canonicalExcerptLine(e), i);
  });
  const header: PackDeltaHeader = {
    format: PACK_DELTA_FORMAT,
    formatVersion: PACK_DELTA_FORMAT_VERSION,
    from: { version: from.manifest.version, contentHash: from.manifest.contentHash },
    manifest: to.manifest,
  };
  const lines = [JSON.stringify(header)];
  let run: [number, number] | undefined;
  const flush = () => {
    if (run) lines.push(JSON.stringify({ copy: run }));
    run = undefined;
  };
  for (const excerpt of to.excerpts) {
    const line = canonicalExcerptLine(excerpt);
    const at = oldIndex.get(line);
    if (at === undefined) {
      flush();
      lines.push(line);
    } else if (run && run[0] + run[1] === at) {
      run[1] += 1;
    } else {
      flush();
      run = [at, 1];
    }
  }
  flush();
  return `${lines.join('\n')}\n`;
}

/** Reads and validates a delta file: the header, then each line a copy run or an excerpt. */
export async function readDelta(chunks: AsyncIterable<string> | Iterable<string>): Promise<PackDelta> {
  let header: PackDeltaHeader | undefined;
  const ops: DeltaOp[] = [];
  for await (const { line, text } of numberedLines(chunks)) {
    const value = parseJsonLine(text, line, header ? 'delta line' : 'delta header');
    if (!header) {
      header = validateLine(PackDeltaHeaderSchema, value, line);
      continue;
    }
    // A line with a `copy` key is a copy run: a bad one is reported as such, not as an excerpt without an id.
    const isCopy = typeof value === 'object' && value !== null && 'copy' in value;
    ops.push(isCopy ? { copy: validateLine(CopySchema, value, line).copy } : { excerpt: validateLine(ExcerptSchema, value, line) });
  }
  if (!header) throw new AppError('pack/empty', 'The file is empty: a pack delta starts with its header line.');
  return { header, ops };
}

/**
 * The new version's excerpts, from the installed version's (in their pack order) and the delta.
 * Throws when the delta was made from other content than what is installed. The caller checks the
 * result against the header's manifest (count, content hash, signature) before installing it.
 */
export function applyDelta(installed: PackManifest, oldExcerpts: readonly Excerpt[], delta: PackDelta): ParsedPack & { stats: DeltaStats } {
  const { header, ops } = delta;
  if (header.manifest.id !== installed.id || header.from.contentHash !== installed.contentHash) {
    throw new AppError(
      'pack/delta-mismatch',
      `This update of ${header.manifest.title} was made for version ${header.from.version}, not the installed version ${installed.version}. The full pack will be downloaded instead.`,
      { installed: installed.version, from: header.from.version },
    );
  }
  const excerpts: Excerpt[] = [];
  let kept = 0;
  for (const op of ops) {
    if ('excerpt' in op) {
      excerpts.push(op.excerpt);
      continue;
    }
    const [start, count] = op.copy;
    if (start + count > oldExcerpts.length) {
      throw new AppError(
        'pack/delta-mismatch',
        `This update refers to excerpts the installed version of ${header.manifest.title} does not have.`,
        {
          installed: installed.version,
          from: header.from.version,
        },
      );
    }
    for (let i = start; i < start + count; i++) excerpts.push(oldExcerpts[i]!);
    kept += count;
  }
  return {
    manifest: header.manifest,
    excerpts,
    stats: deltaStats(oldExcerpts, excerpts, kept),
  };
}

function deltaStats(from: readonly Excerpt[], to: readonly Excerpt[], kept: number): DeltaStats {
  const oldIds = new Set(from.map((e) => e.id));
  const newIds = new Set(to.map((e) => e.id));
  const changed = to.length - kept - to.filter((e) => !oldIds.has(e.id)).length;
  return { kept, added: to.length - kept - changed, changed, removed: from.filter((e) => !newIds.has(e.id)).length };
}
