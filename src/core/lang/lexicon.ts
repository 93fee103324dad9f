import { analyzeForeign } from './analyze-query';
import type { Lexicon, LexiconEntry, LexiconLanguage } from './lexicon-schema';
import { normalizeFor } from './normalize';

/** A lexicon ready to look words up: its phrases keyed by their stems, longest first. */
export interface CompiledLexicon {
  language: LexiconLanguage;
  /** Space-joined stems of a source phrase → the English it means. */
  phrases: Map<string, string[]>;
  /** The most words a phrase has: how far a lookup looks ahead. */
  longest: number;
  /** Normalized endings, longest first. */
  suffixRules: { from: string; to: string[] }[];
}

/** A question in another language, as English words to search the pack with. */
export interface QueryTranslation {
  /** English words and phrases the lexicon gave, in the question's order. */
  mapped: string[];
  /** Words the lexicon lacks, with a cognate ending put in their place (`lymphoblastique` → `lymphoblastic`). */
  cognates: string[];
  /** Words the lexicon lacks, as typed (normalized): drug and disease names often match as they are. */
  unmatched: string[];
  /** Words the lexicon knows, as typed: they find excerpts written in the question's own language. */
  known: string[];
}

const key = (stems: readonly string[]) => stems.join(' ');

/**
 * Compiles a language's lexicon with any additions (from guideline packs): an addition's entry for a
 * phrase the base already has adds its English meanings, it never removes any.
 */
export function compileLexicon(
  language: LexiconLanguage,
  base: Lexicon | undefined,
  additions: readonly LexiconEntry[][] = [],
): CompiledLexicon {
  const phrases = new Map<string, string[]>();
  let longest = 1;
  for (const entry of [...(base?.entries ?? []), ...additions.flat()]) {
    for (const term of entry.terms) {
      const stems = analyzeForeign(language, term).map((t) => t.stem);
      if (stems.length === 0) continue;
      const k = key(stems);
      phrases.set(k, [...new Set([...(phrases.get(k) ?? []), ...entry.en])]);
      longest = Math.max(longest, stems.length);
    }
  }
  const suffixRules = (base?.suffixRules ?? [])
    .map((r) => ({ from: normalizeFor(language, r.from), to: r.to }))
    .sort((a, b) => b.from.length - a.from.length);
  return { language, phrases, longest, suffixRules };
}

/**
 * The question's words mapped to English: the longest phrase the lexicon knows at each position
 * (so "cancer du sein" is "breast cancer", not "cancer" and "breast" apart), then for each word it does
 * not know, its cognate by ending, and the word itself.
 */
export function translateQuery(lexicon: CompiledLexicon, text: string): QueryTranslation {
  const tokens = analyzeForeign(lexicon.language, text);
  const out: QueryTranslation = { mapped: [], cognates: [], unmatched: [], known: [] };
  for (let i = 0; i < tokens.length; ) {
    let matched = 0;
    for (let n = Math.min(lexicon.longest, tokens.length - i); n > 0 && !matched; n--) {
      const en = lexicon.phrases.get(key(tokens.slice(i, i + n).map((t) => t.stem)));
      if (en) {
        out.mapped.push(...en);
        matched = n;
      }
    }
    if (matched) {
      out.known.push(...tokens.slice(i, i + matched).map((t) => t.word));
      i += matched;
      continue;
    }
    const { word } = tokens[i]!;
    out.unmatched.push(word);
    const rule = lexicon.suffixRules.find((r) => word.length > r.from.length + 2 && word.endsWith(r.from));
    if (rule) for (const ending of rule.to) out.cognates.push(word.slice(0, -rule.from.length) + ending);
    i += 1;
  }
  return out;
}
