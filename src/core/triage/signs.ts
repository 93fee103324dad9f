import type { Cue, Lang, Lexicon, PhraseCue } from './lexicon';
import { AR } from './phrases-ar';
import { EN } from './phrases-en';
import { ES } from './phrases-es';
import { FR } from './phrases-fr';
import { PT } from './phrases-pt';
import { SW } from './phrases-sw';

/** The phrases of every UI language; a text is searched with all of them, since people mix languages. */
export const LEXICONS: Record<Lang, Lexicon> = { en: EN, fr: FR, es: ES, pt: PT, ar: AR, sw: SW };

export type Category =
  | 'general'
  | 'respiratory'
  | 'dehydration'
  | 'circulation'
  | 'consciousness'
  | 'bleeding'
  | 'obstetric'
  | 'newborn'
  | 'nutrition'
  | 'envenoming'
  | 'burns'
  | 'trauma'
  | 'mental-health';

/** A cue, or any one of several. */
type Requirement = Cue | readonly Cue[];

export interface Sign {
  id: string;
  category: Category;
  /** Alternatives; the sign is present when every requirement of one of them is met. */
  when: readonly (readonly Requirement[])[];
  /** Context that rules the sign out (leg oedema is common in pregnancy). */
  unless?: readonly Cue[];
  /** The phrases of an alternative must be this close, in words: a burn and "face" in one story. */
  within?: number;
}

const PREGNANT_OR_POSTPARTUM = ['pregnancy', 'postpartum'] as const;
const YOUNG_INFANT_OR_BABY = [['young-infant'], ['baby', 'age-unknown']] as const;

/**
 * Danger signs that mean "refer urgently", after WHO IMCI, ETAT and the WHO maternal and newborn
 * guidance (see docs/triage.md). Phrases say what was seen; these rules say when it is a danger sign.
 */
export const SIGNS: readonly Sign[] = [
  // IMCI general danger signs.
  { id: 'imci.unable-to-drink', category: 'general', when: [['cannot-drink']] },
  { id: 'imci.vomits-everything', category: 'general', when: [['vomits-everything']] },
  { id: 'imci.convulsions', category: 'general', when: [['convulsions'], ['eclampsia']] },
  { id: 'imci.lethargic-unconscious', category: 'general', when: [['lethargic']] },
  {
    id: 'etat.altered-consciousness',
    category: 'consciousness',
    when: [['altered-consciousness'], ['loss-of-consciousness'], ['gcs-low']],
  },
  // Breathing: fast breathing alone is pneumonia, a danger sign only in a young infant.
  { id: 'imci.chest-indrawing', category: 'respiratory', when: [['chest-indrawing']] },
  { id: 'resp.stridor', category: 'respiratory', when: [['stridor']] },
  { id: 'resp.cyanosis', category: 'respiratory', when: [['cyanosis']] },
  { id: 'resp.grunting', category: 'respiratory', when: [['grunting']] },
  { id: 'resp.severe-distress', category: 'respiratory', when: [['severe-distress']] },
  { id: 'resp.hypoxaemia', category: 'respiratory', when: [['spo2-low']] },
  // Severe dehydration: two of lethargic, sunken eyes, unable to drink or drinking poorly, very slow skin pinch.
  {
    id: 'imci.severe-dehydration',
    category: 'dehydration',
    when: [
      ['severe-dehydration'],
      ['sunken-eyes', ['pinch-very-slow', 'cannot-drink', 'drinks-poorly', 'lethargic']],
      ['pinch-very-slow', ['cannot-drink', 'drinks-poorly', 'lethargic']],
    ],
  },
  {
    id: 'etat.shock',
    category: 'circulation',
    when: [['shock'], ['cold-hands', 'weak-pulse'], ['crt-slow'], ['slow-capillary-refill']],
  },
  { id: 'etat.severe-bleeding', category: 'bleeding', when: [['heavy-bleeding']] },
  // Pregnancy, birth and after.
  { id: 'obstetric.antepartum-bleeding', category: 'obstetric', when: [['bleeding', 'pregnancy']], unless: ['postpartum'] },
  { id: 'obstetric.pph', category: 'obstetric', when: [['heavy-bleeding', 'postpartum'], ['pph']] },
  {
    id: 'obstetric.headache-blurred-vision',
    category: 'obstetric',
    when: [
      ['severe-headache', 'blurred-vision'],
      [['severe-headache', 'blurred-vision'], PREGNANT_OR_POSTPARTUM],
    ],
  },
  {
    id: 'obstetric.eclampsia',
    category: 'obstetric',
    when: [['eclampsia'], ['convulsions', PREGNANT_OR_POSTPARTUM]],
  },
  { id: 'obstetric.severe-abdominal-pain', category: 'obstetric', when: [['severe-abdominal-pain', PREGNANT_OR_POSTPARTUM]] },
  {
    id: 'obstetric.severe-hypertension',
    category: 'obstetric',
    when: [
      ['severe-pre-eclampsia'],
      ['bp-severe', PREGNANT_OR_POSTPARTUM],
      [['bp-high', 'high-blood-pressure'], PREGNANT_OR_POSTPARTUM, ['headache', 'severe-headache', 'blurred-vision', 'epigastric-pain']],
    ],
  },
  {
    id: 'obstetric.puerperal-sepsis',
    category: 'obstetric',
    when: [
      ['foul-discharge', 'postpartum'],
      ['foul-discharge', 'pregnancy', ['fever', 'temp-fever']],
    ],
  },
  { id: 'obstetric.prolonged-rupture', category: 'obstetric', when: [['membranes-ruptured', ['long-duration', 'long-ago']]] },
  {
    id: 'obstetric.reduced-fetal-movement',
    category: 'obstetric',
    when: [['reduced-fetal-movement'], ['baby-not-moving', 'pregnancy'], ['baby-not-moving', 'baby', 'age-unknown']],
  },
  // Young infants (under 2 months): signs of very severe disease.
  {
    id: 'newborn.not-feeding',
    category: 'newborn',
    when: YOUNG_INFANT_OR_BABY.map((context) => [['cannot-drink', 'poor-feeding', 'drinks-poorly'], ...context]),
  },
  { id: 'newborn.convulsions', category: 'newborn', when: [['convulsions', 'young-infant']] },
  {
    id: 'newborn.fast-breathing',
    category: 'newborn',
    when: [
      [['rr-fast', 'fast-breathing'], 'young-infant'],
      ['rr-fast', 'age-unknown'],
    ],
  },
  { id: 'newborn.chest-indrawing', category: 'newborn', when: [['chest-indrawing', 'young-infant']] },
  {
    id: 'newborn.temperature',
    category: 'newborn',
    when: [
      [['temp-fever', 'temp-low', 'fever', 'hypothermia'], 'young-infant'],
      [['temp-low', 'hypothermia'], 'baby', 'age-unknown'],
    ],
  },
  { id: 'newborn.movement', category: 'newborn', when: [['moves-only-stimulated'], ['baby-not-moving', 'young-infant']] },
  {
    id: 'newborn.early-jaundice',
    category: 'newborn',
    when: [['jaundice', ['first-day', 'first-day-of-life']], ['yellow-palms-soles']],
  },
  { id: 'newborn.umbilical-redness', category: 'newborn', when: [['umbilicus', 'redness', 'spreading']], within: 8 },
  // Severe acute malnutrition with complications.
  { id: 'nutrition.oedema', category: 'nutrition', when: [['bilateral-oedema']], unless: PREGNANT_OR_POSTPARTUM },
  {
    id: 'nutrition.sam-complicated',
    category: 'nutrition',
    when: [
      [
        ['sam', 'muac-low'],
        ['sam-complication', 'danger-sign', 'temp-high', 'temp-low'],
      ],
    ],
  },
  // Snakebite, burns, injury, mental health.
  {
    id: 'snakebite.envenoming',
    category: 'envenoming',
    when: [['snake', ['bleeding', 'heavy-bleeding', 'minor-bleeding', 'paralysis']]],
  },
  {
    id: 'burns.severe',
    category: 'burns',
    when: [['burn', ['burn-face', 'burn-large', 'burn-tbsa']], ['smoke-inhalation']],
    within: 6,
  },
  {
    id: 'trauma.head-injury-loc',
    category: 'trauma',
    when: [['head-injury', ['loss-of-consciousness', 'fainted', 'lethargic', 'gcs-low']]],
  },
  { id: 'mental.suicidal', category: 'mental-health', when: [['suicidal']] },
];

/**
 * Phrases that, where they overlap a cue's phrase, mean something else: bleeding gums are no vaginal
 * bleeding, pre-eclampsia is not yet eclampsia. Every cue is also overruled by a 'look-alike'.
 */
export const EXCEPTIONS: Partial<Record<PhraseCue, readonly PhraseCue[]>> = {
  bleeding: ['minor-bleeding'],
  'heavy-bleeding': ['minor-bleeding'],
  eclampsia: ['pre-eclampsia'],
};
