import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { discardDownload } from '../../src/api/resumable-download';
import { clinicConnection } from '../../src/db/clinic-connection';
import { pendingFeedbackCount, saveFeedback } from '../../src/db/feedback-store';
import { type ClinicConnection, type InstalledPack, LibraryDb, type SettingRow, type StoredExcerpt } from '../../src/db/library-db';
import { uniqueDbName } from '../fixtures/library';
import { makeExcerpts, makePackParts } from '../fixtures/pack';

/** The schema as version 5 of the app declared it, and nothing newer. */
class LibraryDbV5 extends Dexie {
  packs!: Dexie.Table<InstalledPack, string>;
  excerpts!: Dexie.Table<StoredExcerpt, [string, number]>;
  settings!: Dexie.Table<SettingRow, string>;

  constructor(name: string) {
    super(name);
    this.version(1).stores({
      packs: 'id',
      excerpts: '[packId+ordinal], id, [packId+docId]',
      postings: '[packId+term], term',
    });
    this.version(2).stores({ packSearch: 'packId' });
    this.version(3).stores({ settings: 'key' });
    this.version(4).stores({ outbox: 'id, jobId, state, createdAt' });
    this.version(5).stores({ models: 'id' });
  }
}

const CLINIC: ClinicConnection = {
  origin: 'https://clinic.local:8443',
  deviceId: 'device-1',
  deviceName: 'Tablet 1',
  token: 'token-1',
  enrolledAt: '2026-01-01T08:00:00.000Z',
};

const toDelete: string[] = [];
afterEach(async () => {
  for (const name of toDelete.splice(0)) await Dexie.delete(name);
});

describe('LibraryDb upgrade from version 5', () => {
  it('keeps the library and the clinic connection, drops the old feed checkpoint, and adds empty feedback and download tables', async () => {
    const name = uniqueDbName('upgrade-v6');
    toDelete.push(name);
    const old = new LibraryDbV5(name);
    const { manifest, excerpts } = makePackParts({ id: 'who', excerpts: makeExcerpts(3) });
    await old.packs.add({ id: 'who', manifest, installedAt: '2024-01-02T03:04:05.000Z' });
    await old.excerpts.bulkAdd(excerpts.map((e, ordinal) => ({ ...e, packId: 'who', ordinal })));
    await old.settings.put({ key: 'clinic', value: CLINIC });
    // Version 5's job-feed checkpoint: the sync's own checkpoint replaces it.
    await old.table('settings').put({ key: 'feedCheckpoint', value: { deviceId: 'device-1', seq: 42 } });
    const before = { packs: await old.packs.toArray(), excerpts: await old.excerpts.toArray() };
    old.close();

    const db = new LibraryDb(name);
    await db.open();
    expect(db.verno).toBe(6);
    expect({ packs: await db.packs.toArray(), excerpts: await db.excerpts.toArray() }).toEqual(before);
    expect(await clinicConnection(db)).toEqual(CLINIC);
    expect(await db.table('settings').get('feedCheckpoint')).toBeUndefined();
    expect(await db.feedback.count()).toBe(0);
    expect(await db.downloads.count()).toBe(0);
    expect(await db.downloadParts.count()).toBe(0);

    await saveFeedback(db, {
      id: '00000000-0000-4000-8000-000000000001',
      question: 'Fever?',
      answers: [{ text: 'Paracetamol.', model: null, engine: 'excerpts-only', excerptIds: [], criteria: { clarity: 5 } }],
      createdAt: '2026-01-01T08:00:00.000Z',
    });
    expect(await pendingFeedbackCount(db)).toBe(1);
    await db.downloads.put({ key: '/api/packs/who/2', etag: '"e"', received: 3, startedAt: '2026-01-01T08:00:00.000Z' });
    await db.downloadParts.put({ key: '/api/packs/who/2', index: 0, bytes: new Uint8Array([1, 2, 3]) });
    await discardDownload(db, 'https://clinic.local:8443/api/packs/who/2');
    expect(await db.downloads.count()).toBe(0);
    expect(await db.downloadParts.count()).toBe(0);
    db.close();
  });
});
