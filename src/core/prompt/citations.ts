export type AnswerSegment = { text: string } | { cite: number };

export interface ParsedAnswer {
  /** The answer in order: text, and each citation where it stands. */
  segments: AnswerSegment[];
  /** Source numbers cited, in order of first citation. */
  cited: number[];
}

// Western and Arabic-Indic digits, and the Arabic comma: models answering in Arabic write them too.
const DIGITS = '[0-9\u0660-\u0669\u06F0-\u06F9]+';
const SEPARATOR = '\\s*[,،;]\\s*';
const CITATION = new RegExp(`\\[\\s*(${DIGITS}(?:${SEPARATOR}${DIGITS})*)\\s*\\]`, 'g');

/**
 * Splits an answer into text and citations ([1], [2, 3], [1][2]) for rendering them as links. A bracket
 * citing a number that is not a source stays text, whole. Safe on a streaming answer: an unclosed "[1"
 * stays text until its "]" arrives, since it may yet become "[12]".
 */
export function parseCitations(answer: string, sourceCount: number): ParsedAnswer {
  const segments: AnswerSegment[] = [];
  const cited: number[] = [];
  let at = 0;
  for (const match of answer.matchAll(CITATION)) {
    const numbers = [...new Set(match[1]!.split(new RegExp(SEPARATOR)).map(toNumber))];
    if (!numbers.every((n) => n >= 1 && n <= sourceCount)) continue;
    if (match.index > at) segments.push({ text: answer.slice(at, match.index) });
    for (const n of numbers) {
      segments.push({ cite: n });
      if (!cited.includes(n)) cited.push(n);
    }
    at = match.index + match[0].length;
  }
  if (at < answer.length) segments.push({ text: answer.slice(at) });
  return { segments, cited };
}

function toNumber(digits: string): number {
  let n = 0;
  for (const char of digits) {
    const code = char.charCodeAt(0);
    n = n * 10 + (code >= 0x06f0 ? code - 0x06f0 : code >= 0x0660 ? code - 0x0660 : code - 48);
  }
  return n;
}
