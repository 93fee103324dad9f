import type { Span } from './age';
import type { Token } from './tokens';

/** Where negations start, carry on and stop in one text, by token index. */
export interface NegationMarks {
  /** Last word of each negator: "no", "pas de", "hakuna", "لا". */
  negatorEnds: ReadonlySet<number>;
  /** First word of each negator written after a finding: "convulsions: none". */
  postNegatorStarts: ReadonlySet<number>;
  /** Words a negation does not reach past: "but", "and", "mais", "lakini". */
  breakers: ReadonlySet<number>;
  /** Words that carry it to the next finding: "or", "ni", "wala". */
  joiners: ReadonlySet<number>;
  /** For the last word of each finding, where the finding starts. */
  findingStarts: ReadonlyMap<number, number>;
}

// A negator counts up to three words before a phrase ("no signs of severe dehydration"), a
// post-negator up to one word after ("convulsions: none").
const WORDS_BEFORE = 4;
const WORDS_AFTER = 2;

/**
 * Whether a finding is negated within its clause. Another finding in between takes the negation for
 * itself ("no fever lethargic": the child is lethargic) unless a list word joins them ("no fever or
 * convulsions").
 */
export function isNegated(span: Span, tokens: readonly Token[], marks: NegationMarks): boolean {
  const clause = tokens[span.start]!.clause;
  let joined = false;
  let i = span.start - 1;
  for (let steps = 0; i >= 0 && steps < WORDS_BEFORE && tokens[i]!.clause === clause; steps++) {
    if (marks.breakers.has(i)) break;
    if (marks.negatorEnds.has(i)) return true;
    const findingStart = marks.findingStarts.get(i);
    if (findingStart !== undefined) {
      if (!joined) break;
      i = findingStart - 1;
      joined = false;
      continue;
    }
    joined = marks.joiners.has(i);
    i--;
  }
  for (let j = span.end; j < Math.min(span.end + WORDS_AFTER, tokens.length) && tokens[j]!.clause === clause; j++) {
    if (marks.postNegatorStarts.has(j)) return true;
    if (marks.breakers.has(j) || marks.findingStarts.has(j)) break;
  }
  return false;
}
