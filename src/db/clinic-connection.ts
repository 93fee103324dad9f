import type { ClinicConnection, LibraryDb } from './library-db';

export async function clinicConnection(db: LibraryDb): Promise<ClinicConnection | undefined> {
  return (await db.settings.get('clinic'))?.value;
}

export async function saveClinicConnection(db: LibraryDb, connection: ClinicConnection): Promise<void> {
  await db.settings.put({ key: 'clinic', value: connection });
}

/** Forgets the server and its token; the library and everything else stays. */
export async function forgetClinicConnection(db: LibraryDb): Promise<void> {
  await db.settings.delete('clinic');
}
