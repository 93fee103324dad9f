import type { JudgedQuery } from './judgements';
import type { ResultRef } from './protocol';

export interface Quality {
  recall5: number;
  mrr10: number;
  /** Null when no query names a section. */
  sectionHit5: number | null;
}

/** Judges each query's distinct results, in rank order, against its relevant articles. */
export function quality(queries: readonly JudgedQuery[], results: readonly ResultRef[][]): Quality {
  let recall = 0;
  let reciprocal = 0;
  let sectionHits = 0;
  let withSection = 0;
  queries.forEach((q, i) => {
    const shown = results[i] ?? [];
    const rank = shown.slice(0, 10).findIndex((r) => q.relevant.has(r.docId));
    if (rank >= 0 && rank < 5) recall++;
    if (rank >= 0) reciprocal += 1 / (rank + 1);
    if (q.section === undefined) return;
    withSection++;
    if (shown.slice(0, 5).some((r) => q.relevant.has(r.docId) && r.section === q.section)) sectionHits++;
  });
  const n = Math.max(1, queries.length);
  return {
    recall5: recall / n,
    mrr10: reciprocal / n,
    sectionHit5: withSection ? sectionHits / withSection : null,
  };
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
