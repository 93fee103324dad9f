/** The UI languages, each with its own phrase list. */
export const LANGS = ['en', 'fr', 'es', 'pt', 'ar', 'sw'] as const;
export type Lang = (typeof LANGS)[number];

/** Cues that place numbers and ages ("RR 64", "temp 39", "5 days old"): never negated, never a finding. */
export const HELPER_CUES = [
  // Words that place a number: "RR 64", "temp 39", "sat 85%", "MUAC 105 mm", "BP 160/110".
  'kw-resp-rate',
  'kw-breaths',
  'kw-temperature',
  'kw-degrees',
  'kw-spo2',
  'kw-muac',
  'kw-bp',
  'kw-capillary-refill',
  'kw-gcs',
  'more-than',
  'non-temperature-unit',
  // Words that say a number is an age: "aged", "old", "baby of", and that it is not: "for", "since".
  'age-before',
  'age-after',
  'person',
  'duration',
] as const;

/**
 * What a phrase says. Most cues are one finding ("convulsions"); some are context ("pregnancy"), or
 * words the number parsers look for ("kw-resp-rate" before "RR 64"). Rules in signs.ts combine them.
 */
export const PHRASE_CUES = [
  // General danger signs and what goes with them.
  'convulsions',
  'cannot-drink',
  'drinks-poorly',
  'poor-feeding',
  'vomits-everything',
  'lethargic',
  'moves-only-stimulated',
  'altered-consciousness',
  'loss-of-consciousness',
  'fainted',
  // Breathing.
  'chest-indrawing',
  'stridor',
  'cyanosis',
  'grunting',
  'severe-distress',
  'fast-breathing',
  // Dehydration and shock.
  'severe-dehydration',
  'sunken-eyes',
  'pinch-very-slow',
  'shock',
  'cold-hands',
  'weak-pulse',
  'slow-capillary-refill',
  // Bleeding.
  'heavy-bleeding',
  'bleeding',
  'minor-bleeding',
  'pph',
  // Pregnancy and birth.
  'pregnancy',
  'postpartum',
  'severe-headache',
  'headache',
  'blurred-vision',
  'severe-abdominal-pain',
  'epigastric-pain',
  'eclampsia',
  'pre-eclampsia',
  'severe-pre-eclampsia',
  'high-blood-pressure',
  'foul-discharge',
  'membranes-ruptured',
  'long-ago',
  'reduced-fetal-movement',
  'baby-not-moving',
  // Newborns and infants.
  'newborn',
  'baby',
  'fever',
  'hypothermia',
  'jaundice',
  'first-day',
  'yellow-palms-soles',
  'umbilicus',
  'redness',
  'spreading',
  // Nutrition.
  'sam',
  'sam-complication',
  'bilateral-oedema',
  // Snakebite, burns, injury, mental health.
  'snake',
  'paralysis',
  'burn',
  'burn-face',
  'burn-large',
  'smoke-inhalation',
  'head-injury',
  'suicidal',
  // Phrases that look like a danger sign and are not: "asthma attack", "confused about the dose".
  'look-alike',
  // Common complaints that are not danger signs: they end a negation ("no fever lethargic").
  'symptom',
  ...HELPER_CUES,
] as const;
export type PhraseCue = (typeof PHRASE_CUES)[number];

/** Cues that come from numbers and ages rather than from phrases. */
export type ComputedCue =
  | 'young-infant'
  | 'first-day-of-life'
  | 'age-unknown'
  | 'rr-fast'
  | 'spo2-low'
  | 'temp-fever'
  | 'temp-high'
  | 'temp-low'
  | 'muac-low'
  | 'bp-high'
  | 'bp-severe'
  | 'crt-slow'
  | 'gcs-low'
  | 'burn-tbsa'
  | 'long-duration'
  | 'danger-sign';

export type Cue = PhraseCue | ComputedCue;

/**
 * One language's words. Phrases are written as people type them and folded like the text (no accents,
 * lower case). In a phrase: `a|b` either word, `word*` any word starting so, `=word` exactly (no typo
 * forgiven), `word?` optional, `(some words|other words)` either phrase, `{name}` any phrase of
 * `classes[name]`, `#` any number. A `?` after a group or class makes it optional too.
 */
export interface Lexicon {
  cues: Partial<Record<PhraseCue, readonly string[]>>;
  classes?: Record<string, readonly string[]>;
  /** Words that negate a finding written up to three words after them: "no", "pas", "hakuna", "لا". */
  negators: readonly string[];
  /** Words that negate a finding just before them: "convulsions: none". */
  postNegators: readonly string[];
  /** Words a negation does not reach past: "but", "and", "mais", "lakini". */
  scopeBreakers: readonly string[];
  /** Words that carry a negation on to the next finding: "no fever or convulsions". */
  listJoiners: readonly string[];
  /** Function words of this language that are negators in another: Portuguese "no" means "in the". */
  notNegators?: readonly string[];
  /** Words only this language has, to apply notNegators when the hint is missing or wrong. */
  markers?: readonly string[];
  /** Units of time in days: "days" 1, "mois" 30. */
  timeUnits: Record<string, number>;
  /** Unit words that carry their own count: Arabic "شهرين" (two months) is [2, 30.4]. */
  countedUnits?: Record<string, readonly [count: number, unitDays: number]>;
  /** Small numbers written as words. */
  numbers: Record<string, number>;
}
