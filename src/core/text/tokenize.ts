import { foldText } from './fold';

export interface Token {
  /** Folded form used for matching. */
  term: string;
  /** Offsets into the original text, for highlighting. */
  start: number;
  end: number;
}

// Letters and digits, keeping internal hyphens and dots out: "h1n1" and "1q21" stay whole.
const WORD = /[\p{L}\p{N}]+/gu;

/** Splits text into folded word tokens with their positions in the original string. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(WORD)) {
    const start = match.index;
    tokens.push({ term: foldText(match[0]), start, end: start + match[0].length });
  }
  return tokens;
}

/** Folded word list without positions: the fast path for indexing. */
export function words(text: string): string[] {
  return foldText(text).match(WORD) ?? [];
}
