import { useSyncExternalStore } from 'react';
import { browserFetch } from '../../api/clinic-request';
import { browserDownload } from '../../api/packs-client';
import { clinicConnection } from '../../db/clinic-connection';
import { library } from '../../db/library';
import { type PackSyncResult, syncPacks } from '../../sync/pack-sync';
import { importInWorker } from '../../workers/import-client';

export type ClinicPacksState =
  | { status: 'idle' }
  | { status: 'syncing'; title?: string; index: number; count: number }
  | { status: 'done'; at: number; result: PackSyncResult };

/** Kept outside React: a sync started from one screen goes on, and its outcome shows on the packs screen. */
let state: ClinicPacksState = { status: 'idle' };
const listeners = new Set<() => void>();

function set(next: ClinicPacksState): void {
  state = next;
  for (const listener of listeners) listener();
}

/** Brings the clinic server's published packs onto the tablet; nothing to do when it is not enrolled. */
export async function syncClinicPacks(): Promise<void> {
  if (state.status === 'syncing') return;
  const { db } = library();
  const connection = await clinicConnection(db);
  if (!connection) return;
  set({ status: 'syncing', index: 0, count: 0 });
  try {
    const result = await syncPacks(db, connection, {
      request: { fetch: browserFetch, timeoutMs: 30_000 },
      download: browserDownload,
      install: (source) => importInWorker(source),
      onPack: ({ title, index, count }) => set({ status: 'syncing', title, index, count }),
    });
    set({ status: 'done', at: Date.now(), result });
  } catch {
    // Storage failing under the sync: shown as the server out of reach, tried again at the next trigger.
    set({ status: 'done', at: Date.now(), result: { unreachable: true, installed: [], failed: [] } });
  }
}

/** How often packs are looked for while the app is open and online. */
const EVERY_MS = 30 * 60_000;

/** Looks for new packs now, whenever the tablet comes online, and every half hour. */
export function startClinicPackSync(): () => void {
  const run = () => void syncClinicPacks();
  run();
  addEventListener('online', run);
  const timer = setInterval(run, EVERY_MS);
  return () => {
    removeEventListener('online', run);
    clearInterval(timer);
  };
}

export function useClinicPacks(): ClinicPacksState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => state,
  );
}
