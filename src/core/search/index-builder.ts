import { analyze } from '../text/analyze';
import { dequantizeImpact, quantizeImpact, RANKING, SECTION_PREFIX } from './ranking';

export interface IndexableExcerpt {
  docId: string;
  docTitle: string;
  section: string;
  text: string;
  source: string;
}

export interface PostingList {
  /** Excerpt ordinals within the pack, ascending. */
  docs: Uint32Array;
  /** Quantized BM25 term-frequency factor for each doc (see ranking.ts). */
  impacts: Uint8Array;
}

/** What a search needs about a pack besides its postings: small enough to keep in memory. */
export interface PackSearchMeta {
  packId: string;
  docCount: number;
  /** Names of the sources its excerpts cite; `sourceOf` indexes into it. */
  sources: string[];
  sourceOf: Uint16Array;
  /** Excerpts of the same document section share a group, so results show each section once. */
  groupOf: Uint32Array;
}

export interface PackIndex {
  meta: PackSearchMeta;
  postings: Map<string, PostingList>;
}

/**
 * Builds a pack's inverted index. Title and section words are counted into every excerpt of the
 * document with extra weight, so an excerpt deep in "Treatment" still matches the disease's name.
 * Scores are precomputed per posting (impact-ordered BM25), leaving only idf for query time.
 */
export function buildPackIndex(packId: string, excerpts: readonly IndexableExcerpt[]): PackIndex {
  const { k1, b, titleWeight, sectionWeight } = RANKING;
  const termCounts: Map<string, number>[] = [];
  const lengths = new Float64Array(excerpts.length);
  const sources: string[] = [];
  const sourceOf = new Uint16Array(excerpts.length);
  const groupOf = new Uint32Array(excerpts.length);
  const groups = new Map<string, number>();
  const titleTerms = new Map<string, string[]>();

  excerpts.forEach((e, i) => {
    const counts = new Map<string, number>();
    const add = (term: string, weight: number) => counts.set(term, (counts.get(term) ?? 0) + weight);
    let title = titleTerms.get(e.docTitle);
    if (!title) {
      title = analyze(e.docTitle);
      titleTerms.set(e.docTitle, title);
    }
    for (const t of title) add(t, titleWeight);
    const sectionTerms = analyze(e.section);
    for (const t of sectionTerms) add(t, sectionWeight);
    for (const t of new Set(sectionTerms)) counts.set(SECTION_PREFIX + t, 1);
    const textTerms = analyze(e.text);
    for (const t of textTerms) add(t, 1);
    termCounts.push(counts);
    lengths[i] = textTerms.length + title.length * titleWeight + sectionTerms.length * sectionWeight;

    let s = sources.indexOf(e.source);
    if (s < 0) s = sources.push(e.source) - 1;
    sourceOf[i] = s;
    const groupKey = `${e.docId}\u0000${e.section}`;
    if (!groups.has(groupKey)) groups.set(groupKey, groups.size);
    groupOf[i] = groups.get(groupKey)!;
  });

  const avgLength = lengths.reduce((a, l) => a + l, 0) / Math.max(1, excerpts.length);
  const building = new Map<string, { docs: number[]; impacts: number[] }>();
  termCounts.forEach((counts, doc) => {
    const norm = k1 * (1 - b + (b * lengths[doc]!) / avgLength);
    for (const [term, tf] of counts) {
      let list = building.get(term);
      if (!list) {
        list = { docs: [], impacts: [] };
        building.set(term, list);
      }
      list.docs.push(doc);
      // Section-intent terms mark membership only: every excerpt of the section scores alike.
      const impact = term.startsWith(SECTION_PREFIX) ? dequantizeImpact(255) / 2 : (tf * (k1 + 1)) / (tf + norm);
      list.impacts.push(quantizeImpact(impact));
    }
  });

  const postings = new Map<string, PostingList>();
  for (const [term, list] of building) {
    postings.set(term, { docs: Uint32Array.from(list.docs), impacts: Uint8Array.from(list.impacts) });
  }
  return { meta: { packId, docCount: excerpts.length, sources, sourceOf, groupOf }, postings };
}
