import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { makeDelta } from '../../../src/core/pack/pack-delta';
import { type ParsedPack, readPack } from '../../../src/core/pack/pack-reader';
import { compareVersions } from '../../../src/core/pack/version';
import { PACK_COMPRESSORS, PACK_ENCODINGS, type PackStore, type StoredPack } from './pack-store';

/** Names the version a delta applies to, beside the target's X-Pack-Signature. */
export const PACK_DELTA_FROM_HEADER = 'X-Pack-Delta-From';

/** Above this share of the full pack's size a delta is not offered: the full pack is then cheaper to apply. */
export const MAX_DELTA_SHARE = 0.5;

/** A delta stored on disk, with gzip and brotli copies beside it (PACK_ENCODINGS' extensions). */
export interface PackDeltaFile {
  path: string;
  size: number;
  /** Strong, quoted: the SHA-256 of the delta's bytes. */
  etag: string;
}

/** Why no delta is offered; the tablet then downloads the full pack. */
export type NoDeltaReason = 'from-unknown' | 'from-not-older' | 'too-large';

export type DeltaOutcome = { delta: PackDeltaFile } | { reason: NoDeltaReason };

/**
 * Deltas between stored versions of a pack (src/core/pack/pack-delta.ts), made on the first request
 * and kept in DATA/packs/<id>/deltas/<from>-<to>.ndjson: stored versions never change, so neither
 * does a delta between two of them. Each is made at most once per process, however many tablets ask
 * for it at the same moment after a publication.
 */
export class PackDeltas {
  private readonly outcomes = new Map<string, Promise<DeltaOutcome>>();

  constructor(private readonly store: PackStore) {}

  /** The delta that turns version `fromVersion` of `to`'s pack into `to`, or why there is none. */
  async delta(to: StoredPack, fromVersion: string): Promise<DeltaOutcome> {
    // Looked up on each request: an older version may be imported (as history) at any time.
    const from = this.store.get(to.manifest.id, fromVersion);
    if (!from) return { reason: 'from-unknown' };
    if (compareVersions(from.manifest.version, to.manifest.version) >= 0) return { reason: 'from-not-older' };
    const path = join(dirname(this.store.pathOf(to)), 'deltas', `${from.manifest.version}-${to.manifest.version}.ndjson`);
    let outcome = this.outcomes.get(path);
    if (!outcome) {
      outcome = this.stored(path, from, to);
      this.outcomes.set(path, outcome);
      // A failure (a full disk) is not remembered: the next request tries again.
      outcome.catch(() => this.outcomes.delete(path));
    }
    return outcome;
  }

  private async stored(path: string, from: StoredPack, to: StoredPack): Promise<DeltaOutcome> {
    const kept = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (kept) return { delta: { path, size: kept.length, etag: etagOf(kept) } };

    const [old, next] = await Promise.all([this.read(from), this.read(to)]);
    const data = Buffer.from(makeDelta(old, next));
    if (data.length > MAX_DELTA_SHARE * to.size) return { reason: 'too-large' };
    await writeAtomically(path, data);
    return { delta: { path, size: data.length, etag: etagOf(data) } };
  }

  /** A stored version, read back and checked by the app's own reader. */
  private read(pack: StoredPack): Promise<ParsedPack> {
    return readPack(createReadStream(this.store.pathOf(pack), { encoding: 'utf8' }));
  }
}

/**
 * Writes the compressed copies, then the delta itself, each under a temporary name renamed into
 * place: a delta file on disk always has both copies beside it, even after a crash.
 */
async function writeAtomically(path: string, data: Buffer): Promise<void> {
  const suffix = `.${randomBytes(6).toString('hex')}.tmp`;
  const copies = await Promise.all(
    PACK_ENCODINGS.map(async (e) => ({ path: path + e.extension, data: await PACK_COMPRESSORS[e.encoding](data) })),
  );
  const parts = [...copies, { path, data }];
  await mkdir(dirname(path), { recursive: true });
  try {
    for (const part of parts) {
      await writeFile(part.path + suffix, part.data);
      await rename(part.path + suffix, part.path);
    }
  } finally {
    await Promise.all(parts.map((p) => rm(p.path + suffix, { force: true })));
  }
}

function etagOf(data: Buffer): string {
  return `"sha256-${createHash('sha256').update(data).digest('hex')}"`;
}

/** How many earlier versions get a delta made at publication: tablets further behind are rare, and served on demand. */
const PREPARED_DELTAS = 3;

/**
 * Makes, when a version is published, the deltas tablets will ask for: from each of the few versions
 * published before it. The first tablet back at base camp then waits for its download, not for the
 * server to compare two versions of a large pack.
 */
export async function prepareDeltas(store: PackStore, to: StoredPack): Promise<void> {
  const deltas = new PackDeltas(store);
  const earlier = store
    .list()
    .filter(
      (p) => p.manifest.id === to.manifest.id && p.publishedAt !== null && compareVersions(p.manifest.version, to.manifest.version) < 0,
    )
    .sort((a, b) => compareVersions(b.manifest.version, a.manifest.version))
    .slice(0, PREPARED_DELTAS);
  for (const from of earlier) await deltas.delta(to, from.manifest.version);
}
