/** Damerau–Levenshtein (optimal string alignment) distance, stopping early past `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/** How many typing mistakes to forgive in a word of this length. */
export function allowedEdits(term: string): number {
  if (term.length < 4) return 0;
  return term.length < 7 ? 1 : 2;
}

/** The vocabulary terms closest to a misspelled one (all those at the smallest distance, up to `limit`). */
export function closestTerms(term: string, vocabulary: Iterable<string>, limit = 3): string[] {
  const max = allowedEdits(term);
  if (max === 0) return [];
  let bestDistance = max + 1;
  let best: string[] = [];
  for (const candidate of vocabulary) {
    if (candidate === term) continue;
    const d = editDistance(term, candidate, Math.min(max, bestDistance));
    if (d < bestDistance) {
      bestDistance = d;
      best = [candidate];
    } else if (d === bestDistance && best.length < limit) {
      best.push(candidate);
    }
  }
  return bestDistance <= max ? best : [];
}

/** The terms of a sorted list that start with `prefix`, at most `limit`, by binary search. */
export function termsStartingWith(sorted: readonly string[], prefix: string, limit: number): string[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < prefix) lo = mid + 1;
    else hi = mid;
  }
  const out: string[] = [];
  for (let i = lo; i < sorted.length && out.length < limit && sorted[i]!.startsWith(prefix); i++) out.push(sorted[i]!);
  return out;
}
