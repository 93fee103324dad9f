import { type Span, type TimeWords, timeSpans, youngestAge } from './age';
import { type Cue, HELPER_CUES, LANGS, type Lang, type PhraseCue } from './lexicon';
import { isNegated } from './negation';
import { type Occurrence, type Phrase, PhraseIndex } from './phrases';
import { EXCEPTIONS, LEXICONS, SIGNS, type Sign } from './signs';
import { normalize, tokenize } from './tokens';
import { isYoungInfant, vitalCues } from './vitals';

export interface Assessment {
  /** True when any danger sign is present: refer urgently. */
  urgent: boolean;
  /** Ids of the danger signs found, in the order of SIGNS. */
  signs: string[];
}

type FunctionWord = 'negator' | 'post-negator' | 'breaker' | 'joiner';
type Tag = { kind: 'cue'; cue: PhraseCue } | { kind: FunctionWord };

const HELPERS: ReadonlySet<PhraseCue> = new Set<PhraseCue>(HELPER_CUES);
/** Context, not findings: "to prevent postpartum haemorrhage" still negates the haemorrhage. */
const CONTEXT: ReadonlySet<PhraseCue> = new Set<PhraseCue>([
  'pregnancy',
  'postpartum',
  'newborn',
  'baby',
  'umbilicus',
  'spreading',
  'long-ago',
  'first-day',
]);
const MEASUREMENTS: readonly PhraseCue[] = ['kw-temperature', 'kw-resp-rate', 'kw-spo2', 'kw-muac', 'kw-bp', 'kw-gcs'];
const ADULT_DAYS = 12 * 365;

interface Compiled {
  index: PhraseIndex<Tag>;
  /** Single-word negators of every language: a phrase containing one is itself negative ("ne boit pas"). */
  negatorWords: ReadonlySet<string>;
  time: TimeWords;
}

let compiled: Compiled | undefined;

/** Builds the phrase index of every language once, on first use. */
function compile(): Compiled {
  if (compiled) return compiled;
  const index = new PhraseIndex<Tag>();
  const negatorWords = new Set<string>();
  const units = new Map<string, number>();
  const counted = new Map<string, readonly [number, number]>();
  const numbers = new Map<string, number>();
  for (const lang of LANGS) {
    const lexicon = LEXICONS[lang];
    for (const [cue, phrases] of Object.entries(lexicon.cues) as [PhraseCue, readonly string[]][]) {
      const tag: Tag = { kind: 'cue', cue };
      for (const phrase of phrases) index.add(phrase, tag, lexicon.classes);
    }
    const functionWords: [FunctionWord, readonly string[]][] = [
      ['negator', lexicon.negators],
      ['post-negator', lexicon.postNegators],
      ['breaker', lexicon.scopeBreakers],
      ['joiner', lexicon.listJoiners],
    ];
    for (const [kind, phrases] of functionWords) {
      const tag: Tag = { kind };
      for (const phrase of phrases) index.add(phrase, tag);
    }
    for (const negator of lexicon.negators) if (!negator.includes(' ')) negatorWords.add(negator);
    for (const [word, days] of Object.entries(lexicon.timeUnits)) units.set(normalize(word), days);
    for (const [word, value] of Object.entries(lexicon.countedUnits ?? {})) counted.set(normalize(word), value);
    for (const [word, n] of Object.entries(lexicon.numbers)) numbers.set(normalize(word), n);
  }
  compiled = { index, negatorWords, time: { units, counted, numbers } };
  return compiled;
}

const langOf = (lang: string | undefined): Lang | undefined => {
  const code = lang?.slice(0, 2).toLowerCase();
  return LANGS.find((l) => l === code);
};
const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;

/**
 * Flags a question that shows a danger sign, before any model runs. Phrases of every language are
 * looked for, since people mix languages and the hint may be wrong; the hint only settles words that
 * mean different things in different languages (Portuguese "no" is "in the", not a negation).
 */
export function assessUrgency(text: string, lang?: string): Assessment {
  const tokens = tokenize(text);
  const { index, negatorWords, time } = compile();
  const hint = langOf(lang);

  const spans = new Map<PhraseCue, Occurrence<Tag>[]>();
  const functionWords: Record<FunctionWord, Occurrence<Tag>[]> = { negator: [], 'post-negator': [], breaker: [], joiner: [] };
  for (const o of index.find(tokens)) {
    if (o.phrase.tag.kind === 'cue') {
      const list = spans.get(o.phrase.tag.cue);
      if (list) list.push(o);
      else spans.set(o.phrase.tag.cue, [o]);
    } else {
      functionWords[o.phrase.tag.kind].push(o);
    }
  }
  // Look-alikes and exceptions overrule what they overlap; a phrase inside a longer one of its cue is
  // that one ("damu nyingi" in "kutokwa na damu nyingi"), so it cannot escape the longer one's negation.
  const lookAlikes = spans.get('look-alike') ?? [];
  for (const [cue, list] of spans) {
    if (cue === 'look-alike' || HELPERS.has(cue)) continue;
    const vetoing = [...lookAlikes, ...(EXCEPTIONS[cue] ?? []).flatMap((v) => spans.get(v) ?? [])];
    const kept = list.filter((o) => !vetoing.some((v) => overlaps(o, v)));
    spans.set(
      cue,
      kept.filter((o) => !kept.some((p) => p !== o && p.start <= o.start && p.end >= o.end && p.end - p.start > o.end - o.start)),
    );
  }

  // A finding that is itself negative ("not feeding", "ne boit pas") is present, and its negator is spent.
  const findings = [...spans].filter(([cue]) => !HELPERS.has(cue)).flatMap(([, list]) => list);
  const selfNegative = (p: Phrase<Tag>): boolean => p.words.some((w) => negatorWords.has(w));
  const spent = new Set<number>();
  for (const o of findings) if (selfNegative(o.phrase)) for (let i = o.start; i < o.end; i++) spent.add(i);
  const notNegator = new Set(
    LANGS.filter((l) => l === hint || LEXICONS[l].markers?.some((m) => tokens.some((t) => t.text === m))).flatMap(
      (l) => LEXICONS[l].notNegators ?? [],
    ),
  );
  // "32 sem" is weeks, not Portuguese "sem" (without) — unless the number is a measurement ("febre 39 sem").
  const isUnit = (o: Occurrence<Tag>): boolean => {
    const n = o.start - 1;
    if (tokens[n]?.value === undefined || tokens[n]!.clause !== tokens[o.start]!.clause) return false;
    if (!time.units.has(tokens[o.start]!.text)) return false;
    return !MEASUREMENTS.some((cue) => spans.get(cue)?.some((s) => s.end === n));
  };
  const live = (o: Occurrence<Tag>): boolean =>
    !spent.has(o.start) && !isUnit(o) && !(o.end - o.start === 1 && notNegator.has(tokens[o.start]!.text));
  const positions = (list: Occurrence<Tag>[], at: (o: Occurrence<Tag>) => number[]): Set<number> => new Set(list.flatMap(at));
  const range = (o: Occurrence<Tag>): number[] => Array.from({ length: o.end - o.start }, (_, k) => o.start + k);
  const findingStarts = new Map<number, number>();
  for (const o of findings) {
    if (o.phrase.tag.kind !== 'cue' || CONTEXT.has(o.phrase.tag.cue)) continue;
    findingStarts.set(o.end - 1, Math.min(o.start, findingStarts.get(o.end - 1) ?? o.start));
  }
  const marks = {
    negatorEnds: positions(functionWords.negator.filter(live), (o) => [o.end - 1]),
    postNegatorStarts: positions(functionWords['post-negator'].filter(live), (o) => [o.start]),
    breakers: positions(functionWords.breaker, range),
    joiners: positions(functionWords.joiner, range),
    findingStarts,
  };

  const cues = new Set<Cue>();
  const present = new Map<Cue, Span[]>();
  for (const o of findings) {
    if (o.phrase.tag.kind !== 'cue' || (!selfNegative(o.phrase) && isNegated(o, tokens, marks))) continue;
    cues.add(o.phrase.tag.cue);
    present.set(o.phrase.tag.cue, [...(present.get(o.phrase.tag.cue) ?? []), o]);
  }

  // "35/40" is how notes write 35 weeks of gestation.
  if (tokens.some((t) => t.over === 40 && t.value! >= 4 && t.value! <= 42)) cues.add('pregnancy');
  const spansOf = (cue: PhraseCue): readonly Span[] => spans.get(cue) ?? [];
  const times = timeSpans(tokens, time);
  const age = youngestAge(tokens, spansOf, times, time);
  // A newborn counts unless a child's age says otherwise; an adult's age is the mother's.
  const newborn = cues.has('newborn') && (age === undefined || age >= ADULT_DAYS);
  const youngInfant = (age !== undefined && isYoungInfant(age)) || newborn;
  if (youngInfant) cues.add('young-infant');
  if (age !== undefined && age <= 1) cues.add('first-day-of-life');
  if (age === undefined && !youngInfant && !cues.has('pregnancy') && !cues.has('postpartum')) cues.add('age-unknown');
  for (const cue of vitalCues(tokens, spansOf, times, youngInfant ? 0 : age)) cues.add(cue);

  // Two passes: a rule may depend on any other sign (malnutrition with a danger sign is complicated).
  const found = new Set<string>();
  const evaluate = (): void => {
    for (const sign of SIGNS) if (holds(sign, cues, present)) found.add(sign.id);
  };
  evaluate();
  if (found.size > 0) {
    cues.add('danger-sign');
    evaluate();
  }
  const signs = SIGNS.filter((s) => found.has(s.id)).map((s) => s.id);
  return { urgent: signs.length > 0, signs };
}

function holds(sign: Sign, cues: ReadonlySet<Cue>, present: ReadonlyMap<Cue, readonly Span[]>): boolean {
  if (sign.unless?.some((c) => cues.has(c))) return false;
  const options = (need: Cue | readonly Cue[]): readonly Cue[] => (typeof need === 'string' ? [need] : need);
  return sign.when.some((all) => {
    if (!all.every((need) => options(need).some((c) => cues.has(c)))) return false;
    const { within } = sign;
    if (within === undefined) return true;
    // Near one another: every phrase-found requirement within reach of one place of the first.
    const near = (need: Cue | readonly Cue[], at: number): boolean =>
      options(need).some((c) => (present.has(c) ? present.get(c)!.some((s) => Math.abs(s.start - at) <= within) : cues.has(c)));
    return (present.get(options(all[0]!)[0]!) ?? []).some((anchor) => all.every((need) => near(need, anchor.start)));
  });
}
