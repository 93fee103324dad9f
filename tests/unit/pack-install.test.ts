import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError, toErrorData } from '../../src/core/errors/app-error';
import { readPack } from '../../src/core/pack/pack-reader';
import { buildPackIndex } from '../../src/core/search/index-builder';
import { search } from '../../src/core/search/search';
import { IndexedDbPostingStore } from '../../src/db/indexeddb-posting-store';
import type { LibraryDb } from '../../src/db/library-db';
import { searchLibrary } from '../../src/db/library-queries';
import { type InstallProgress, installPack, removePack } from '../../src/db/pack-install';
import { countRows, openTestLibrary, snapshot } from '../fixtures/library';
import { lineAsJson, makeExcerpt, makeExcerpts, makePack, makePackParts, replaceLine } from '../fixtures/pack';

const opened: LibraryDb[] = [];
function library(): LibraryDb {
  const db = openTestLibrary('install');
  opened.push(db);
  return db;
}
afterEach(async () => {
  for (const db of opened.splice(0)) await db.delete();
});

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a refusal');
}

/** Ids of the excerpts a fresh store finds for a query, so nothing is answered from a cache. */
async function searchIds(db: LibraryDb, query: string): Promise<string[]> {
  const { hits } = await searchLibrary(db, new IndexedDbPostingStore(db), query);
  return hits.map((h) => h.excerpt.id);
}

/** Counts every row Dexie creates or deletes in the pack tables while `during` runs. */
async function countWrites(db: LibraryDb, during: () => Promise<unknown>): Promise<number> {
  let writes = 0;
  const count = () => {
    writes++;
  };
  const tables = [db.packs, db.packSearch, db.excerpts, db.postings] as const;
  for (const t of tables) {
    t.hook('creating', count);
    t.hook('updating', count);
    t.hook('deleting', count);
  }
  try {
    await during();
  } finally {
    for (const t of tables) {
      t.hook('creating').unsubscribe(count);
      t.hook('updating').unsubscribe(count);
      t.hook('deleting').unsubscribe(count);
    }
  }
  return writes;
}

// Version 1: three excerpts; version 2: two different ones. "term3" is only in version 1 and
// "Edition" only in version 2.
const v1 = makePackParts({ id: 'who', version: '1', excerpts: makeExcerpts(3) });
const v2 = makePackParts({ id: 'who', version: '2', excerpts: makeExcerpts(2, { tag: 'two' }) });

describe('installPack: versions', () => {
  it('installs a pack: manifest, search metadata, excerpts in order, one posting row per term', async () => {
    const db = library();
    expect(await installPack(db, v1)).toBe('installed');
    expect(await countRows(db, 'who')).toEqual({
      packs: 1,
      packSearch: 1,
      excerpts: 3,
      postings: buildPackIndex('who', v1.excerpts).postings.size,
    });
    expect((await db.packs.get('who'))!.manifest).toEqual(v1.manifest);
    expect((await db.excerpts.get(['who', 2]))!.id).toBe(v1.excerpts[2]!.id);
    expect(await searchIds(db, 'term3')).toEqual([v1.excerpts[2]!.id]);
  });

  it('reports write progress up to every row', async () => {
    const db = library();
    const events: InstallProgress[] = [];
    await installPack(db, v1, (p) => events.push(p));
    const last = events.at(-1)!;
    expect(last.phase).toBe('write');
    expect(last.done).toBe(last.total);
    expect(last.total).toBe(3 + buildPackIndex('who', v1.excerpts).postings.size);
  });

  it('leaves the library untouched when the same pack is installed again', async () => {
    const db = library();
    await installPack(db, v1);
    const before = await snapshot(db);
    let outcome: unknown;
    const writes = await countWrites(db, async () => {
      outcome = await installPack(db, makePackParts({ id: 'who', version: '1', excerpts: makeExcerpts(3) }));
    });
    expect(outcome).toBe('unchanged');
    expect(writes).toBe(0);
    expect(await snapshot(db)).toEqual(before);
  });

  it('replaces version 1 by version 2, leaving no row of version 1', async () => {
    const db = library();
    await installPack(db, v1);
    expect(await installPack(db, v2)).toBe('replaced');
    expect(await countRows(db, 'who')).toEqual({
      packs: 1,
      packSearch: 1,
      excerpts: 2,
      postings: buildPackIndex('who', v2.excerpts).postings.size,
    });
    expect((await db.packs.get('who'))!.manifest.version).toBe('2');
    expect((await db.excerpts.toArray()).map((e) => e.id)).toEqual(v2.excerpts.map((e) => e.id));
    expect(await db.postings.where('term').equals('term3').count()).toBe(0);
    expect((await db.packSearch.get('who'))!.docCount).toBe(2);
    expect(await searchIds(db, 'term3')).toEqual([]);
    expect(await searchIds(db, 'edition')).toHaveLength(2);
  });

  it('refuses an older version and keeps the installed one', async () => {
    const db = library();
    await installPack(db, v2);
    const before = await snapshot(db);
    const error = await rejection(installPack(db, v1));
    expect(error.code).toBe('pack/older-version');
    expect(error.details).toMatchObject({ installed: '2', incoming: '1' });
    expect(await snapshot(db)).toEqual(before);
  });

  it('compares versions numerically: 1.10 replaces 1.9', async () => {
    const db = library();
    await installPack(db, makePackParts({ id: 'who', version: '1.9', excerpts: makeExcerpts(3) }));
    expect(await installPack(db, makePackParts({ id: 'who', version: '1.10', excerpts: makeExcerpts(2, { tag: 'x' }) }))).toBe('replaced');
  });

  it('refuses the same version with different content', async () => {
    const db = library();
    await installPack(db, v1);
    const before = await snapshot(db);
    const error = await rejection(
      installPack(db, makePackParts({ id: 'who', version: '1.0', excerpts: makeExcerpts(3, { tag: 'changed' }) })),
    );
    expect(error.code).toBe('pack/version-conflict');
    expect(await snapshot(db)).toEqual(before);
  });

  it('installs packs side by side without touching each other', async () => {
    const db = library();
    await installPack(db, v1);
    const whoRows = await snapshot(db);
    await installPack(db, makePackParts({ id: 'msf', excerpts: makeExcerpts(4, { from: 10 }) }));
    const after = await snapshot(db);
    expect(after.excerpts.filter((e) => e.packId === 'who')).toEqual(whoRows.excerpts);
    expect(after.postings.filter((p) => p.packId === 'who')).toEqual(whoRows.postings);
    expect(await countRows(db, 'msf')).toMatchObject({ packs: 1, packSearch: 1, excerpts: 4 });
  });
});

describe('installPack: a failed import leaves the previous version intact', () => {
  it('(a) a pack whose excerpt N is invalid is refused by readPack before anything is written', async () => {
    const db = library();
    await installPack(db, v1);
    const before = await snapshot(db);
    const file = makePack({ id: 'who', version: '2', excerpts: makeExcerpts(6, { tag: 'two' }) });
    const broken = replaceLine(file, 5, JSON.stringify({ ...lineAsJson(file, 5), language: 'not a language' }));
    const writes = await countWrites(db, async () => {
      const error = await rejection(readPack([broken]).then((pack) => installPack(db, pack)));
      expect(error.details).toMatchObject({ line: 5, field: 'language' });
    });
    expect(writes).toBe(0);
    expect(await snapshot(db)).toEqual(before);
  });

  // The hooks below throw in the middle of the install transaction, after the old version's rows were
  // deleted and part of the new ones written: they simulate the storage failing (quota exceeded, I/O
  // error, tab closed) at that point. The transaction must roll everything back.
  const N = 2050; // in the second batch of 2000 rows: a batch has already been written
  const big = makePackParts({ id: 'who', version: '2', excerpts: makeExcerpts(2100, { tag: 'two' }) });

  async function expectV1Intact(db: LibraryDb, before: Awaited<ReturnType<typeof snapshot>>, hitsBefore: string[]) {
    expect(await snapshot(db)).toEqual(before);
    expect(await countRows(db, 'who')).toMatchObject({ packs: 1, packSearch: 1, excerpts: 3 });
    expect((await db.packs.get('who'))!.manifest.version).toBe('1');
    expect(await searchIds(db, 'term3 condition')).toEqual(hitsBefore);
    expect(await searchIds(db, 'edition')).toEqual([]);
  }

  it('(b) a storage failure while writing excerpt N rolls back to version 1', async () => {
    const db = library();
    await installPack(db, v1);
    const before = await snapshot(db);
    const hitsBefore = await searchIds(db, 'term3 condition');
    expect(hitsBefore[0]).toBe(v1.excerpts[2]!.id);

    const failAtN = (_key: unknown, row: { ordinal: number }) => {
      if (row.ordinal === N) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    db.excerpts.hook('creating', failAtN);
    let failure: unknown;
    try {
      await installPack(db, big);
    } catch (error) {
      failure = error;
    } finally {
      db.excerpts.hook('creating').unsubscribe(failAtN);
    }
    expect(failure).toBeDefined();
    expect(toErrorData(failure).code).toBe('storage/quota-exceeded');
    await expectV1Intact(db, before, hitsBefore);

    // The library is usable afterwards: the same pack installs once storage works again.
    expect(await installPack(db, big)).toBe('replaced');
    expect(await countRows(db, 'who')).toMatchObject({ excerpts: 2100 });
  });

  it('(b) a storage failure while writing postings, after every excerpt, rolls back to version 1', async () => {
    const db = library();
    await installPack(db, v1);
    const before = await snapshot(db);
    const hitsBefore = await searchIds(db, 'term3 condition');

    const failOnTerm = (_key: unknown, row: { term: string }) => {
      if (row.term === 'term2050') throw new Error('I/O error');
    };
    db.postings.hook('creating', failOnTerm);
    try {
      await expect(installPack(db, big)).rejects.toThrow();
    } finally {
      db.postings.hook('creating').unsubscribe(failOnTerm);
    }
    await expectV1Intact(db, before, hitsBefore);
  });
});

describe('removePack', () => {
  it('removes every row of that pack and only of that pack', async () => {
    const db = library();
    await installPack(db, v1);
    await installPack(db, makePackParts({ id: 'msf', excerpts: makeExcerpts(4, { from: 10 }) }));
    const before = await snapshot(db);

    await removePack(db, 'who');

    expect(await countRows(db, 'who')).toEqual({ packs: 0, packSearch: 0, excerpts: 0, postings: 0 });
    const after = await snapshot(db);
    expect(after).toEqual({
      packs: before.packs.filter((p) => p.id === 'msf'),
      packSearch: before.packSearch.filter((p) => p.packId === 'msf'),
      excerpts: before.excerpts.filter((e) => e.packId === 'msf'),
      postings: before.postings.filter((p) => p.packId === 'msf'),
    });
    expect(after.excerpts).toHaveLength(4);
    expect(await searchIds(db, 'term3')).toEqual([]);
    expect(await searchIds(db, 'term12')).toEqual([makeExcerpt(12).id]);
  });

  it('is seen by a store that searched before the removal', async () => {
    const db = library();
    await installPack(db, v1);
    const store = new IndexedDbPostingStore(db);
    expect((await search(store, 'term3')).hits).toHaveLength(1);
    await removePack(db, 'who');
    expect(await store.packs()).toEqual([]);
    expect((await search(store, 'term3')).hits).toEqual([]);
  });
});

describe('IndexedDbPostingStore after an install', () => {
  it('sees a replaced pack even after it cached the pack list', async () => {
    const db = library();
    await installPack(db, v1);
    const store = new IndexedDbPostingStore(db);
    expect((await search(store, 'condition')).hits).toHaveLength(3);
    await installPack(db, makePackParts({ id: 'who', version: '2', excerpts: makeExcerpts(12, { tag: 'two' }) }));
    const { hits } = await search(store, 'term11');
    expect(hits.map((h) => h.ordinal)).toEqual([10]);
    expect((await store.packs())[0]!.docCount).toBe(12);
  });
});
