import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LANGS, type Lang, PHRASE_CUES } from '../../src/core/triage/lexicon';
import { assessUrgency } from '../../src/core/triage/match';
import { LEXICONS, SIGNS } from '../../src/core/triage/signs';

interface Vignette {
  text: string;
  lang: string;
  urgent: boolean;
  signs: string[];
}

const VIGNETTES: Vignette[] = readFileSync(new URL('../fixtures/triage-vignettes.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Vignette);

/** One plain example of every sign in every UI language: each rule fires in each language. */
const SIGN_EXAMPLES: Record<string, Record<Lang, string>> = {
  'imci.unable-to-drink': {
    en: '2 yr old not able to drink since morning',
    fr: 'enfant de 2 ans incapable de boire',
    es: 'niño de 2 años no puede beber nada',
    pt: 'criança de 2 anos não consegue beber',
    ar: 'طفل عمره سنتين لا يستطيع الشرب',
    sw: 'mtoto wa miaka 2 hawezi kunywa chochote',
  },
  'imci.vomits-everything': {
    en: 'toddler vomits everything since last night',
    fr: 'enfant de 3 ans qui vomit tout',
    es: 'niño que vomita todo desde anoche',
    pt: 'criança vomitando tudo desde ontem',
    ar: 'الطفل يستفرغ كل شي من امس',
    sw: 'mtoto anatapika kila kitu tangu jana',
  },
  'imci.convulsions': {
    en: 'child having convulsions now',
    fr: 'enfant de 4 ans fait des convulsions',
    es: 'niña con convulsiones desde hace 10 minutos',
    pt: 'menino com convulsões agora',
    ar: 'طفل عنده اختلاجات',
    sw: 'mtoto ana kifafa sasa hivi',
  },
  'imci.lethargic-unconscious': {
    en: 'child very lethargic today',
    fr: 'enfant léthargique depuis ce matin',
    es: 'niño inconsciente desde hace una hora',
    pt: 'criança inconsciente',
    ar: 'الطفل فاقد الوعي',
    sw: 'mtoto amelegea sana hajibu',
  },
  'etat.altered-consciousness': {
    en: 'old man suddenly confused and disoriented',
    fr: 'patient dans le coma',
    es: 'paciente desorientado y confuso',
    pt: 'paciente com rebaixamento do nível de consciência',
    ar: 'مريض عنده اضطراب في الوعي',
    sw: 'mgonjwa anaweweseka na amechanganyikiwa',
  },
  'imci.chest-indrawing': {
    en: 'lower chest wall indrawing in a 2 year old with cough',
    fr: 'toux avec tirage intercostal chez enfant de 2 ans',
    es: 'tos con tiraje subcostal en niño de 2 años',
    pt: 'tosse com tiragem subcostal em criança de 2 anos',
    ar: 'طفل عمره سنتين عنده سحب تحت الاضلاع',
    sw: 'mtoto wa miaka 2 ana kifua kinavutika ndani',
  },
  'resp.stridor': {
    en: 'child with stridor at rest',
    fr: 'enfant avec stridor au repos',
    es: 'niño con estridor en reposo',
    pt: 'criança com estridor em repouso',
    ar: 'طفل عنده صرير تنفسي وهو هادئ',
    sw: 'mtoto ana stridor akiwa ametulia',
  },
  'resp.cyanosis': {
    en: 'baby with central cyanosis',
    fr: 'enfant avec lèvres bleues',
    es: 'niño cianótico',
    pt: 'criança com lábios roxos',
    ar: 'زرقة عند الطفل',
    sw: 'mtoto ana midomo ya bluu',
  },
  'resp.grunting': {
    en: 'infant grunting with each breath',
    fr: 'bébé qui geint à chaque respiration',
    es: 'bebé con quejido espiratorio',
    pt: 'bebê gemente',
    ar: 'رضيع يئن مع كل نفس',
    sw: 'mtoto anaguna anapopumua',
  },
  'resp.severe-distress': {
    en: 'child gasping for breath',
    fr: 'enfant en détresse respiratoire',
    es: 'niño con dificultad respiratoria severa',
    pt: 'criança com desconforto respiratório',
    ar: 'طفل عنده ضيق تنفس شديد',
    sw: 'mtoto ana shida kubwa ya kupumua',
  },
  'resp.hypoxaemia': {
    en: 'SpO2 86% in a child with cough',
    fr: 'saturation 86% chez un enfant qui tousse',
    es: 'saturación de 86% en niño con tos',
    pt: 'saturação 86% em criança com tosse',
    ar: 'نسبة الاكسجين 86% عند طفل',
    sw: 'kiwango cha oksijeni 86% kwa mtoto',
  },
  'imci.severe-dehydration': {
    en: 'severely dehydrated child with diarrhoea',
    fr: 'déshydratation sévère chez enfant avec diarrhée',
    es: 'niño con diarrea y deshidratación grave',
    pt: 'criança com desidratação grave',
    ar: 'طفل عنده جفاف شديد',
    sw: 'mtoto ana upungufu mkubwa wa maji mwilini',
  },
  'etat.shock': {
    en: 'patient in shock after bleeding',
    fr: 'patient en état de choc',
    es: 'paciente en estado de choque',
    pt: 'paciente em choque',
    ar: 'مريض في صدمة',
    sw: 'mikono ya baridi na mapigo ya moyo dhaifu',
  },
  'etat.severe-bleeding': {
    en: 'man with severe bleeding from a leg wound',
    fr: 'homme avec saignement abondant de la jambe',
    es: 'hombre con sangrado abundante de la pierna',
    pt: 'homem com sangramento intenso na perna',
    ar: 'رجل عنده نزيف شديد من الساق',
    sw: 'mwanamume anatokwa na damu nyingi mguuni',
  },
  'obstetric.antepartum-bleeding': {
    en: 'pregnant woman with vaginal bleeding',
    fr: 'femme enceinte avec métrorragies',
    es: 'embarazada con sangrado',
    pt: 'grávida sangrando',
    ar: 'حامل تنزف',
    sw: 'mjamzito anavuja damu',
  },
  'obstetric.pph': {
    en: 'postpartum haemorrhage at home',
    fr: 'hémorragie du post-partum',
    es: 'hemorragia posparto',
    pt: 'hemorragia pós-parto',
    ar: 'نزيف شديد بعد الولادة',
    sw: 'damu nyingi baada ya kujifungua',
  },
  'obstetric.headache-blurred-vision': {
    en: 'pregnant woman with severe headache',
    fr: 'femme enceinte avec céphalées violentes',
    es: 'embarazada con dolor de cabeza intenso',
    pt: 'grávida com dor de cabeça forte',
    ar: 'حامل عندها صداع شديد',
    sw: 'mjamzito ana maumivu makali ya kichwa',
  },
  'obstetric.eclampsia': {
    en: 'eclampsia at 36 weeks',
    fr: 'éclampsie chez une femme de 20 ans',
    es: 'eclampsia en primigesta',
    pt: 'eclâmpsia em gestante',
    ar: 'حامل عندها ارتعاج',
    sw: 'mama ana kifafa cha mimba',
  },
  'obstetric.severe-abdominal-pain': {
    en: 'pregnant woman with severe abdominal pain',
    fr: 'femme enceinte avec douleurs abdominales intenses',
    es: 'embarazada con dolor abdominal intenso',
    pt: 'gestante com dor abdominal intensa',
    ar: 'حامل عندها الم شديد في البطن',
    sw: 'mjamzito ana maumivu makali ya tumbo',
  },
  'obstetric.puerperal-sepsis': {
    en: 'postpartum woman with offensive lochia',
    fr: 'accouchée avec des lochies fétides',
    es: 'puérpera con loquios fétidos',
    pt: 'puérpera com lóquios fétidos',
    ar: 'نفساء عندها افرازات ذات رائحة كريهة',
    sw: 'amejifungua, ana harufu mbaya ukeni',
  },
  'obstetric.severe-hypertension': {
    en: 'pregnant, BP 170/115',
    fr: 'enceinte, TA 17/11',
    es: 'embarazada con presión 170/115',
    pt: 'gestante com pressão 170/115',
    ar: 'حامل ضغط الدم 170/115',
    sw: 'mjamzito presha 170/115',
  },
  'obstetric.prolonged-rupture': {
    en: 'ruptured membranes for 20 hours',
    fr: 'rupture des membranes depuis 20 heures',
    es: 'ruptura de membranas hace 20 horas',
    pt: 'ruptura das membranas há 20 horas',
    ar: 'تمزق الاغشية منذ 20 ساعة',
    sw: 'chupa imepasuka saa 20 zilizopita',
  },
  'obstetric.reduced-fetal-movement': {
    en: 'reduced fetal movements at 38 weeks',
    fr: 'diminution des mouvements foetaux',
    es: 'disminución de movimientos fetales',
    pt: 'movimentos fetais diminuídos',
    ar: 'قلة حركة الجنين',
    sw: 'mtoto tumboni hachezi',
  },
  'newborn.not-feeding': {
    en: 'newborn poor feeding since birth',
    fr: 'nouveau-né qui tète mal',
    es: 'recién nacido con succión débil',
    pt: 'recém-nascido com sucção fraca',
    ar: 'مولود رضاعته ضعيفة',
    sw: 'mtoto mchanga ananyonya kwa shida',
  },
  'newborn.convulsions': {
    en: 'newborn with seizures',
    fr: 'convulsions chez un nouveau-né',
    es: 'recién nacido con convulsiones',
    pt: 'recém-nascido com convulsão',
    ar: 'مولود عنده تشنجات',
    sw: 'mtoto mchanga ana degedege',
  },
  'newborn.fast-breathing': {
    en: '3 week old breathing fast',
    fr: 'nourrisson de 3 semaines qui respire vite',
    es: 'bebé de 3 semanas con respiración rápida',
    pt: 'bebê de 3 semanas com respiração rápida',
    ar: 'رضيع عمره 3 اسابيع يتنفس بسرعة',
    sw: 'mtoto wa wiki 3 anapumua haraka',
  },
  'newborn.chest-indrawing': {
    en: 'newborn with severe chest indrawing',
    fr: 'nouveau-né avec tirage sous-costal',
    es: 'recién nacido con tiraje',
    pt: 'recém-nascido com tiragem',
    ar: 'مولود عنده انسحاب الصدر',
    sw: 'mtoto mchanga kifua kinaingia ndani',
  },
  'newborn.temperature': {
    en: 'newborn with fever',
    fr: 'nouveau-né hypotherme',
    es: 'recién nacido con fiebre',
    pt: 'recém-nascido com febre',
    ar: 'مولود عنده حمى',
    sw: 'mtoto mchanga ana homa',
  },
  'newborn.movement': {
    en: 'newborn moves only when stimulated',
    fr: 'nouveau-né ne bouge que quand on le stimule',
    es: 'recién nacido solo se mueve al estimularlo',
    pt: 'recém-nascido só se mexe quando estimulado',
    ar: 'مولود يتحرك فقط عند التحفيز',
    sw: 'mtoto mchanga anasogea tu akiguswa',
  },
  'newborn.early-jaundice': {
    en: 'jaundice in the first 24 hours of life',
    fr: 'ictère dans les premières 24 heures',
    es: 'ictericia en las primeras 24 horas',
    pt: 'icterícia nas primeiras 24 horas',
    ar: 'يرقان خلال 24 ساعة من الولادة',
    sw: 'manjano ndani ya saa 24 tangu kuzaliwa',
  },
  'newborn.umbilical-redness': {
    en: 'redness around the umbilicus spreading to the skin of the abdomen',
    fr: "rougeur du nombril qui s'étend à la peau",
    es: 'enrojecimiento del ombligo que se extiende',
    pt: 'vermelhidão no umbigo se espalhando',
    ar: 'احمرار حول السرة ينتشر الى الجلد',
    sw: 'wekundu unaoenea kuzunguka kitovu',
  },
  'nutrition.oedema': {
    en: 'child with oedema of both feet',
    fr: 'enfant avec oedèmes des deux pieds',
    es: 'niño con edema en ambos pies',
    pt: 'criança com edema nos dois pés',
    ar: 'طفل عنده وذمة في القدمين',
    sw: 'mtoto ana uvimbe wa miguu yote miwili',
  },
  'nutrition.sam-complicated': {
    en: 'severe acute malnutrition and failed appetite test',
    fr: "malnutrition aiguë sévère avec échec au test d'appétit",
    es: 'desnutrición aguda severa y no come',
    pt: 'desnutrição grave e não come',
    ar: 'سوء تغذية حاد شديد ولا ياكل',
    sw: 'utapiamlo mkali na hataki kula',
  },
  'snakebite.envenoming': {
    en: 'snake bite with drooping eyelids',
    fr: 'morsure de serpent avec ptosis',
    es: 'mordedura de serpiente con párpados caídos',
    pt: 'picada de cobra com ptose',
    ar: 'لدغة ثعبان مع تدلي الجفون',
    sw: 'ameumwa na nyoka, kope zimelegea',
  },
  'burns.severe': {
    en: 'extensive burns after a fire',
    fr: 'brûlures étendues après un incendie',
    es: 'quemaduras extensas por fuego',
    pt: 'queimaduras extensas após incêndio',
    ar: 'حروق واسعة بعد حريق',
    sw: 'ameungua sehemu kubwa ya mwili',
  },
  'trauma.head-injury-loc': {
    en: 'head injury with loss of consciousness',
    fr: 'traumatisme crânien avec perte de connaissance',
    es: 'traumatismo craneal con pérdida de conocimiento',
    pt: 'traumatismo craniano com perda de consciência',
    ar: 'اصابة في الراس مع فقدان الوعي',
    sw: 'jeraha la kichwa na kupoteza fahamu',
  },
  'mental.suicidal': {
    en: 'patient has suicidal thoughts',
    fr: 'patient avec des idées suicidaires',
    es: 'paciente con ideas suicidas',
    pt: 'paciente com pensamentos suicidas',
    ar: 'مريض عنده افكار انتحارية',
    sw: 'mgonjwa ana mawazo ya kujiua',
  },
};

const signsOf = (text: string, lang?: string): string[] => assessUrgency(text, lang).signs;
const urgent = (text: string, lang?: string): boolean => assessUrgency(text, lang).urgent;

describe('the development vignettes', () => {
  it('hold at least 180 vignettes, 25 or more per language, about half urgent', () => {
    expect(VIGNETTES.length).toBeGreaterThanOrEqual(180);
    for (const lang of LANGS) expect(VIGNETTES.filter((v) => v.lang === lang).length).toBeGreaterThanOrEqual(25);
    const share = VIGNETTES.filter((v) => v.urgent).length / VIGNETTES.length;
    expect(share).toBeGreaterThan(0.4);
    expect(share).toBeLessThan(0.6);
  });

  it.each(LANGS)('flags every urgent vignette in %s, with its expected signs', (lang) => {
    const misses = VIGNETTES.filter((v) => v.lang === lang && v.urgent)
      .map((v) => ({ text: v.text, expected: v.signs, got: signsOf(v.text, v.lang) }))
      .filter((r) => r.got.length === 0 || r.expected.some((id) => !r.got.includes(id)));
    expect(misses).toEqual([]);
  });

  it.each(LANGS)('raises a false alarm on at most 1 in 10 routine vignettes in %s', (lang) => {
    const routine = VIGNETTES.filter((v) => v.lang === lang && !v.urgent);
    const alarms = routine.filter((v) => urgent(v.text, v.lang)).map((v) => `${v.text} → ${signsOf(v.text, v.lang).join(', ')}`);
    console.info(`triage ${lang}: ${alarms.length}/${routine.length} routine vignettes flagged`);
    expect(alarms.length / routine.length, alarms.join('\n')).toBeLessThanOrEqual(0.1);
  });

  it('flags the same urgent vignettes with no language hint, or a wrong one', () => {
    const missed = VIGNETTES.filter((v) => v.urgent && !(urgent(v.text) && urgent(v.text, v.lang === 'en' ? 'fr' : 'en')));
    expect(missed.map((v) => v.text)).toEqual([]);
  });

  it('expects only sign ids that exist', () => {
    const ids = new Set(SIGNS.map((s) => s.id));
    expect(VIGNETTES.flatMap((v) => v.signs).filter((id) => !ids.has(id))).toEqual([]);
  });
});

describe('the phrase lists', () => {
  it('give every cue phrases in every UI language', () => {
    const gaps = LANGS.flatMap((lang) => PHRASE_CUES.filter((cue) => !LEXICONS[lang].cues[cue]?.length).map((cue) => `${lang}:${cue}`));
    expect(gaps).toEqual([]);
  });

  it('are all well formed (they compile on first use)', () => {
    expect(() => assessUrgency('')).not.toThrow();
    expect(assessUrgency('')).toEqual({ urgent: false, signs: [] });
  });
});

describe('every sign', () => {
  it('has an example in every language', () => {
    expect(Object.keys(SIGN_EXAMPLES).sort()).toEqual(SIGNS.map((s) => s.id).sort());
  });

  it.each(Object.entries(SIGN_EXAMPLES))('%s is found in each language, with or without the hint', (id, examples) => {
    const missed = Object.entries(examples).filter(([lang, text]) => !signsOf(text, lang).includes(id) || !signsOf(text).includes(id));
    expect(missed).toEqual([]);
  });
});

describe('routine questions', () => {
  it.each([
    'what is the dose of paracetamol for fever in a 5 year old?',
    'child with diarrhoea for 2 days, drinking well, how much ORS?',
    'pregnant woman 20 weeks routine antenatal visit what vaccines?',
    'mild headache after work',
    'pregnant woman with bleeding gums',
    'cough for a week, malaria test negative',
  ])('are not urgent: %s', (text) => {
    expect(signsOf(text, 'en')).toEqual([]);
  });
});

describe('negation', () => {
  it.each([
    ['en', 'no convulsions, not lethargic, drinking well', 'child convulsing, lethargic'],
    ['en', 'denies bleeding, 30 weeks pregnant', '30 weeks pregnant, bleeding since morning'],
    ['en', 'no signs of severe dehydration', 'signs of severe dehydration'],
    ['fr', 'pas de convulsions, enfant de 2 ans', 'convulsions, enfant de 2 ans'],
    ['fr', "il n'a pas convulsé", 'il a convulsé'],
    ['es', 'sin convulsiones, niño de 2 años', 'con convulsiones, niño de 2 años'],
    ['pt', 'sem convulsões, criança de 2 anos', 'com convulsões, criança de 2 anos'],
    ['sw', 'hana degedege, mtoto wa miaka 2', 'ana degedege, mtoto wa miaka 2'],
    ['ar', 'لا يوجد تشنج عند الطفل', 'يوجد تشنج عند الطفل'],
  ])('in %s: "%s" is not urgent, "%s" is', (lang, negated, affirmed) => {
    expect(signsOf(negated, lang)).toEqual([]);
    expect(urgent(affirmed, lang)).toBe(true);
  });

  it('reaches across a list joined by "or", not past "but" or another finding', () => {
    expect(urgent('no fever or convulsions')).toBe(false);
    expect(signsOf('no fever but convulsions')).toEqual(['imci.convulsions']);
    expect(signsOf('no fever unable to drink')).toEqual(['imci.unable-to-drink']);
    expect(signsOf('not feeding and lethargic, 3 years old')).toContain('imci.lethargic-unconscious');
  });

  it('keeps findings that are themselves negative: "ne boit pas", "hanywi", "not breast feeding"', () => {
    expect(signsOf('enfant de 3 ans ne boit pas', 'fr')).toEqual(['imci.unable-to-drink']);
    expect(signsOf('mtoto wa miaka 2 hanywi', 'sw')).toEqual(['imci.unable-to-drink']);
    expect(signsOf('3 year old not breast feeding', 'en')).toEqual(['imci.unable-to-drink']);
  });

  it('reads a negation written after the finding: "convulsions: none"', () => {
    expect(urgent('convulsions: none, child 2 years')).toBe(false);
  });

  it('reads Portuguese "no" as "in the", with the hint or from the words', () => {
    expect(signsOf('RN com icterícia no primeiro dia', 'pt')).toEqual(['newborn.early-jaundice']);
    expect(signsOf('RN com icterícia no primeiro dia')).toEqual(['newborn.early-jaundice']);
    expect(urgent('no jaundice on the first day, baby 3 days old', 'en')).toBe(false);
  });
});

describe('thresholds by age', () => {
  it('counts fast breathing as a danger sign only in a young infant', () => {
    expect(signsOf('5 days old, RR 64')).toEqual(['newborn.fast-breathing']);
    expect(signsOf('bébé de 3 semaines, FR 62 c/min', 'fr')).toEqual(['newborn.fast-breathing']);
    expect(signsOf('mtoto mchanga wa siku 5, kupumua 62', 'sw')).toEqual(['newborn.fast-breathing']);
    expect(signsOf('رضيع عمره 10 ايام معدل التنفس 65', 'ar')).toEqual(['newborn.fast-breathing']);
    expect(urgent('2 month old, RR 58, cough')).toBe(false);
    expect(urgent('8 month old breathing 55 per minute')).toBe(false);
    expect(urgent('3 year old, 45 breaths/min')).toBe(false);
  });

  it('makes fast breathing urgent at any age with chest indrawing', () => {
    expect(signsOf('8 month old RR 55 with chest indrawing')).toEqual(['imci.chest-indrawing']);
  });

  it('reads fever and hypothermia as danger signs in a young infant only', () => {
    expect(signsOf('1 month old temp 38.2')).toEqual(['newborn.temperature']);
    expect(signsOf('newborn temp 35')).toEqual(['newborn.temperature']);
    expect(signsOf('recién nacido con 39°C', 'es')).toEqual(['newborn.temperature']);
    expect(urgent('3 year old temp 39.5, playing')).toBe(false);
    expect(urgent('6 month old with fever 38.5')).toBe(false);
  });

  it('tells an age from a duration', () => {
    expect(urgent('child with fever for 5 days, 38.5')).toBe(false);
    expect(urgent('baby of 5 days with fever 38.5')).toBe(true);
    expect(urgent('diarrhée depuis 5 jours, fièvre 38.5', 'fr')).toBe(false);
    expect(urgent('bébé de 5 jours, fièvre 38.5', 'fr')).toBe(true);
  });

  it('reads blood pressure in mmHg and in French cmHg, in pregnancy', () => {
    expect(signsOf('32 weeks pregnant, BP 165/112')).toEqual(['obstetric.severe-hypertension']);
    expect(signsOf('enceinte 34 SA, TA 16/11', 'fr')).toEqual(['obstetric.severe-hypertension']);
    expect(urgent('enceinte 34 SA, TA 12/8', 'fr')).toBe(false);
    expect(urgent('man of 50, BP 165/100 on amlodipine')).toBe(false);
  });

  it('reads oxygen saturation, MUAC and capillary refill', () => {
    expect(signsOf('sat 85% on air')).toEqual(['resp.hypoxaemia']);
    expect(signsOf('SpO2 88')).toEqual(['resp.hypoxaemia']);
    expect(urgent('SpO2 96%')).toBe(false);
    expect(signsOf('MUAC 105 mm, not eating')).toEqual(['nutrition.sam-complicated']);
    expect(signsOf('PB 10,5 cm, fièvre 39,5', 'fr')).toEqual(['nutrition.sam-complicated']);
    expect(urgent('MUAC 13.5 cm, eating well')).toBe(false);
    expect(signsOf('CRT >3 s')).toEqual(['etat.shock']);
    expect(urgent('CRT 2 s')).toBe(false);
  });
});

describe('typing as health workers do', () => {
  it.each([
    ['convultion in a 2yo', 'imci.convulsions'],
    ['seizur since morning, 4 years', 'imci.convulsions'],
    ['child unconcious after fever', 'imci.lethargic-unconscious'],
    ['child letargic', 'imci.lethargic-unconscious'],
    ['cant drink, 3 yrs', 'imci.unable-to-drink'],
    ['bleedin heavily after delivery', 'obstetric.pph'],
    ['convulciones en niño de 3 años', 'imci.convulsions'],
    ['degedge tangu asubuhi, mtoto wa miaka 2', 'imci.convulsions'],
  ])('"%s" gives %s', (text, id) => {
    expect(signsOf(text)).toContain(id);
  });

  it('forgives one typo only in words of six letters or more, and not for a real word', () => {
    expect(urgent('the fits')).toBe(true);
    expect(urgent('the fist')).toBe(false);
    expect(urgent('seizrue this morning')).toBe(true);
    expect(urgent('oedemes bilatéraux prenant le godet, enfant de 3 ans', 'fr')).toBe(true);
  });
});

describe('Arabic normalization', () => {
  it('matches whatever the alef, yaa or taa marbuta, with or without tashkeel', () => {
    const expected = ['imci.convulsions'];
    expect(signsOf('طفل عنده تشنج', 'ar')).toEqual(expected);
    expect(signsOf('طفلٌ عِندَهُ تَشَنُّجٌ', 'ar')).toEqual(expected);
    expect(signsOf('طفل في غيبوبة', 'ar')).toEqual(signsOf('طفل في غيبوبه', 'ar'));
    expect(signsOf('طفل يتقيأ كل شيء', 'ar')).toEqual(['imci.vomits-everything']);
    expect(signsOf('طفل يتقيا كل شي', 'ar')).toEqual(['imci.vomits-everything']);
    expect(signsOf('إغماء بعد إصابة في الرأس', 'ar')).toEqual(signsOf('اغماء بعد اصابة في الراس', 'ar'));
    expect(signsOf('حمى عند مولود', 'ar')).toEqual(signsOf('حمي عند مولود', 'ar'));
    expect(signsOf('حمى عند مولود', 'ar')).toEqual(['newborn.temperature']);
  });

  it('reads words with joined prefixes and Arabic-Indic digits', () => {
    expect(signsOf('طفل يعاني من التشنجات والقيء', 'ar')).toContain('imci.convulsions');
    expect(signsOf('رضيع عمره ١٠ أيام معدل التنفس ٦٥', 'ar')).toEqual(['newborn.fast-breathing']);
  });
});

describe('npm run triage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'triage-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints one JSON line per input line, in order, errors in place', () => {
    const lines = [
      JSON.stringify({ text: 'child convulsing', lang: 'en' }),
      '',
      'not json',
      JSON.stringify({ text: 'fièvre depuis 2 jours, boit bien', lang: 'fr' }),
      JSON.stringify({ lang: 'fr' }),
      JSON.stringify({ text: 'هل هناك نزيف؟ لا يوجد نزيف' }),
      JSON.stringify({ text: 'newborn RR 70' }),
    ];
    const file = join(dir, 'in.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const run = spawnSync('npx', ['tsx', 'scripts/triage.ts', '--file', file], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    const out = run.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { urgent: boolean; signs: string[]; error?: string });
    expect(out).toHaveLength(lines.length);
    expect(out.map((o) => o.urgent)).toEqual([true, false, false, false, false, false, true]);
    expect(out[0]).toEqual({ urgent: true, signs: ['imci.convulsions'] });
    expect(out[3]).toEqual({ urgent: false, signs: [] });
    for (const i of [1, 2, 4]) expect(out[i]!.error).toEqual(expect.any(String));
    expect(out[6]!.signs).toEqual(['newborn.fast-breathing']);
  });

  it('reads stdin with --file -', () => {
    const input = `${JSON.stringify({ text: 'no convulsions' })}\n${JSON.stringify({ text: 'convulsions' })}`;
    const run = spawnSync('npx', ['tsx', 'scripts/triage.ts', '--file', '-'], { input, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('{"urgent":false,"signs":[]}\n{"urgent":true,"signs":["imci.convulsions"]}\n');
  });
});
