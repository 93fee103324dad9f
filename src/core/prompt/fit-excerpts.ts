/** Marks an excerpt cut short, so the model does not take its last sentence for the whole story. */
export const TRUNCATION_MARK = ' …';

/** Ends of sentences (after . ! ? ؟ … and before a space) and line breaks: where an excerpt may be cut. */
const SENTENCE_END = /[.!?؟…]+(?=\s)|\n/g;

/**
 * The best-ranked excerpts that fit: whole ones in rank order while they fit, then the first that does
 * not fit cut at the last sentence boundary that does, and nothing ranked below it. `fits` says whether
 * a prompt holding these excerpts is within the budget; it must grow with the text it is given.
 */
export function fitExcerpts<T extends { text: string }>(ranked: readonly T[], fits: (kept: readonly T[]) => boolean): T[] {
  const kept: T[] = [];
  for (const excerpt of ranked) {
    if (fits([...kept, excerpt])) {
      kept.push(excerpt);
      continue;
    }
    const cut = truncateToFit(excerpt, (shorter) => fits([...kept, shorter]));
    if (cut) kept.push(cut);
    break;
  }
  return kept;
}

/** The longest cut of the excerpt at a sentence boundary that fits, or null when not even one sentence does. */
function truncateToFit<T extends { text: string }>(excerpt: T, fits: (shorter: T) => boolean): T | null {
  const cuts = sentenceEnds(excerpt.text);
  const at = (i: number): T => ({ ...excerpt, text: excerpt.text.slice(0, cuts[i]).trimEnd() + TRUNCATION_MARK });
  // Longer cuts cost more, so the cuts that fit are a prefix of `cuts`: binary search for its end.
  let low = 0;
  let high = cuts.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (fits(at(mid))) low = mid + 1;
    else high = mid;
  }
  return low === 0 ? null : at(low - 1);
}

function sentenceEnds(text: string): number[] {
  const ends = new Set<number>();
  for (const match of text.matchAll(SENTENCE_END)) {
    const end = match[0] === '\n' ? match.index : match.index + match[0].length;
    if (text.slice(0, end).trim() && end < text.trimEnd().length) ends.add(end);
  }
  return [...ends].sort((a, b) => a - b);
}
