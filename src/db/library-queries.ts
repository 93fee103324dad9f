import { type SearchOptions, search } from '../core/search/search';
import { type Segment, snippet } from '../core/search/snippet';
import type { IndexedDbPostingStore } from './indexeddb-posting-store';
import type { LibraryDb, StoredExcerpt } from './library-db';

export interface LibraryHit {
  excerpt: StoredExcerpt;
  score: number;
  snippet: Segment[];
}

export interface LibrarySearchResult {
  hits: LibraryHit[];
  /** Matched terms, for highlighting the excerpt when it is opened. */
  terms: string[];
}

export async function searchLibrary(
  db: LibraryDb,
  store: IndexedDbPostingStore,
  query: string,
  options: SearchOptions = {},
): Promise<LibrarySearchResult> {
  const { hits, terms } = await search(store, query, options);
  const excerpts = await db.excerpts.bulkGet(hits.map((h) => [h.packId, h.ordinal] as [string, number]));
  const termSet = new Set(terms);
  return {
    terms,
    hits: hits.flatMap((h, i) => {
      const excerpt = excerpts[i];
      return excerpt ? [{ excerpt, score: h.score, snippet: snippet(excerpt.text, termSet) }] : [];
    }),
  };
}

/** Every excerpt of a document, in the order of the pack, for reading one in its context. */
export async function documentOf(db: LibraryDb, packId: string, docId: string): Promise<StoredExcerpt[]> {
  const rows = await db.excerpts.where('[packId+docId]').equals([packId, docId]).toArray();
  return rows.sort((a, b) => a.ordinal - b.ordinal);
}

/** Source names across installed packs, for the filter. */
export async function sourceNames(db: LibraryDb): Promise<string[]> {
  const metas = await db.packSearch.toArray();
  return [...new Set(metas.flatMap((m) => m.sources))].sort();
}
