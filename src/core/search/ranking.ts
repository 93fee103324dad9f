/** BM25 parameters and field weights, tuned on the MedQuAD dev questions (see bench/README). */
export const RANKING = {
  k1: 1.2,
  b: 0.75,
  /** How much one occurrence in a field counts against one in the excerpt text. */
  titleWeight: 3,
  sectionWeight: 2,
  /** Weight of a query's intent matching an excerpt's section ("how is it diagnosed" → Exams and tests). */
  intentWeight: 1.5,
  /** Weight of a term that stands in for a misspelled one. */
  fuzzyWeight: 0.7,
  /** Weight of terms added by expanding an abbreviation. */
  expansionWeight: 0.9,
  /** A foreign word with an English ending put in its place: often the English word, sometimes not. */
  cognateWeight: 0.8,
  /** A foreign word the lexicon does not know, searched as typed: names and drugs match, other words rarely. */
  untranslatedWeight: 0.6,
} as const;

/** Prefix that marks terms indexed from section titles, so a query intent can target them. */
export const SECTION_PREFIX = '§';

/** Largest impact, for quantizing BM25 term-frequency factors into one byte. */
export const MAX_IMPACT = RANKING.k1 + 1;

export function quantizeImpact(value: number): number {
  return Math.max(1, Math.min(255, Math.round((value / MAX_IMPACT) * 255)));
}

export function dequantizeImpact(byte: number): number {
  return (byte / 255) * MAX_IMPACT;
}

export function idf(docCount: number, docFrequency: number): number {
  return Math.log(1 + (docCount - docFrequency + 0.5) / (docFrequency + 0.5));
}
