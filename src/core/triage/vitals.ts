import type { SpansOf, TimeSpan } from './age';
import type { ComputedCue, PhraseCue } from './lexicon';
import type { Token } from './tokens';

const YOUNG_INFANT_DAYS = 60;
const MINUTE = 1 / 1440;

/**
 * WHO IMCI fast breathing by age: 60/min under 2 months, 50 from 2 to 12 months, 40 from 1 to 5 years.
 * With no age, 60: the threshold of the youngest, so a possible young infant is not missed.
 */
function fastBreathingRate(ageDays: number | undefined): number {
  if (ageDays === undefined || ageDays < YOUNG_INFANT_DAYS) return 60;
  if (ageDays < 365) return 50;
  return ageDays < 5 * 365 ? 40 : 30;
}

export const isYoungInfant = (ageDays: number): boolean => ageDays < YOUNG_INFANT_DAYS;

/** Numbers read from "RR 64", "temp 39", "sat 85%", "MUAC 105 mm", "TA 16/11", "CRT >3 s", "GCS 9". */
export function vitalCues(
  tokens: readonly Token[],
  spansOf: SpansOf,
  times: readonly TimeSpan[],
  ageDays: number | undefined,
): Set<ComputedCue> {
  const cues = new Set<ComputedCue>();
  const claimed = new Set<number>();
  // "38 kg", "39 weeks", "30 min" are no temperature; a rate may be "per min" ("72/min").
  const followedByUnit = (i: number, shortest = 0): boolean =>
    spansOf('non-temperature-unit').some((s) => s.start === i + 1) ||
    times.some((s) => s.start === i && s.end > i + 1 && s.unitDays > shortest);

  /** The first number within `reach` words after each phrase of a cue, in the same clause. */
  const numbersAfter = (cue: PhraseCue, reach: number): number[] =>
    spansOf(cue).flatMap(({ start, end }) => {
      for (let i = end; i < Math.min(end + reach, tokens.length) && tokens[i]!.clause === tokens[start]!.clause; i++) {
        if (tokens[i]!.value !== undefined) return claimed.has(i) ? [] : [i];
      }
      return [];
    });
  const value = (i: number): number => tokens[i]!.value!;
  const read = (cue: PhraseCue, reach: number, accept: (i: number) => boolean, use: (i: number) => void): void => {
    for (const i of numbersAfter(cue, reach)) {
      if (!accept(i)) continue;
      claimed.add(i);
      use(i);
    }
  };

  read(
    'kw-gcs',
    3,
    (i) => value(i) >= 3 && value(i) <= 15,
    (i) => {
      if (value(i) <= 13) cues.add('gcs-low');
    },
  );
  read(
    'kw-spo2',
    3,
    (i) => value(i) >= 40 && value(i) <= 100 && tokens[i]!.over === undefined,
    (i) => {
      if (value(i) < 90) cues.add('spo2-low');
    },
  );
  read(
    'kw-muac',
    3,
    (i) => tokens[i]!.over === undefined,
    (i) => {
      const unit = tokens[i + 1]?.text;
      const mm = unit === 'mm' ? value(i) : unit === 'cm' || value(i) < 30 ? value(i) * 10 : value(i);
      if (mm >= 50 && mm < 115) cues.add('muac-low');
    },
  );
  read(
    'kw-capillary-refill',
    4,
    (i) => value(i) <= 20,
    (i) => {
      const above = tokens[i]!.above || spansOf('more-than').some((s) => s.end === i);
      if (value(i) > 3 || (above && value(i) >= 3)) cues.add('crt-slow');
    },
  );

  // Blood pressure: "BP 165/112", French "TA 16/11" in cmHg, or a bare plausible "160/110".
  const pressure = (i: number, keyword: boolean): void => {
    let systolic = value(i);
    let diastolic = tokens[i]!.over!;
    if (keyword && systolic <= 30 && diastolic <= 20) {
      systolic *= 10;
      diastolic *= 10;
    }
    const plausible = keyword ? systolic >= 60 && systolic <= 300 : systolic >= 90 && systolic <= 260 && diastolic >= 50;
    if (!plausible || diastolic >= systolic) return;
    claimed.add(i);
    if (systolic >= 140 || diastolic >= 90) cues.add('bp-high');
    if (systolic >= 160 || diastolic >= 110) cues.add('bp-severe');
  };
  read(
    'kw-bp',
    3,
    (i) => tokens[i]!.over !== undefined,
    (i) => pressure(i, true),
  );
  tokens.forEach((t, i) => {
    if (t.over !== undefined && !claimed.has(i)) pressure(i, false);
  });

  // Respiratory rate: after "RR", "FR", "kupumua", or before "breaths".
  let rate: number | undefined;
  const isRate = (i: number): boolean => value(i) >= 10 && value(i) <= 150 && !followedByUnit(i, MINUTE) && tokens[i]!.over === undefined;
  read('kw-resp-rate', 3, isRate, (i) => {
    rate = Math.max(rate ?? 0, value(i));
  });
  for (const { start } of spansOf('kw-breaths')) {
    const i = start - 1;
    if (i >= 0 && tokens[i]!.value !== undefined && !claimed.has(i) && isRate(i)) {
      claimed.add(i);
      rate = Math.max(rate ?? 0, value(i));
    }
  }
  if (rate !== undefined && rate >= fastBreathingRate(ageDays)) cues.add('rr-fast');

  // Temperature: after "temp", before "°C", or a bare 34.0–42.5 with one decimal ("38.9").
  const temperatures: number[] = [];
  read(
    'kw-temperature',
    3,
    (i) => !followedByUnit(i) && tokens[i]!.over === undefined,
    (i) => {
      const v = value(i);
      if (v >= 30 && v <= 45) temperatures.push(v);
      else if (v >= 93 && v <= 110) temperatures.push(((v - 32) * 5) / 9);
    },
  );
  tokens.forEach((t, i) => {
    if (t.value === undefined || t.over !== undefined || claimed.has(i)) return;
    const degrees = t.degrees || spansOf('kw-degrees').some((s) => s.start === i + 1);
    const bare = /^\d\d[.,]\d$/.test(t.text) && t.value >= 34 && t.value <= 42.5 && !followedByUnit(i) && !t.percent;
    if ((degrees && t.value >= 30 && t.value <= 45) || bare) temperatures.push(t.value);
  });
  for (const t of temperatures) {
    if (t >= 37.5) cues.add('temp-fever');
    if (t >= 39) cues.add('temp-high');
    if (t < 35.5) cues.add('temp-low');
  }

  // Burns: a percentage of body surface, 10% or more.
  if (tokens.some((t, i) => t.percent && !claimed.has(i) && t.value! >= 10 && t.value! <= 100)) cues.add('burn-tbsa');

  // Waters broken for 12 hours or more: hours or days written near the phrase ("38 weeks" is gestation).
  const ruptures = spansOf('membranes-ruptured');
  const long = times.some((t) => t.unitDays <= 1 && t.days >= 0.5 && ruptures.some((r) => Math.abs(t.start - r.start) <= 8));
  if (long) cues.add('long-duration');
  return cues;
}
