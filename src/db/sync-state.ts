import type { AppErrorData } from '../core/errors/app-error';
import type { ClinicSettings, PackListing } from '../core/sync/sync-protocol';
import type { LibraryDb, SyncStateRow } from './library-db';

/** Where this tablet's pull resumes: 0 for a tablet enrolled anew (a checkpoint of another device is void). */
export async function syncState(db: LibraryDb, deviceId: string): Promise<SyncStateRow> {
  const row = (await db.settings.get('syncState'))?.value;
  return row?.deviceId === deviceId ? row : { deviceId, checkpoint: 0 };
}

/** Records how a sync ended, keeping the checkpoint the pull moved. */
export async function recordSyncOutcome(db: LibraryDb, deviceId: string, at: string, error?: AppErrorData): Promise<void> {
  await db.transaction('rw', db.settings, async () => {
    const state = await syncState(db, deviceId);
    const next: SyncStateRow = error
      ? { ...state, lastAttemptAt: at, lastError: error }
      : { deviceId, checkpoint: state.checkpoint, lastAttemptAt: at, lastSuccessAt: at };
    await db.settings.put({ key: 'syncState', value: next });
  });
}

/** What the clinic's administrator set, as last pulled; undefined before the first sync. */
export async function clinicSettings(db: LibraryDb): Promise<ClinicSettings | undefined> {
  return (await db.settings.get('clinicSettings'))?.value;
}

/** The clinic's published packs, as last pulled. */
export async function clinicPacks(db: LibraryDb): Promise<PackListing[]> {
  return (await db.settings.get('clinicPacks'))?.value ?? [];
}

/** A pack the clinic unpublished, with the content it had sent: only that copy is removed from the tablet. */
export interface WithdrawnPack {
  id: string;
  contentHash: string;
}

export async function withdrawnPacks(db: LibraryDb): Promise<WithdrawnPack[]> {
  return (await db.settings.get('withdrawnPacks'))?.value ?? [];
}
