import { analyzeWithPositions } from '../text/analyze';

export interface Segment {
  text: string;
  match: boolean;
}

/** Splits text into plain and matched segments, for highlighting without injecting HTML. */
export function highlight(text: string, terms: ReadonlySet<string>): Segment[] {
  const segments: Segment[] = [];
  let at = 0;
  for (const { term, start, end } of analyzeWithPositions(text)) {
    if (!terms.has(term)) continue;
    if (start > at) segments.push({ text: text.slice(at, start), match: false });
    segments.push({ text: text.slice(start, end), match: true });
    at = end;
  }
  if (at < text.length) segments.push({ text: text.slice(at), match: false });
  return segments;
}

/** The window of about `length` characters with the most matched terms, cut at word boundaries. */
export function snippet(text: string, terms: ReadonlySet<string>, length = 220): Segment[] {
  if (text.length <= length) return highlight(text, terms);
  const hits = analyzeWithPositions(text).filter((t) => terms.has(t.term));
  let bestStart = 0;
  let bestEnd = 0;
  let bestCount = -1;
  for (let i = 0, j = 0; i < hits.length; i++) {
    while (j < hits.length && hits[j]!.end - hits[i]!.start <= length) j++;
    if (j - i > bestCount) {
      bestCount = j - i;
      bestStart = hits[i]!.start;
      bestEnd = hits[j - 1]!.end;
    }
  }
  let start = Math.max(0, Math.min(bestStart, Math.max(bestStart - 40, bestEnd - length + 10)));
  if (start > 0) start = text.indexOf(' ', start) + 1 || start;
  let end = Math.min(text.length, start + length);
  if (end < text.length) end = text.lastIndexOf(' ', end) > start ? text.lastIndexOf(' ', end) : end;
  const segments = highlight(text.slice(start, end), terms);
  if (start > 0) segments.unshift({ text: '… ', match: false });
  if (end < text.length) segments.push({ text: ' …', match: false });
  return segments;
}
