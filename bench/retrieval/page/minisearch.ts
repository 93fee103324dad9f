import MiniSearch, { type Options } from 'minisearch';
import { readCorpus } from '../../../src/core/pack/corpus-reader';
import type { Excerpt } from '../../../src/core/pack/pack-schema';
import type { BenchQuery } from '../protocol';
import { CORPUS_OPTIONS, type DisplayedExcerpt, type Engine } from './engine';
import { committed, deleteDatabase, openDatabase, requested } from './idb';

const DB_NAME = 'bench-minisearch';
const INDEX = 'index';
const EXCERPTS = 'excerpts';
const INDEX_KEY = 'main';

type Doc = Excerpt & { ordinal: number };

/**
 * MiniSearch's defaults (BM25, its own tokenizer, no stemming or stop words) with a title boost.
 * Only docId and section are stored in the index: enough to show each section once, as ours does;
 * the excerpts to display are read from IndexedDB like ours reads them.
 */
const OPTIONS: Options<Doc> = {
  idField: 'ordinal',
  fields: ['docTitle', 'section', 'text'],
  storeFields: ['docId', 'section'],
  searchOptions: { boost: { docTitle: 2 } },
};

function upgrade(db: IDBDatabase): void {
  db.createObjectStore(INDEX);
  db.createObjectStore(EXCERPTS, { keyPath: 'ordinal' });
}

const openDb = () => openDatabase(DB_NAME, 1, upgrade);

export class MiniSearchEngine implements Engine {
  private loaded: { db: IDBDatabase; index: MiniSearch<Doc> } | undefined;
  private jsonBytes = 0;

  async reset(): Promise<void> {
    this.loaded?.db.close();
    this.loaded = undefined;
    await deleteDatabase(DB_NAME);
  }

  async install(corpusText: string): Promise<number> {
    const { excerpts } = await readCorpus([corpusText], CORPUS_OPTIONS);
    const docs: Doc[] = excerpts.map((e, ordinal) => ({ ...e, ordinal }));
    const index = new MiniSearch<Doc>(OPTIONS);
    index.addAll(docs);
    const json = JSON.stringify(index);
    const db = await openDb();
    const tx = db.transaction([INDEX, EXCERPTS], 'readwrite');
    tx.objectStore(INDEX).put(json, INDEX_KEY);
    const store = tx.objectStore(EXCERPTS);
    for (const doc of docs) store.put(doc);
    await committed(tx);
    db.close();
    this.jsonBytes = new TextEncoder().encode(json).byteLength;
    return docs.length;
  }

  async indexBytes(): Promise<number> {
    return this.jsonBytes;
  }

  async open(): Promise<void> {
    const db = await openDb();
    const json = await requested(db.transaction(INDEX).objectStore(INDEX).get(INDEX_KEY));
    if (typeof json !== 'string') throw new Error('minisearch: no index stored; import first');
    this.loaded = { db, index: MiniSearch.loadJSON<Doc>(json, OPTIONS) };
  }

  async query({ query }: BenchQuery, limit: number): Promise<DisplayedExcerpt[]> {
    if (!this.loaded) throw new Error('minisearch: open() first');
    // Best chunk per document section, as ours groups them: the rest would repeat one answer.
    const seen = new Set<string>();
    const ordinals: number[] = [];
    for (const r of this.loaded.index.search(query)) {
      const key = `${r.docId}\u0000${r.section}`;
      if (seen.has(key)) continue;
      seen.add(key);
      ordinals.push(r.id as number);
      if (ordinals.length === limit) break;
    }
    const store = this.loaded.db.transaction(EXCERPTS).objectStore(EXCERPTS);
    return Promise.all(ordinals.map((o) => requested(store.get(o) as IDBRequest<Doc>)));
  }
}
