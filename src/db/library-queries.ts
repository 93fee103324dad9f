import { type SearchOptions, search } from '../core/search/search';
import { type Segment, snippet } from '../core/search/snippet';
import type { IndexedDbPostingStore } from './indexeddb-posting-store';
import { queryTranslation } from './lexicons';
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

export interface LibrarySearchOptions extends SearchOptions {
  /** The UI language: what the question is taken to be written in when it is too short to tell. */
  lang?: string;
}

/**
 * How much an excerpt in the question's language counts over one in another. Its words were searched as
 * typed, at RANKING.untranslatedWeight, and the question's intent (in English section titles) does not
 * reach it, while the other's came through the lexicon at full weight: on a bilingual pack the same
 * guidance scores about three times lower in the question's language, which the boost makes up for.
 */
const SAME_LANGUAGE_BOOST = 3.5;
/** Extra hits looked at, so the boost can lift an excerpt from just below the cut. */
const RERANK_MARGIN = 5;

/**
 * Searches the library in any UI language: a question in another language than the packs' is searched
 * through the lexicon together with its own words; where a pack holds excerpts in several languages,
 * the one in the question's language comes first.
 */
export async function searchLibrary(
  db: LibraryDb,
  store: IndexedDbPostingStore,
  query: string,
  { lang, ...options }: LibrarySearchOptions = {},
): Promise<LibrarySearchResult> {
  const limit = options.limit ?? 10;
  const { language, translation } = await queryTranslation(db, query, lang);
  const { hits, terms } = await search(store, query, { ...options, limit: limit + RERANK_MARGIN, translation });
  const excerpts = await db.excerpts.bulkGet(hits.map((h) => [h.packId, h.ordinal] as [string, number]));
  const termSet = new Set(terms);
  const found = hits.flatMap((h, i) => {
    const excerpt = excerpts[i];
    if (!excerpt) return [];
    const score = excerpt.language.startsWith(language) ? h.score * SAME_LANGUAGE_BOOST : h.score;
    return [{ excerpt, score, snippet: snippet(excerpt.text, termSet) }];
  });
  return { terms, hits: found.sort((a, b) => b.score - a.score).slice(0, limit) };
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
