import type { LexiconLanguage } from './lexicon-schema';
import { normalizeFor } from './normalize';
import { lightStem } from './stem';
import { isStopWord, QUESTION_PHRASES } from './stopwords';

/** A word of a question or of a lexicon term: as normalized, and its light stem. */
export interface QueryToken {
  word: string;
  stem: string;
}

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * The words of a text in `language` that can mean something, in their order: normalized, stop words
 * and lone letters dropped, question phrases ("por qué", "kwa nini") kept whole. Lexicon terms go
 * through the same function, so a phrase matches as the run of stems it leaves ("mal de tête" → mal tete).
 */
export function analyzeForeign(language: LexiconLanguage, text: string): QueryToken[] {
  const words = normalizeFor(language, text).match(WORD) ?? [];
  const kept = questionPhrasePositions(language, words);
  const out: QueryToken[] = [];
  words.forEach((word, i) => {
    const meaningless = isStopWord(language, word) || (word.length === 1 && !/\d/.test(word));
    if (!meaningless || kept.has(i)) out.push({ word, stem: lightStem(language, word) });
  });
  return out;
}

function questionPhrasePositions(language: LexiconLanguage, words: readonly string[]): Set<number> {
  const kept = new Set<number>();
  for (const phrase of QUESTION_PHRASES[language]) {
    for (let i = 0; i + phrase.length <= words.length; i++) {
      if (phrase.every((w, j) => words[i + j] === w)) for (let j = 0; j < phrase.length; j++) kept.add(i + j);
    }
  }
  return kept;
}
