import type { QueryTranslation } from '../lang/lexicon';
import { spellingCognates } from './cognates';
import { closestTerms } from './fuzzy';
import type { PackSearchMeta, PostingList } from './index-builder';
import { parseQuery, parseTranslated, type QueryTerm } from './query';
import { dequantizeImpact, idf, RANKING, SECTION_PREFIX } from './ranking';

/** Where postings live: IndexedDB in the app, memory in tests and on the server. */
export interface PostingStore {
  /** Search metadata of every installed pack; cheap after the first call. */
  packs(): Promise<PackSearchMeta[]>;
  /** Postings of these terms, per pack. */
  postings(terms: readonly string[]): Promise<{ packId: string; term: string; list: PostingList }[]>;
  /** Indexed terms starting with a prefix, in order, at most `limit`. */
  termsWithPrefix(prefix: string, limit: number): Promise<string[]>;
}

export interface SearchOptions {
  limit?: number;
  /** Only excerpts citing one of these sources. */
  sources?: readonly string[];
  /** The question's words in the packs' language, when it was asked in another (src/core/lang/lexicon.ts). */
  translation?: QueryTranslation;
}

export interface SearchHit {
  packId: string;
  /** Excerpt ordinal within its pack. */
  ordinal: number;
  score: number;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Every term the query was matched with, misspelling corrections and expansions included. */
  terms: string[];
}

const FUZZY_PREFIX = 2;
const FUZZY_SCAN_LIMIT = 5000;

/** Ranks excerpts for a question: BM25 over weighted fields, plus the question's section intent. */
export async function search(store: PostingStore, query: string, options: SearchOptions = {}): Promise<SearchResult> {
  const limit = options.limit ?? 10;
  if (limit <= 0) return { hits: [], terms: [] };
  const { terms, intents } = options.translation ? parseTranslated(options.translation) : parseQuery(query);
  if (terms.length === 0) return { hits: [], terms: [] };
  const packs = await store.packs();
  const docCount = packs.reduce((n, p) => n + p.docCount, 0);
  if (docCount === 0) return { hits: [], terms: [] };

  const fetched = await store.postings([...terms, ...intents].map((t) => t.term));
  const found = new Set(fetched.map((p) => p.term));
  // Words guessed by the parser (joined pairs) are tried as they are, never spelling-corrected.
  // A word of another language is no misspelled English: it is looked up by its English spelling instead.
  const unknown = terms.filter((t) => !found.has(t.term) && !t.speculative);
  const corrections = [
    ...(await correctMisspellings(
      store,
      unknown.filter((t) => !t.foreign),
    )),
    ...(await englishSpellings(store, unknown)),
  ];
  if (corrections.length) fetched.push(...(await store.postings(corrections.map((t) => t.term))));

  const weights = new Map([...terms, ...intents, ...corrections].map((t) => [t.term, t.weight]));
  const df = new Map<string, number>();
  for (const p of fetched) df.set(p.term, (df.get(p.term) ?? 0) + p.list.docs.length);

  const byPack = new Map(packs.map((p) => [p.packId, new PackScores(p)]));
  // Content terms first: intent terms only re-rank excerpts that already match the question.
  fetched.sort(
    (a, b) =>
      Number(a.term.startsWith(SECTION_PREFIX)) - Number(b.term.startsWith(SECTION_PREFIX)) ||
      compare(a.term, b.term) ||
      compare(a.packId, b.packId),
  );
  for (const { packId, term, list } of fetched) {
    const isIntent = term.startsWith(SECTION_PREFIX);
    // How rare a section title is says nothing about relevance: intent terms get no idf.
    const termWeight = (weights.get(term) ?? 0) * (isIntent ? 1 : idf(docCount, df.get(term)!));
    byPack.get(packId)?.add(list, termWeight, isIntent);
  }

  const hits = topHits(byPack, limit, options.sources);
  return { hits, terms: [...weights.keys()].filter((t) => !t.startsWith(SECTION_PREFIX)) };
}

/** Score accumulator for one pack: a dense array, since postings can cover most of a pack. */
class PackScores {
  readonly scores: Float64Array;
  readonly touched: number[] = [];

  constructor(readonly meta: PackSearchMeta) {
    this.scores = new Float64Array(meta.docCount);
  }

  add({ docs, impacts }: PostingList, weight: number, onlyExisting: boolean): void {
    const scores = this.scores;
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i]!;
      const current = scores[doc]!;
      if (current === 0) {
        if (onlyExisting) continue;
        this.touched.push(doc);
      }
      scores[doc] = current + weight * dequantizeImpact(impacts[i]!);
    }
  }
}

function topHits(byPack: Map<string, PackScores>, limit: number, sources?: readonly string[]): SearchHit[] {
  const allowed = sources?.length ? new Set(sources) : null;
  const top: SearchHit[] = [];
  for (const { meta, scores, touched } of byPack.values()) {
    // Best excerpt per document section: three chunks of one section are one answer, not three.
    const bestOfGroup = new Map<number, number>();
    for (const ordinal of touched) {
      if (allowed && !allowed.has(meta.sources[meta.sourceOf[ordinal]!]!)) continue;
      const group = meta.groupOf[ordinal]!;
      const current = bestOfGroup.get(group);
      if (current === undefined || scores[current]! < scores[ordinal]!) bestOfGroup.set(group, ordinal);
    }
    // Keep only the best `limit` by insertion: sorting every match costs more than scoring them.
    for (const ordinal of bestOfGroup.values()) {
      const hit = { packId: meta.packId, ordinal, score: scores[ordinal]! };
      if (top.length === limit && rank(top[limit - 1]!, hit) <= 0) continue;
      let i = top.length;
      while (i > 0 && rank(top[i - 1]!, hit) > 0) i--;
      top.splice(i, 0, hit);
      if (top.length > limit) top.pop();
    }
  }
  return top;
}

/** Higher score first; ties broken the same way whatever the store or the word order. */
const rank = (a: SearchHit, b: SearchHit) => b.score - a.score || compare(a.packId, b.packId) || a.ordinal - b.ordinal;

/** For words typed in another language, the index's English spelling of the same word (f/ph, i/y, …). */
async function englishSpellings(store: PostingStore, unknown: QueryTerm[]): Promise<QueryTerm[]> {
  const foreign = unknown.filter((t) => t.foreign);
  const found = await spellingCognates(
    store,
    foreign.map((t) => t.term),
  );
  return foreign.flatMap(({ term, weight }) => (found.get(term) ?? []).map((match) => ({ term: match, weight })));
}

async function correctMisspellings(store: PostingStore, unknown: QueryTerm[]): Promise<QueryTerm[]> {
  const out: QueryTerm[] = [];
  for (const { term, weight } of unknown) {
    if (term.length < 4 || /\d/.test(term)) continue;
    const vocabulary = await store.termsWithPrefix(term.slice(0, FUZZY_PREFIX), FUZZY_SCAN_LIMIT);
    for (const match of closestTerms(term, vocabulary)) out.push({ term: match, weight: weight * RANKING.fuzzyWeight });
  }
  return out;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
