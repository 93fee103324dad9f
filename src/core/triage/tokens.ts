import { foldText } from '../text/fold';

export interface Token {
  /** Folded word, or the digits of a number as typed. */
  text: string;
  /** Value of a number ("38,5" → 38.5); for a ratio such as "160/110", the first part. */
  value?: number;
  /** Second part of a ratio: "160/110", "16/11", "13/15". */
  over?: number;
  /** Written after ">" or "≥": "CRT >3 s". */
  above?: boolean;
  percent?: boolean;
  degrees?: boolean;
  /** Clause number: punctuation and new lines end a clause, and a negation with it. */
  clause: number;
}

// Eastern Arabic and Persian digits, as typed on Arabic keyboards, read as ASCII digits.
const ARABIC_DIGITS = /[\u0660-\u0669\u06f0-\u06f9]/g;
const digitOf = (ch: string): string => String(ch.charCodeAt(0) & 0xf);

/**
 * foldText plus what triage needs on top: ASCII digits, "œ" as "oe" ("œdème"), and English
 * contractions kept whole ("can't" → "cant", the way people type it without the apostrophe).
 */
export function normalize(text: string): string {
  return foldText(text)
    .replace(ARABIC_DIGITS, digitOf)
    .replace(/\u066b/g, '.')
    .replace(/\u066a/g, '%')
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/n['’ʼ]t(?![\p{L}])/gu, 'nt');
}

// A number (with its comparator, decimal, ratio and unit sign), a run of letters, or punctuation that
// ends a clause. Letters and digits are split ("RR64", "3yo", "10.5cm"), unlike words() in text/.
const TOKEN = /([<>≥≤])?[ \t]*(\d+(?:[.,]\d+)?)(?:[ \t]*\/[ \t]*(\d+(?:[.,]\d+)?))?([ \t]*[%°])?|\p{L}+|[.;!?,\n\r،؛؟]/gu;
const CLAUSE_END = /^[.;!?,\n\r،؛؟]$/u;
const numberOf = (digits: string): number => Number(digits.replace(',', '.'));

/** Splits text into folded words and numbers, each with its clause. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let clause = 0;
  for (const m of normalize(text).matchAll(TOKEN)) {
    const [whole, comparator, digits, over, sign] = m;
    if (digits !== undefined) {
      const token: Token = { text: digits, value: numberOf(digits), clause };
      if (over !== undefined) token.over = numberOf(over);
      if (comparator === '>' || comparator === '≥') token.above = true;
      if (sign?.includes('%')) token.percent = true;
      if (sign?.includes('°')) token.degrees = true;
      tokens.push(token);
    } else if (CLAUSE_END.test(whole)) {
      clause++;
    } else {
      tokens.push({ text: whole, clause });
    }
  }
  return tokens;
}
