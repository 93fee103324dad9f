import Dexie from 'dexie';
import { readCorpus } from '../../../src/core/pack/corpus-reader';
import type { SearchOptions } from '../../../src/core/search/search';
import { IndexedDbPostingStore } from '../../../src/db/indexeddb-posting-store';
import { LibraryDb } from '../../../src/db/library-db';
import { searchLibrary } from '../../../src/db/library-queries';
import { installPack } from '../../../src/db/pack-install';
import type { BenchQuery } from '../protocol';
import { CORPUS_OPTIONS, type DisplayedExcerpt, type Engine } from './engine';

const DB_NAME = 'bench-ours';

/** The app's own path: readCorpus + installPack to import, searchLibrary to query. */
export class OursEngine implements Engine {
  private library: { db: LibraryDb; store: IndexedDbPostingStore } | undefined;

  async reset(): Promise<void> {
    this.library?.db.close();
    this.library = undefined;
    await Dexie.delete(DB_NAME);
  }

  async install(corpusText: string): Promise<number> {
    const pack = await readCorpus([corpusText], CORPUS_OPTIONS);
    const db = new LibraryDb(DB_NAME);
    await installPack(db, pack);
    db.close();
    return pack.excerpts.length;
  }

  async indexBytes(): Promise<number> {
    const db = new LibraryDb(DB_NAME);
    let bytes = 0;
    // Terms are JS strings: two bytes a UTF-16 code unit.
    await db.postings.each((row) => {
      bytes += row.term.length * 2 + row.docs.byteLength + row.impacts.byteLength;
    });
    for (const meta of await db.packSearch.toArray()) {
      bytes += meta.sourceOf.byteLength + meta.groupOf.byteLength;
      for (const source of meta.sources) bytes += source.length * 2;
    }
    db.close();
    return bytes;
  }

  async open(): Promise<void> {
    const db = new LibraryDb(DB_NAME);
    await db.open();
    this.library = { db, store: new IndexedDbPostingStore(db) };
  }

  async query({ query, lang }: BenchQuery, limit: number): Promise<DisplayedExcerpt[]> {
    if (!this.library) throw new Error('ours: open() first');
    const options: SearchOptions & { lang?: string } = { limit };
    if (lang) options.lang = lang;
    const { hits } = await searchLibrary(this.library.db, this.library.store, query, options);
    return hits.map((h) => h.excerpt);
  }
}
