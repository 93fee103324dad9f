import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { clinicConnection, forgetClinicConnection, saveClinicConnection } from '../../src/db/clinic-connection';
import type { ClinicConnection, LibraryDb } from '../../src/db/library-db';
import { clinicPacks, clinicSettings, syncState } from '../../src/db/sync-state';
import { openTestLibrary } from '../fixtures/library';

const opened: LibraryDb[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) {
    db.close();
    await Dexie.delete(db.name);
  }
});

const A: ClinicConnection = { origin: 'https://a.local:8443', deviceId: 'device-a', deviceName: 'Ward', token: 't-a', enrolledAt: '' };
const B: ClinicConnection = { ...A, origin: 'https://b.local:8443', deviceId: 'device-b', token: 't-b' };

/** A tablet enrolled with A that has synced: settings, a pack listing and a checkpoint. */
async function syncedWithA(): Promise<LibraryDb> {
  const db = openTestLibrary('clinic-connection');
  opened.push(db);
  await saveClinicConnection(db, A);
  await db.settings.put({ key: 'syncState', value: { deviceId: A.deviceId, checkpoint: 42, lastSuccessAt: '2026-11-25T08:00:00.000Z' } });
  await db.settings.put({
    key: 'clinicSettings',
    value: { clinicName: 'A', defaultLanguage: 'fr', enginePolicy: 'auto', publisherKeys: [] },
  });
  await db.settings.put({
    key: 'clinicPacks',
    value: [
      {
        id: 'who',
        version: '1',
        title: 'WHO',
        language: 'en',
        publisher: 'WHO',
        licence: 'CC BY',
        excerptCount: 1,
        size: 1,
        contentHash: 'sha256-0',
        demo: false,
        publishedAt: null,
        signature: null,
      },
    ],
  });
  return db;
}

describe('the clinic connection', () => {
  it('keeps what the sync learnt when the same enrollment is saved again (its model, say)', async () => {
    const db = await syncedWithA();
    await saveClinicConnection(db, { ...A, model: { id: 'm', profile: 'chat', contextTokens: 2048 } });
    expect((await syncState(db, A.deviceId)).checkpoint).toBe(42);
    expect(await clinicPacks(db)).toHaveLength(1);
  });

  it("starts the sync afresh on enrolling elsewhere: the old clinic's settings and packs do not mislead it", async () => {
    const db = await syncedWithA();
    await saveClinicConnection(db, B);
    expect(await clinicConnection(db)).toEqual(B);
    expect(await syncState(db, B.deviceId)).toEqual({ deviceId: B.deviceId, checkpoint: 0 });
    expect(await clinicSettings(db)).toBeUndefined();
    expect(await clinicPacks(db)).toEqual([]);
  });

  it('forgets the server and what syncing with it learnt', async () => {
    const db = await syncedWithA();
    await forgetClinicConnection(db);
    expect(await clinicConnection(db)).toBeUndefined();
    expect(await db.settings.count()).toBe(0);
  });
});
