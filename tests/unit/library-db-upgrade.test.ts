import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { buildPackIndex } from '../../src/core/search/index-builder';
import { IndexedDbPostingStore } from '../../src/db/indexeddb-posting-store';
import { type InstalledPackV1, LibraryDb, type StoredExcerpt, type StoredPosting } from '../../src/db/library-db';
import { searchLibrary } from '../../src/db/library-queries';
import { uniqueDbName } from '../fixtures/library';
import { MEDICAL_PACKS } from '../fixtures/medical-corpus';
import { makePackParts } from '../fixtures/pack';

/** The schema as version 1 of the app declared it, and nothing newer. */
class LibraryDbV1 extends Dexie {
  packs!: Dexie.Table<InstalledPackV1, string>;
  excerpts!: Dexie.Table<StoredExcerpt, [string, number]>;
  postings!: Dexie.Table<StoredPosting, [string, string]>;

  constructor(name: string) {
    super(name);
    this.version(1).stores({
      packs: 'id',
      excerpts: '[packId+ordinal], id, [packId+docId]',
      postings: '[packId+term], term',
    });
  }
}

/** Writes packs the way version 1 of the app stored them: search metadata inside the pack row. */
async function writeV1Library(name: string) {
  const old = new LibraryDbV1(name);
  const written = { packs: [] as InstalledPackV1[], excerpts: [] as StoredExcerpt[], postings: [] as StoredPosting[] };
  for (const { id, excerpts } of MEDICAL_PACKS) {
    const { manifest } = makePackParts({ id, excerpts });
    const { meta, postings } = buildPackIndex(id, excerpts);
    written.packs.push({ id, manifest, installedAt: '2024-01-02T03:04:05.000Z', search: meta });
    written.excerpts.push(...excerpts.map((e, ordinal) => ({ ...e, packId: id, ordinal })));
    for (const [term, list] of postings) written.postings.push({ packId: id, term, ...list });
  }
  await old.packs.bulkAdd(written.packs);
  await old.excerpts.bulkAdd(written.excerpts);
  await old.postings.bulkAdd(written.postings);
  old.close();
  return written;
}

const toDelete: string[] = [];
afterEach(async () => {
  for (const name of toDelete.splice(0)) await Dexie.delete(name);
});

describe('LibraryDb upgrade from version 1', () => {
  it('moves search metadata out of the pack rows into packSearch', async () => {
    const name = uniqueDbName('upgrade');
    toDelete.push(name);
    const written = await writeV1Library(name);

    const db = new LibraryDb(name);
    await db.open();

    const metas = await db.packSearch.toArray();
    expect(metas).toEqual(written.packs.map((p) => p.search));
    expect(metas[0]!.groupOf).toBeInstanceOf(Uint32Array);
    expect(metas[0]!.sourceOf).toBeInstanceOf(Uint16Array);

    const packs = await db.packs.toArray();
    expect(packs.map((p) => p.id)).toEqual(['medlineplus', 'who-msf']);
    for (const p of packs) expect('search' in p).toBe(false);
    expect(packs.map((p) => p.manifest)).toEqual(written.packs.map((p) => p.manifest));
    db.close();
  });

  it('keeps excerpts and postings as they were', async () => {
    const name = uniqueDbName('upgrade');
    toDelete.push(name);
    const written = await writeV1Library(name);

    const db = new LibraryDb(name);
    const byKey = <T extends { packId: string }>(rows: T[], key: (r: T) => string | number) =>
      [...rows].sort((a, b) => (a.packId + String(key(a))).localeCompare(b.packId + String(key(b))));
    expect(byKey(await db.excerpts.toArray(), (e) => String(e.ordinal).padStart(4, '0'))).toEqual(
      byKey(written.excerpts, (e) => String(e.ordinal).padStart(4, '0')),
    );
    expect(await db.postings.count()).toBe(written.postings.length);
    const posting = written.postings.find((p) => p.packId === 'who-msf' && p.term === 'malaria')!;
    expect(await db.postings.get(['who-msf', 'malaria'])).toEqual(posting);
    db.close();
  });

  it('answers searches over the upgraded library', async () => {
    const name = uniqueDbName('upgrade');
    toDelete.push(name);
    await writeV1Library(name);

    const db = new LibraryDb(name);
    const { hits } = await searchLibrary(db, new IndexedDbPostingStore(db), 'How is malaria diagnosed?');
    expect(hits[0]!.excerpt).toMatchObject({ packId: 'who-msf', docTitle: 'Malaria', section: 'Exams and tests' });
    const symptoms = await searchLibrary(db, new IndexedDbPostingStore(db), 'What are the symptoms of pneumonia?');
    expect(symptoms.hits[0]!.excerpt).toMatchObject({ packId: 'medlineplus', docTitle: 'Pneumonia', section: 'Symptoms' });
    db.close();
  });

  it('opens an empty version-1 library', async () => {
    const name = uniqueDbName('upgrade');
    toDelete.push(name);
    const old = new LibraryDbV1(name);
    await old.open();
    old.close();
    const db = new LibraryDb(name);
    expect(await db.packSearch.count()).toBe(0);
    expect(await db.packs.count()).toBe(0);
    db.close();
  });
});
