import { type DownloadFetch, discardDownload, discardDownloadsExcept, resumableDownload } from '../api/resumable-download';
import { AppError, type AppErrorData, toErrorData } from '../core/errors/app-error';
import type { DeltaStats } from '../core/pack/pack-delta';
import type { PackManifest } from '../core/pack/pack-schema';
import type { TrustedKey } from '../core/pack/pack-signature';
import { compareVersions } from '../core/pack/version';
import type { PackListing, PublisherKey } from '../core/sync/sync-protocol';
import type { ClinicConnection, LibraryDb } from '../db/library-db';
import { removePack } from '../db/pack-install';
import { clinicPacks, clinicSettings, withdrawnPacks } from '../db/sync-state';
import type { ImportEvent, ImportSource } from '../workers/import-protocol';

/** Installs a downloaded pack or delta as a chosen file is installed: in the import worker in the app, directly in tests. */
export type InstallPackFile = (
  source: Extract<ImportSource, { file: Blob; kind: 'pack' | 'delta' }>,
) => Promise<Extract<ImportEvent, { type: 'done' }>>;

export interface PackSyncOptions {
  install: InstallPackFile;
  fetch?: DownloadFetch;
  /** While a pack comes: which, how far along the list, and its bytes. */
  onProgress?: (progress: PackProgress) => void;
}

export interface PackProgress {
  title: string;
  index: number;
  count: number;
  received: number;
  total?: number;
}

export interface InstalledFromClinic {
  id: string;
  version: string;
  title: string;
  /** A delta from the installed version, or the whole pack. */
  via: 'delta' | 'full';
  stats?: DeltaStats;
}

export interface PackSyncResult {
  installed: InstalledFromClinic[];
  /** Packs the clinic unpublished, removed from the tablet. */
  removed: string[];
  /** Packs refused (unsigned, altered, untrusted key, damaged) or not downloaded, each with why. */
  failed: { id: string; version: string; title: string; error: AppErrorData }[];
}

/**
 * Brings the tablet's library up to the clinic's published packs, as the last sync pulled them:
 * each one newer than the installed version comes as a delta from that version when the server
 * offers one, else whole; either is checked against the publisher keys the clinic configured and
 * installed in one transaction. Downloads resume where a cut connection left them. A pack that
 * fails leaves the library as it was, and the others still come.
 */
export async function syncPacks(db: LibraryDb, connection: ClinicConnection, options: PackSyncOptions): Promise<PackSyncResult> {
  const result: PackSyncResult = { installed: [], removed: await removeWithdrawn(db), failed: [] };
  const keys = trustedKeys((await clinicSettings(db))?.publisherKeys ?? []);
  const installed = await installedManifests(db);
  const wanted = packsToFetch(await clinicPacks(db), installed);

  for (const [index, pack] of wanted.entries()) {
    const { id, version, title } = pack;
    const onProgress = (received: number, total: number | undefined) =>
      options.onProgress?.({ title, index, count: wanted.length, received, total });
    onProgress(0, undefined);
    const trust = { signature: pack.signature, keys };
    try {
      const from = installed.get(id);
      const viaDelta =
        from &&
        compareVersions(version, from.version) > 0 &&
        (await installDelta(db, connection, pack, from.version, options, onProgress, trust));
      if (viaDelta) {
        result.installed.push({ id, version, title, via: 'delta', stats: viaDelta.stats });
        continue;
      }
      const url = fileUrl(connection, pack);
      const file = await resumableDownload(db, url, { fetch: options.fetch, headers: auth(connection), onProgress });
      await installThenForget(db, url, () => options.install({ kind: 'pack', file, trust }));
      result.installed.push({ id, version, title, via: 'full' });
    } catch (error) {
      result.failed.push({ id, version, title, error: toErrorData(error) });
    }
  }
  // Parts of a version the clinic replaced before it finished downloading would otherwise stay for good.
  await discardDownloadsExcept(
    db,
    wanted.flatMap((pack) => [fileUrl(connection, pack), deltaUrl(connection, pack, installed.get(pack.id)?.version)]),
  );
  return result;
}

export async function installedManifests(db: LibraryDb): Promise<Map<string, PackManifest>> {
  return new Map((await db.packs.toArray()).map((p) => [p.id, p.manifest]));
}

/** The clinic's packs the tablet lacks or has an older version of. */
export function packsToFetch(listings: readonly PackListing[], installed: ReadonlyMap<string, PackManifest>): PackListing[] {
  return listings.filter((pack) => {
    const have = installed.get(pack.id);
    // The same content (the demo pack the app already installed, say) is not fetched again.
    return !have || (have.contentHash !== pack.contentHash && compareVersions(pack.version, have.version) >= 0);
  });
}

/** The delta from the installed version; false when the server offers none or it does not fit what is installed. */
async function installDelta(
  db: LibraryDb,
  connection: ClinicConnection,
  pack: PackListing,
  fromVersion: string,
  options: PackSyncOptions,
  onProgress: (received: number, total: number | undefined) => void,
  trust: { signature: PackListing['signature']; keys: TrustedKey[] },
): Promise<Extract<ImportEvent, { type: 'done' }> | false> {
  const url = deltaUrl(connection, pack, fromVersion);
  let file: Blob;
  try {
    file = await resumableDownload(db, url, { fetch: options.fetch, headers: auth(connection), onProgress });
  } catch (error) {
    // 404: no delta from this version (too far behind, or it would be larger): the whole pack instead.
    if (error instanceof AppError && error.details?.status === 404) return false;
    throw error;
  }
  try {
    return await installThenForget(db, url, () => options.install({ kind: 'delta', file, trust }));
  } catch (error) {
    if ((error as AppErrorData)?.code === 'pack/delta-mismatch') return false;
    throw error;
  }
}

/**
 * Installs a downloaded file, then forgets the download. A file refused (altered, badly signed) is
 * forgotten too, so the next try downloads it afresh; a crash before the install keeps it for the next.
 */
async function installThenForget<T>(db: LibraryDb, url: string, install: () => Promise<T>): Promise<T> {
  try {
    return await install();
  } finally {
    await discardDownload(db, url);
  }
}

/** Packs the clinic unpublished: the copy it sent is removed, a pack the user imported with the same id stays. */
async function removeWithdrawn(db: LibraryDb): Promise<string[]> {
  const removed: string[] = [];
  const handled = await withdrawnPacks(db);
  if (handled.length === 0) return removed;
  for (const { id, contentHash } of handled) {
    const pack = await db.packs.get(id);
    if (pack?.manifest.contentHash !== contentHash) continue;
    await removePack(db, id);
    removed.push(id);
  }
  // Only those handled: a pull may have added more meanwhile.
  await db.transaction('rw', db.settings, async () => {
    const left = (await withdrawnPacks(db)).filter((w) => !handled.some((h) => h.id === w.id && h.contentHash === w.contentHash));
    await db.settings.put({ key: 'withdrawnPacks', value: left });
  });
  return removed;
}

/** Retired keys only check packs signed before a rotation, which a tablet installs no more. */
function trustedKeys(keys: readonly PublisherKey[]): TrustedKey[] {
  return keys.filter((k) => !k.retired).map(({ keyId, publicKey, name }) => ({ keyId, publicKey, ...(name ? { name } : {}) }));
}

function fileUrl(connection: ClinicConnection, pack: Pick<PackListing, 'id' | 'version'>): string {
  return new URL(`/api/packs/${encodeURIComponent(pack.id)}/${encodeURIComponent(pack.version)}`, connection.origin).href;
}

function deltaUrl(connection: ClinicConnection, pack: Pick<PackListing, 'id' | 'version'>, from: string | undefined): string {
  return `${fileUrl(connection, pack)}/delta?from=${encodeURIComponent(from ?? '')}`;
}

function auth(connection: ClinicConnection): Record<string, string> {
  return { authorization: `Bearer ${connection.token}` };
}
