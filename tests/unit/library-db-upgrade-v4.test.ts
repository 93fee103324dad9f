import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { buildPackIndex } from '../../src/core/search/index-builder';
import { clinicConnection } from '../../src/db/clinic-connection';
import {
  type ClinicConnection,
  type InstalledPack,
  LibraryDb,
  type SettingRow,
  type StoredExcerpt,
  type StoredPackSearch,
  type StoredPosting,
} from '../../src/db/library-db';
import { addQuestion, listItems } from '../../src/db/outbox-store';
import { snapshot, uniqueDbName } from '../fixtures/library';
import { MEDICAL_PACKS } from '../fixtures/medical-corpus';
import { makePackParts } from '../fixtures/pack';

/** The schema as version 3 of the app declared it, and nothing newer. */
class LibraryDbV3 extends Dexie {
  packs!: Dexie.Table<InstalledPack, string>;
  packSearch!: Dexie.Table<StoredPackSearch, string>;
  excerpts!: Dexie.Table<StoredExcerpt, [string, number]>;
  postings!: Dexie.Table<StoredPosting, [string, string]>;
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

describe('LibraryDb upgrade from version 3', () => {
  it('keeps packs and the clinic connection, and adds an empty outbox and an empty model list', async () => {
    const name = uniqueDbName('upgrade-v4');
    toDelete.push(name);
    const old = new LibraryDbV3(name);
    for (const { id, excerpts } of MEDICAL_PACKS) {
      const { manifest } = makePackParts({ id, excerpts });
      const { meta, postings } = buildPackIndex(id, excerpts);
      await old.packs.add({ id, manifest, installedAt: '2024-01-02T03:04:05.000Z' });
      await old.packSearch.add(meta);
      await old.excerpts.bulkAdd(excerpts.map((e, ordinal) => ({ ...e, packId: id, ordinal })));
      await old.postings.bulkAdd([...postings].map(([term, list]) => ({ packId: id, term, ...list })));
    }
    await old.settings.put({ key: 'clinic', value: CLINIC });
    const before = {
      packs: await old.packs.toArray(),
      packSearch: await old.packSearch.toArray(),
      excerpts: await old.excerpts.toArray(),
      postings: await old.postings.toArray(),
    };
    old.close();

    const db = new LibraryDb(name);
    await db.open();
    expect(db.verno).toBe(6);
    expect(await snapshot(db)).toEqual(before);
    expect(before.packs.map((p) => p.id)).toEqual(['medlineplus', 'who-msf']);
    expect(await clinicConnection(db)).toEqual(CLINIC);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.models.count()).toBe(0);

    const item = await addQuestion(db, { question: 'Fever?', now: 1_000 });
    expect(await db.outbox.where('jobId').equals(item.id).count()).toBe(1);
    expect(await listItems(db)).toEqual([item]);
    db.close();
  });
});
