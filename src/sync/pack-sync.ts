import type { ClinicRequestOptions } from '../api/clinic-request';
import { downloadPack, fetchPublishedPacks, fetchPublisherKeys, type PackDownload } from '../api/packs-client';
import { AppError, type AppErrorData, toErrorData } from '../core/errors/app-error';
import { compareVersions } from '../core/pack/version';
import type { ClinicConnection, LibraryDb } from '../db/library-db';
import type { ImportEvent, ImportSource } from '../workers/import-protocol';

/** Installs a pack file as a chosen file is installed: in the import worker in the app, directly in tests. */
export type InstallPackFile = (
  source: Extract<ImportSource, { file: Blob; kind: 'pack' }>,
) => Promise<Extract<ImportEvent, { type: 'done' }>>;

export interface PackSyncOptions {
  request: ClinicRequestOptions;
  download: PackDownload;
  install: InstallPackFile;
  /** Before each pack is fetched: to show which, and how far along. */
  onPack?: (pack: { title: string; index: number; count: number }) => void;
}

export interface PackSyncResult {
  /** The server could not be asked (offline, or it refused the token): nothing was tried. */
  unreachable: boolean;
  installed: { id: string; version: string; title: string }[];
  /** Packs refused (unsigned, altered, untrusted key, damaged) or not downloaded, each with why. */
  failed: { id: string; version: string; title: string; error: AppErrorData }[];
}

/**
 * Brings the tablet's library up to the clinic server's published packs: each one newer than the
 * installed version (or not installed) is downloaded, checked against the publisher keys the clinic
 * configured, and installed in one transaction; a pack that fails leaves the library as it was and
 * the others still come.
 */
export async function syncPacks(db: LibraryDb, connection: ClinicConnection, options: PackSyncOptions): Promise<PackSyncResult> {
  const result: PackSyncResult = { unreachable: false, installed: [], failed: [] };
  const [published, keys] = await Promise.all([
    fetchPublishedPacks(connection, options.request),
    fetchPublisherKeys(connection, options.request),
  ]);
  if (published.kind === 'failed' || keys.kind === 'failed') return { ...result, unreachable: true };

  const installed = new Map((await db.packs.toArray()).map((p) => [p.id, p.manifest]));
  const wanted = published.items.filter((pack) => {
    const have = installed.get(pack.id);
    // The same content (the demo pack the app already installed, say) is not fetched again.
    return !have || (have.contentHash !== pack.contentHash && compareVersions(pack.version, have.version) >= 0);
  });
  for (const [index, pack] of wanted.entries()) {
    options.onPack?.({ title: pack.title, index, count: wanted.length });
    const { id, version, title } = pack;
    try {
      const file = await downloadPack(connection, pack, options.download, options.request.timeoutMs).catch(() => {
        throw new AppError('network/failed', `Could not download ${title} from the clinic server.`, { url: connection.origin });
      });
      await options.install({ kind: 'pack', file, trust: { signature: pack.signature, keys: keys.items } });
      result.installed.push({ id, version, title });
    } catch (error) {
      result.failed.push({ id, version, title, error: toErrorData(error) });
    }
  }
  return result;
}
