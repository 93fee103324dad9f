import { foldText } from '../text/fold';
import type { LexiconLanguage } from './lexicon-schema';

/** The languages a question can be in: the lexicon languages and English, the packs' own. */
export type TextLanguage = 'en' | LexiconLanguage;

// Curly quotes, modifier letters and accents typed in place of an apostrophe. U+02BC is a letter, so
// left alone it would glue "l'" to its word; U+00B4 would decompose into a space and a mark.
const APOSTROPHES = /[\u2018\u2019\u02BC\u02B9\u0060\u00B4\u2032]/g;
// French elided articles, pronouns and conjunctions: "l'hypertension", "qu'est-ce", "jusqu'à".
const FRENCH_ELISION = /(?<![\p{L}\p{N}])(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)'(?=\p{L})/gu;
// Swahili "ng'" is a letter (ng'ombe); people write it with or without the apostrophe, so it goes.
const SWAHILI_NG = /ng'(?=\p{L})/gu;
// Ligatures NFKD leaves whole: "œdème", "cœur".
const LIGATURES = /[œæ]/g;
const LIGATURE_LETTERS: Record<string, string> = { œ: 'oe', æ: 'ae' };
// Arabic-Indic (U+0660–0669) and Persian (U+06F0–06F9) digits, both typed on Arabic keyboards; each
// block starts at a multiple of 16, so the low four bits are the digit.
const EASTERN_DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/g;
// Arabic comma, semicolon and question mark: word separators like their Latin counterparts.
const ARABIC_PUNCTUATION = /[\u060C\u061B\u061F]/g;

/**
 * The form a language's words are compared in: lower case, compatibility forms (NFKD) with every
 * combining mark removed (accents, cedillas, Arabic tashkeel), Arabic letter variants and tatweel
 * folded (foldText), Eastern digits as ASCII, and the apostrophe conventions of the language undone.
 * Stop words, stems and lexicon terms are all written in this form.
 */
export function normalizeFor(language: TextLanguage, text: string): string {
  let out = foldText(text.replace(APOSTROPHES, "'"))
    .replace(LIGATURES, (ch) => LIGATURE_LETTERS[ch] ?? ch)
    .replace(EASTERN_DIGITS, (d) => String(d.charCodeAt(0) % 16))
    .replace(ARABIC_PUNCTUATION, ' ');
  if (language === 'fr') out = out.replace(FRENCH_ELISION, '');
  else if (language === 'sw') out = out.replace(SWAHILI_NG, 'ng');
  return out;
}
