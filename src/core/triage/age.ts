import type { PhraseCue } from './lexicon';
import type { Token } from './tokens';

/** A phrase's place in the tokens: [start, end). */
export interface Span {
  start: number;
  end: number;
}
export type SpansOf = (cue: PhraseCue) => readonly Span[];

/** Time words of all languages together: unit lengths and number words. */
export interface TimeWords {
  units: ReadonlyMap<string, number>;
  counted: ReadonlyMap<string, readonly [count: number, unitDays: number]>;
  numbers: ReadonlyMap<string, number>;
}

/** A number with its time unit, in either order: "5 days", "siku 5", "day 3", or "شهرين" (two months). */
export interface TimeSpan extends Span {
  days: number;
  unitDays: number;
}

/** Every amount of time written in the tokens. */
export function timeSpans(tokens: readonly Token[], time: TimeWords): TimeSpan[] {
  const spans: TimeSpan[] = [];
  const count = (i: number): number | undefined => {
    const t = tokens[i];
    return t && t.over === undefined ? (t.value ?? time.numbers.get(t.text)) : undefined;
  };
  const unit = (i: number): number | undefined => (tokens[i] ? time.units.get(tokens[i]!.text) : undefined);
  const sameClause = (i: number): boolean => tokens[i]!.clause === tokens[i + 1]!.clause;
  for (let i = 0; i < tokens.length; i++) {
    const counted = time.counted.get(tokens[i]!.text);
    if (counted) spans.push({ start: i, end: i + 1, days: counted[0] * counted[1], unitDays: counted[1] });
    if (i + 1 >= tokens.length || !sameClause(i)) continue;
    const n = count(i);
    const u = unit(i + 1);
    if (n !== undefined && u !== undefined) spans.push({ start: i, end: i + 2, days: n * u, unitDays: u });
    const unitFirst = unit(i);
    const nAfter = count(i + 1);
    if (unitFirst !== undefined && nAfter !== undefined) {
      spans.push({ start: i, end: i + 2, days: nAfter * unitFirst, unitDays: unitFirst });
    }
  }
  return spans;
}

/**
 * The youngest age written in the text, in days, or undefined. A time is an age only with a word that
 * says so ("5 days old", "aged 3", "bébé de 2 mois", "mtoto wa siku 5", "عمره شهرين"), never after
 * "for", "since", "depuis" (a duration: "diarrhoea for 2 days").
 */
export function youngestAge(tokens: readonly Token[], spansOf: SpansOf, times: readonly TimeSpan[], time: TimeWords): number | undefined {
  const sameClause = (a: number, b: number): boolean => tokens[a]?.clause === tokens[b]?.clause;
  const endsNear = (cue: PhraseCue, at: number, reach: number): boolean =>
    spansOf(cue).some((s) => s.end <= at && s.end >= at - reach && sameClause(s.start, at));
  const startsNear = (cue: PhraseCue, from: number, to: number): boolean =>
    spansOf(cue).some((s) => s.start >= from && s.start <= to && sameClause(s.start, from));
  let youngest: number | undefined;
  const consider = (days: number): void => {
    youngest = youngest === undefined ? days : Math.min(youngest, days);
  };

  for (const span of times) {
    if (spansOf('duration').some((d) => d.end === span.start)) continue;
    const marked =
      startsNear('age-after', span.end - 1, span.end + 1) ||
      startsNear('person', span.end, span.end) ||
      endsNear('age-before', span.start, 2) ||
      endsNear('person', span.start, 1);
    if (marked) consider(span.days);
  }
  // After an age word, a bare number is years ("aged 3") and a bare unit is one of it ("عمره شهر").
  for (const before of spansOf('age-before')) {
    const t = tokens[before.end];
    if (!t || !sameClause(before.start, before.end) || times.some((s) => s.start === before.end)) continue;
    const unit = time.units.get(t.text);
    if (t.value !== undefined) consider(t.value * 365);
    else if (unit !== undefined) consider(unit);
  }
  return youngest;
}
