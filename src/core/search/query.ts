import type { QueryTranslation } from '../lang/lexicon';
import { termOf } from '../text/analyze';
import { words } from '../text/tokenize';
import { ABBREVIATIONS } from './abbreviations-en';
import { DEFAULT_INTENT_SECTIONS, SECTION_INTENTS } from './intents-en';
import { RANKING, SECTION_PREFIX } from './ranking';

export interface QueryTerm {
  term: string;
  weight: number;
  /** Guessed by the parser (joined words): used if indexed, never spelling-corrected. */
  speculative?: boolean;
  /** A word of another language kept as typed, or with a cognate ending: may be spelled the English way in the index. */
  foreign?: boolean;
}

export interface ParsedQuery {
  /** Content terms, with weights: the question sentence counts more than a story before it. */
  terms: QueryTerm[];
  /** Section-title terms the question's intent points to, prefixed with SECTION_PREFIX. */
  intents: QueryTerm[];
}

const STORY_WEIGHT = 0.6;

const stems = (phrase: string) => words(phrase).map((w) => termOf(w) ?? w);
const INTENTS = SECTION_INTENTS.map(({ cues, sections }) => ({
  cues: cues.map((c) => ` ${words(c).join(' ')} `),
  sections: sections.flatMap(stems),
}));
const DEFAULT_INTENTS = DEFAULT_INTENT_SECTIONS.flatMap(stems);

/**
 * Turns a question as people type it into weighted terms: abbreviations expanded, the story before
 * the question weighted down, and what it asks about ("symptoms", "how is it diagnosed") turned into
 * section-title terms.
 */
export function parseQuery(query: string): ParsedQuery {
  const sentences = query.split(/(?<=[.!?\n])\s+/).filter((s) => s.trim());
  const lastQuestion = findLastIndex(sentences, (s) => s.includes('?'));
  const weights = new Map<string, number>();
  const speculative = new Set<string>();
  const put = (term: string, weight: number) => weights.set(term, Math.max(weights.get(term) ?? 0, weight));

  sentences.forEach((sentence, i) => {
    const base = lastQuestion < 0 || i >= lastQuestion ? 1 : STORY_WEIGHT;
    const sentenceWords = words(sentence);
    sentenceWords.forEach((w, j) => {
      const expansion = ABBREVIATIONS[w];
      if (expansion) for (const t of stems(expansion)) put(t, base * RANKING.expansionWeight);
      const t = termOf(w);
      if (t) put(t, base);
      // "chicken pox", "bed wetting": the joined form is tried too; it matches only if indexed.
      const next = sentenceWords[j + 1];
      const joined = t && next && termOf(next) && /^\p{L}+$/u.test(w + next) ? termOf(w + next) : null;
      if (joined && !weights.has(joined)) {
        put(joined, base * RANKING.expansionWeight);
        speculative.add(joined);
      }
    });
  });

  const question = ` ${words(lastQuestion < 0 ? query : sentences.slice(lastQuestion).join(' ')).join(' ')} `;
  const sectionTerms = new Set<string>();
  for (const intent of INTENTS) {
    if (intent.cues.some((cue) => question.includes(cue))) for (const s of intent.sections) sectionTerms.add(s);
  }
  if (sectionTerms.size === 0) for (const s of DEFAULT_INTENTS) sectionTerms.add(s);

  return {
    terms: [...weights].map(([term, weight]) => (speculative.has(term) ? { term, weight, speculative: true } : { term, weight })),
    intents: [...sectionTerms].map((s) => ({ term: SECTION_PREFIX + s, weight: RANKING.intentWeight })),
  };
}

/**
 * A question in another language, from its lexicon translation: the English the lexicon gave at full
 * weight (its question words decide the intent), the cognates and the words as typed below it, all in
 * one ranking, so a drug or disease name typed as in English still matches, and so does an excerpt in
 * the question's own language.
 */
export function parseTranslated({ mapped, cognates, unmatched, known }: QueryTranslation): ParsedQuery {
  const weights = new Map<string, QueryTerm>();
  const merge = (parsed: ParsedQuery, factor: number, kind: 'english' | 'foreign' | 'as-typed') => {
    for (const t of parsed.terms) {
      const weight = t.weight * factor;
      const current = weights.get(t.term);
      if (current && current.weight >= weight) continue;
      if (kind === 'english') weights.set(t.term, { ...t, weight });
      // Words the lexicon knew are searched as they are, if indexed: no spelling to correct or look up.
      else if (kind === 'as-typed') weights.set(t.term, { ...t, weight, speculative: true });
      else weights.set(t.term, t.speculative ? { ...t, weight } : { ...t, weight, foreign: true });
    }
  };
  const english = parseQuery(mapped.join(' '));
  merge(english, 1, 'english');
  merge(parseQuery(cognates.join(' ')), RANKING.cognateWeight, 'foreign');
  merge(parseQuery(unmatched.join(' ')), RANKING.untranslatedWeight, 'foreign');
  // Known words as typed: a pack may hold excerpts in the question's language (which the search then
  // prefers, src/db/library-queries.ts).
  merge(parseQuery(known.join(' ')), RANKING.untranslatedWeight, 'as-typed');
  return { terms: [...weights.values()], intents: english.intents };
}

function findLastIndex<T>(items: T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}
