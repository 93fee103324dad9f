/**
 * Reciprocal rank fusion: one list from several rankings of the same items, each item scored by the
 * sum of 1 / (k + rank) over the lists it appears in. Scores of different searches (the lexicon's and a
 * model's translation) are not comparable; ranks are.
 */
const K = 60;

export function fuseRankings<T>(lists: readonly (readonly T[])[], keyOf: (item: T) => string, limit: number): T[] {
  const fused = new Map<string, { item: T; score: number; first: number }>();
  lists.forEach((list, l) => {
    list.forEach((item, rank) => {
      const key = keyOf(item);
      const entry = fused.get(key);
      const score = 1 / (K + rank + 1);
      if (entry) entry.score += score;
      else fused.set(key, { item, score, first: l * 1_000_000 + rank });
    });
  });
  // Ties (the same ranks in different lists) keep the first list's order.
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || a.first - b.first)
    .slice(0, limit)
    .map((e) => e.item);
}
