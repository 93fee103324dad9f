import { stemmer } from 'stemmer';
import { ENGLISH_STOP_WORDS } from './stopwords-en';
import { tokenize, words } from './tokenize';

/** Index and query terms must come from the same function, or nothing matches. */
export function termOf(word: string): string | null {
  if (ENGLISH_STOP_WORDS.has(word)) return null;
  if (word.length === 1 && !/\d/.test(word)) return null;
  // The Porter stemmer is defined for English letters only; other scripts pass through folded.
  return /^[a-z]+$/.test(word) && word.length > 2 ? stemmer(word) : word;
}

/** Terms of a text for indexing, stop words removed, in order, with repeats. */
export function analyze(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    const t = termOf(w);
    if (t) out.push(t);
  }
  return out;
}

/** Each term with where it occurs in the original text, for highlighting matches. */
export function analyzeWithPositions(text: string): { term: string; start: number; end: number }[] {
  const out: { term: string; start: number; end: number }[] = [];
  for (const tok of tokenize(text)) {
    const t = termOf(tok.term);
    if (t) out.push({ term: t, start: tok.start, end: tok.end });
  }
  return out;
}
