import type { ClinicConnection, ClinicModel, LibraryDb } from './library-db';

export async function clinicConnection(db: LibraryDb): Promise<ClinicConnection | undefined> {
  return (await db.settings.get('clinic'))?.value;
}

export async function saveClinicConnection(db: LibraryDb, connection: ClinicConnection): Promise<void> {
  await db.settings.put({ key: 'clinic', value: connection });
}

/** Keeps what the server said of its model, unless the tablet enrolled elsewhere meanwhile. */
export async function saveClinicModel(db: LibraryDb, deviceId: string, model: ClinicModel): Promise<void> {
  await db.transaction('rw', db.settings, async () => {
    const connection = await clinicConnection(db);
    if (connection?.deviceId === deviceId) await saveClinicConnection(db, { ...connection, model });
  });
}

/** Forgets the server and its token; the library and everything else stays. */
export async function forgetClinicConnection(db: LibraryDb): Promise<void> {
  await db.settings.delete('clinic');
}
