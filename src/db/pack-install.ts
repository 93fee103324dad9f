import Dexie from 'dexie';
import { AppError } from '../core/errors/app-error';
import type { ParsedPack } from '../core/pack/pack-reader';
import type { PackManifest } from '../core/pack/pack-schema';
import { compareVersions } from '../core/pack/version';
import { buildPackIndex } from '../core/search/index-builder';
import type { LibraryDb, StoredPosting } from './library-db';

export type InstallOutcome = 'installed' | 'replaced' | 'unchanged';

export interface InstallProgress {
  phase: 'index' | 'write';
  done: number;
  total: number;
}

const BATCH = 2000;

/**
 * Installs a validated pack. The old version's rows are removed and the new ones written in one
 * transaction: if anything fails — a full disk, a closed tab — the library stays as it was.
 */
export async function installPack(
  db: LibraryDb,
  { manifest, excerpts }: ParsedPack,
  onProgress?: (p: InstallProgress) => void,
): Promise<InstallOutcome> {
  const existing = await db.packs.get(manifest.id);
  if (existing) checkReplaceable(existing.manifest, manifest);
  if (existing?.manifest.contentHash === manifest.contentHash) return 'unchanged';

  onProgress?.({ phase: 'index', done: 0, total: excerpts.length });
  const { meta, postings } = buildPackIndex(manifest.id, excerpts);
  onProgress?.({ phase: 'index', done: excerpts.length, total: excerpts.length });

  const rows: StoredPosting[] = [];
  for (const [term, list] of postings) rows.push({ packId: manifest.id, term, docs: list.docs, impacts: list.impacts });
  const total = excerpts.length + rows.length;
  let done = 0;

  await db.transaction('rw', [db.packs, db.packSearch, db.excerpts, db.postings], async () => {
    await deleteRows(db, manifest.id);
    for (let i = 0; i < excerpts.length; i += BATCH) {
      const batch = excerpts.slice(i, i + BATCH).map((e, j) => ({ ...e, packId: manifest.id, ordinal: i + j }));
      await db.excerpts.bulkAdd(batch);
      done += batch.length;
      onProgress?.({ phase: 'write', done, total });
    }
    for (let i = 0; i < rows.length; i += BATCH) {
      const batch = rows.slice(i, i + BATCH);
      await db.postings.bulkAdd(batch);
      done += batch.length;
      onProgress?.({ phase: 'write', done, total });
    }
    await db.packSearch.put(meta);
    await db.packs.put({ id: manifest.id, manifest, installedAt: new Date().toISOString() });
  });
  return existing ? 'replaced' : 'installed';
}

function checkReplaceable(installed: PackManifest, incoming: PackManifest): void {
  const order = compareVersions(incoming.version, installed.version);
  if (order < 0) {
    throw new AppError(
      'pack/older-version',
      `Version ${incoming.version} is older than the installed version ${installed.version}; the library was not changed.`,
      { installed: installed.version, incoming: incoming.version },
    );
  }
  if (order === 0 && incoming.contentHash !== installed.contentHash) {
    throw new AppError(
      'pack/version-conflict',
      `Version ${incoming.version} is already installed with different content; the publisher must give the new content a new version.`,
      { installed: installed.version, incoming: incoming.version },
    );
  }
}

export async function removePack(db: LibraryDb, packId: string): Promise<void> {
  await db.transaction('rw', [db.packs, db.packSearch, db.excerpts, db.postings], async () => {
    await deleteRows(db, packId);
    await db.packSearch.delete(packId);
    await db.packs.delete(packId);
  });
}

/** A pack's excerpts and postings: the key range [packId, *] of both tables. Call inside a transaction. */
async function deleteRows(db: LibraryDb, packId: string): Promise<void> {
  const range = [
    [packId, Dexie.minKey],
    [packId, Dexie.maxKey],
  ] as const;
  await db.excerpts
    .where('[packId+ordinal]')
    .between(...range)
    .delete();
  await db.postings
    .where('[packId+term]')
    .between(...range)
    .delete();
}
