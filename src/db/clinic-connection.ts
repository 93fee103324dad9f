import type { ClinicConnection, ClinicModel, LibraryDb } from './library-db';

export async function clinicConnection(db: LibraryDb): Promise<ClinicConnection | undefined> {
  return (await db.settings.get('clinic'))?.value;
}

/** What the last sync learnt from a clinic: void once the tablet enrolls elsewhere, or again. */
const SYNCED_FROM_CLINIC = ['syncState', 'clinicSettings', 'clinicPacks', 'withdrawnPacks', 'pendingJobDeletes'] as const;

/**
 * Saves the enrollment. A new one (another clinic, or the same one anew) starts its sync from the
 * beginning: the old clinic's settings, pack listing and checkpoint would mislead the new sync.
 */
export async function saveClinicConnection(db: LibraryDb, connection: ClinicConnection): Promise<void> {
  await db.transaction('rw', db.settings, async () => {
    const old = await clinicConnection(db);
    if (old && old.deviceId !== connection.deviceId) await db.settings.bulkDelete([...SYNCED_FROM_CLINIC]);
    await db.settings.put({ key: 'clinic', value: connection });
  });
}

/** Keeps what the server said of its model, unless the tablet enrolled elsewhere meanwhile. */
export async function saveClinicModel(db: LibraryDb, deviceId: string, model: ClinicModel): Promise<void> {
  await db.transaction('rw', db.settings, async () => {
    const connection = await clinicConnection(db);
    if (connection?.deviceId === deviceId) await saveClinicConnection(db, { ...connection, model });
  });
}

/** Forgets the server, its token and what syncing with it learnt; the library, questions and feedback stay. */
export async function forgetClinicConnection(db: LibraryDb): Promise<void> {
  await db.settings.bulkDelete(['clinic', ...SYNCED_FROM_CLINIC]);
}
