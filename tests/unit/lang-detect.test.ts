import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../src/core/lang/detect';
import type { TextLanguage } from '../../src/core/lang/normalize';

// Questions as health workers type them: with and without accents, full sentences and fragments.
const QUESTIONS: Record<TextLanguage, string[]> = {
  en: [
    'What are the danger signs in a newborn?',
    'How do I treat malaria in a child under 5?',
    'amoxicillin dose for pneumonia',
    'Pregnant woman with fever and headache',
    'Is sickle cell disease inherited?',
    'How many times a day should I give ORS?',
    'Why do malnourished children get oedema?',
    'How to prevent mother to child transmission of HIV',
    'bloody diarrhea in an 8 month old baby',
    'treatment of pulmonary tuberculosis',
    'cough for three weeks',
    'What causes cholera?',
  ],
  fr: [
    'Quels sont les signes de danger chez un nouveau-né ?',
    'Comment traiter le paludisme simple chez un enfant de 3 ans ?',
    "Quelle dose d'amoxicilline pour une pneumonie chez l'enfant ?",
    'Ma patiente enceinte a de la fievre et des maux de tete, que faire ?',
    'Est-ce que la drépanocytose est héréditaire ?',
    'Combien de fois par jour faut-il donner le SRO ?',
    'Pourquoi les enfants malnutris ont des oedemes ?',
    "Comment prévenir la transmission du VIH de la mère à l'enfant ?",
    'Diarrhée avec sang chez un bébé de 8 mois',
    'Quel est le traitement de la tuberculose pulmonaire ?',
    'toux depuis 3 semaines',
    'Les symptômes du choléra',
  ],
  es: [
    '¿Cuáles son los signos de peligro en un recién nacido?',
    '¿Cómo se trata la malaria en niños menores de 5 años?',
    '¿Qué dosis de amoxicilina para la neumonía?',
    'Mi paciente embarazada tiene fiebre y dolor de cabeza, ¿qué hago?',
    '¿La anemia falciforme es hereditaria?',
    '¿Cuántas veces al día se da el suero oral?',
    '¿Por qué los niños desnutridos tienen edemas?',
    '¿Cómo prevenir la transmisión del VIH de madre a hijo?',
    'Diarrea con sangre en un bebé de 8 meses',
    'Tratamiento de la tuberculosis pulmonar',
    'tos desde hace tres semanas',
    'sintomas del colera',
  ],
  pt: [
    'Quais são os sinais de perigo no recém-nascido?',
    'Como tratar a malária em crianças com menos de 5 anos?',
    'Qual a dose de amoxicilina para pneumonia?',
    'Minha paciente grávida tem febre e dor de cabeça, o que fazer?',
    'A anemia falciforme é hereditária?',
    'Quantas vezes por dia devo dar o soro oral?',
    'Por que as crianças desnutridas têm edema?',
    'Como prevenir a transmissão do HIV da mãe para o bebê?',
    'Diarreia com sangue num bebê de 8 meses',
    'Tratamento da tuberculose pulmonar',
    'tosse há três semanas',
    'sintomas da colera',
  ],
  sw: [
    'Dalili za malaria kwa watoto ni zipi?',
    'Mtoto wa miaka miwili ana homa na kutapika, nifanye nini?',
    'Ni dawa gani inatumika kutibu kifua kikuu?',
    'Mama mjamzito ana maumivu ya kichwa na homa',
    'Je, ugonjwa wa selimundu ni wa kurithi?',
    'Mara ngapi kwa siku nimpe mtoto ORS?',
    'Kwa nini watoto wenye utapiamlo wanavimba miguu?',
    'Jinsi ya kuzuia maambukizi ya VVU kutoka kwa mama kwenda kwa mtoto',
    'Kuhara damu kwa mtoto wa miezi minane',
    'Matibabu ya kifua kikuu',
    'kikohozi cha wiki tatu',
    'Dalili za kipindupindu',
  ],
  ar: [
    'ما هي أعراض الملاريا عند الأطفال؟',
    'كيف أعالج الإسهال عند الرضيع؟',
    'ما جرعة الأموكسيسيلين للالتهاب الرئوي؟',
    'امرأة حامل عندها حمى وصداع',
    'هل فقر الدم المنجلي وراثي؟',
    'كم مرة في اليوم أعطي محلول الإرواء؟',
    'لماذا يصاب الأطفال بسوء التغذية؟',
    'كيف نمنع انتقال فيروس نقص المناعة من الأم إلى الطفل؟',
    'إسهال مع دم عند طفل عمره ٨ أشهر',
    'علاج السل الرئوي',
    'سعال منذ ثلاثة أسابيع',
    'جرعة paracetamol للأطفال',
  ],
};

/** Words that say too little alone: the UI language decides. */
const SHORT_WITH_HINT: [string, TextLanguage][] = [
  ['paludisme', 'fr'],
  ['fièvre enfant', 'fr'],
  ['VIH', 'fr'],
  ['dengue', 'es'],
  ['fiebre alta', 'es'],
  ['dengue', 'pt'],
  ['febre', 'pt'],
  ['malaria', 'sw'],
  ['kipindupindu', 'sw'],
  ['homa', 'sw'],
  ['malaria', 'en'],
];

describe('detectLanguage', () => {
  for (const [language, questions] of Object.entries(QUESTIONS) as [TextLanguage, string[]][]) {
    it(`recognizes ${language} questions without a hint`, () => {
      const misses = questions.filter((q) => detectLanguage(q) !== language).map((q) => `${q} → ${detectLanguage(q)}`);
      if (misses.length) console.info(`${language}: ${misses.length}/${questions.length} missed:\n  ${misses.join('\n  ')}`);
      expect(1 - misses.length / questions.length).toBeGreaterThanOrEqual(0.9);
    });
  }

  it('keeps the UI language for short or ambiguous text', () => {
    for (const [text, hint] of SHORT_WITH_HINT) expect(detectLanguage(text, hint), text).toBe(hint);
    expect(detectLanguage('malaria')).toBe('en');
    expect(detectLanguage('')).toBe('en');
    expect(detectLanguage('', 'sw')).toBe('sw');
    expect(detectLanguage('paludisme', 'fr-CA')).toBe('fr');
    expect(detectLanguage('malaria', 'de')).toBe('en');
  });

  it('overrides the hint when the text clearly is another language', () => {
    expect(detectLanguage('What is the treatment for malaria in children?', 'es')).toBe('en');
    expect(detectLanguage('¿Cuál es el tratamiento de la malaria en niños?', 'en')).toBe('es');
    expect(detectLanguage('Quais são os sintomas da dengue?', 'es')).toBe('pt');
    expect(detectLanguage('Mtoto wangu ana homa kali sana', 'fr')).toBe('sw');
    expect(detectLanguage('ما علاج الملاريا؟', 'fr')).toBe('ar');
    expect(detectLanguage('What is the dose of paracetamol for a child?', 'ar')).toBe('en');
  });
});
