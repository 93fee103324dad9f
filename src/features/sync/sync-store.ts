import { useSyncExternalStore } from 'react';
import { announceAnswers } from '../../app/answer-notice';
import { clinicConnection } from '../../db/clinic-connection';
import { library } from '../../db/library';
import { type ClinicSync, createClinicSync, type FlushResult, type SyncProgress } from '../../sync/clinic-sync';
import { type PackProgress, type PackSyncResult, syncPacks } from '../../sync/pack-sync';
import { importInWorker } from '../../workers/import-client';

export type PackSyncState =
  | { status: 'idle' }
  | { status: 'syncing'; progress?: PackProgress }
  | { status: 'done'; at: number; result: PackSyncResult }
  | { status: 'failed'; at: number };

export interface SyncStatus {
  /** Pushing or pulling now, and how far. */
  flushing?: SyncProgress | { phase: 'start' };
  lastFlush?: FlushResult & { at: number };
  packs: PackSyncState;
}

/** Kept outside React: a sync started from one screen goes on, and its outcome shows on the others. */
let status: SyncStatus = { packs: { status: 'idle' } };
const listeners = new Set<() => void>();
let sync: ClinicSync | undefined;

function set(next: Partial<SyncStatus>): void {
  status = { ...status, ...next };
  for (const listener of listeners) listener();
}

function appSync(): ClinicSync {
  sync ??= createClinicSync({
    db: library().db,
    window,
    document,
    onProgress: (flushing) => set({ flushing }),
    onFlushed: report,
    onPacksWanted: () => void syncClinicPacks(),
  });
  return sync;
}

function report(result: FlushResult): void {
  set({ lastFlush: { ...result, at: Date.now() }, flushing: undefined });
  if (result.answered > 0) void announceAnswers(result.answered);
  // An outdated app: the service worker fetches the new version, which the update prompt then offers.
  if (result.error?.code === 'sync/outdated-app') void navigator.serviceWorker?.getRegistration().then((r) => r?.update());
}

/** Syncs now, then brings the clinic's packs: the "Sync now" button, and right after enrollment. */
export async function syncNow(): Promise<void> {
  set({ flushing: { phase: 'start' } });
  const result = await appSync()
    .flush()
    .catch(() => undefined);
  if (!result) return set({ flushing: undefined });
  report(result);
  if (!result.error) await syncClinicPacks();
}

let packsRun: Promise<void> | undefined;

/** Brings the clinic's packs, as the last sync listed them, onto the tablet; one run at a time. */
export function syncClinicPacks(): Promise<void> {
  packsRun ??= runPackSync().finally(() => {
    packsRun = undefined;
  });
  return packsRun;
}

async function runPackSync(): Promise<void> {
  const { db } = library();
  const connection = await clinicConnection(db);
  if (!connection) return;
  set({ packs: { status: 'syncing' } });
  try {
    // Another tab of the app may be fetching the same packs into the same stored downloads.
    const result = await exclusively('meditron-pack-sync', () =>
      syncPacks(db, connection, {
        install: (source) => importInWorker(source),
        onProgress: (progress) => set({ packs: { status: 'syncing', progress } }),
      }),
    );
    set({ packs: { status: 'done', at: Date.now(), result } });
  } catch {
    // Storage failing under the sync: tried again at the next sync.
    set({ packs: { status: 'failed', at: Date.now() } });
  }
}

/** Runs `work` holding a Web Lock where the browser has them, so two tabs never run it at once. */
function exclusively<T>(name: string, work: () => Promise<T>): Promise<T> {
  return navigator.locks ? navigator.locks.request(name, work) : work();
}

/** On app start: the sync runs now, when online or visible again, when something is due, and every few minutes. */
export function startSync(): () => void {
  const clinicSync = appSync();
  clinicSync.start();
  return () => clinicSync.stop();
}

export function useSyncStatus(): SyncStatus {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => status,
  );
}
