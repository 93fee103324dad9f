import { describe, expect, it } from 'vitest';
import { analyzeForeign } from '../../src/core/lang/analyze-query';
import type { LexiconLanguage } from '../../src/core/lang/lexicon-schema';
import { normalizeFor } from '../../src/core/lang/normalize';
import { isStopWord, QUESTION_PHRASES, STOP_WORDS } from '../../src/core/lang/stopwords';

const LANGUAGES = Object.keys(STOP_WORDS) as LexiconLanguage[];
const wordsOf = (language: LexiconLanguage, text: string) => analyzeForeign(language, text).map((t) => t.word);

describe('normalizeFor', () => {
  it('lower-cases and folds Latin accents', () => {
    expect(normalizeFor('fr', 'Fièvre, Diarrhée, Œdème, CŒUR, Ça')).toBe('fievre, diarrhee, oedeme, coeur, ca');
    expect(normalizeFor('es', '¿Niño con Tos? Sí, añoranza')).toBe('¿nino con tos? si, anoranza');
    expect(normalizeFor('pt', 'Infecção, pulmões, mãe, avô, você')).toBe('infeccao, pulmoes, mae, avo, voce');
    expect(normalizeFor('sw', 'Homa KALI')).toBe('homa kali');
  });

  it('applies compatibility forms', () => {
    expect(normalizeFor('fr', 'ﬁèvre 5 m²')).toBe('fievre 5 m2');
    expect(normalizeFor('ar', 'ﻻ ﺑ')).toBe('لا ب');
  });

  it('folds Arabic letter variants, tashkeel and tatweel', () => {
    expect(normalizeFor('ar', 'أ إ آ ٱ')).toBe('ا ا ا ا');
    expect(normalizeFor('ar', 'حمى مستشفى')).toBe('حمي مستشفي');
    expect(normalizeFor('ar', 'ئ سئل')).toBe('ي سيل');
    expect(normalizeFor('ar', 'مؤلم')).toBe('مولم');
    expect(normalizeFor('ar', 'حامل مريضة')).toBe('حامل مريضه');
    expect(normalizeFor('ar', 'الْحُمَّى مُعْدِيَةٌ هٰذا')).toBe('الحمي معديه هذا');
    expect(normalizeFor('ar', 'مـــريض')).toBe('مريض');
  });

  it('turns Eastern digits into ASCII and Arabic punctuation into spaces', () => {
    expect(normalizeFor('ar', '٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹')).toBe('0123456789 0123456789');
    expect(normalizeFor('ar', 'حمى، سعال؛ ماذا؟')).toBe('حمي  سعال  ماذا ');
  });

  it('drops French elided articles and pronouns, whatever the apostrophe', () => {
    expect(normalizeFor('fr', "l'hypertension")).toBe('hypertension');
    expect(normalizeFor('fr', 'L’enfant d’un an')).toBe('enfant un an');
    expect(normalizeFor('fr', "qu'est-ce que c'est, jusqu'à s'il n'a j'ai")).toBe('est-ce que est, a il a ai');
    expect(normalizeFor('fr', "aujourd'hui")).toBe("aujourd'hui");
  });

  it("joins Swahili ng' and leaves other languages' apostrophes to the tokenizer", () => {
    expect(normalizeFor('sw', "ng'ombe Ng’ambo")).toBe('ngombe ngambo');
    expect(normalizeFor('es', "l'agua")).toBe("l'agua");
  });
});

describe('stop words', () => {
  it('are written in normalized form', () => {
    for (const language of LANGUAGES) {
      for (const word of STOP_WORDS[language]) expect(normalizeFor(language, word), `${language}: ${word}`).toBe(word);
      for (const phrase of QUESTION_PHRASES[language]) for (const word of phrase) expect(normalizeFor(language, word)).toBe(word);
    }
  });

  it('catch Arabic function words with attached conjunctions and suffixes', () => {
    expect(isStopWord('ar', 'وهل')).toBe(true);
    expect(isStopWord('ar', 'فما')).toBe(true);
    expect(isStopWord('ar', 'عندي')).toBe(true);
    expect(isStopWord('ar', 'فم')).toBe(false);
    expect(isStopWord('ar', 'قدمي')).toBe(false);
  });
});

/** Question scaffolding goes; the words that decide the answering section, and the medical words, stay. */
const QUESTIONS: Record<LexiconLanguage, [string, string[]][]> = {
  fr: [
    ["Quels sont les symptômes de l'hypertension ?", ['symptomes', 'hypertension']],
    ["Qu'est-ce que le traitement du paludisme chez l'enfant ?", ['traitement', 'paludisme', 'enfant']],
    ['Pourquoi a-t-il de la fièvre ?', ['pourquoi', 'fievre']],
    ['Comment diagnostiquer et prévenir la tuberculose ?', ['diagnostiquer', 'prevenir', 'tuberculose']],
    ['La drépanocytose est-elle héréditaire ? Quelle est la cause ?', ['drepanocytose', 'hereditaire', 'cause']],
    ['Combien de fois par jour ? Est-ce fréquent, souvent ?', ['combien', 'fois', 'jour', 'frequent', 'souvent']],
    ['mal de tête depuis 3 jours', ['mal', 'tete', '3', 'jours']],
  ],
  es: [
    ['¿Cuáles son los síntomas de la diabetes?', ['sintomas', 'diabetes']],
    ['¿Cuál es el tratamiento de la malaria en niños?', ['tratamiento', 'malaria', 'ninos']],
    ['¿Por qué tengo fiebre?', ['por', 'que', 'fiebre']],
    ['¿Cómo se diagnostica y cómo prevenir el dengue?', ['diagnostica', 'prevenir', 'dengue']],
    ['¿Es hereditaria? ¿Cuál es la causa?', ['hereditaria', 'causa']],
    ['¿Cuántas veces al día? ¿Con qué frecuencia?', ['cuantas', 'veces', 'dia', 'frecuencia']],
  ],
  pt: [
    ['Quais são os sintomas da dengue?', ['sintomas', 'dengue']],
    ['Qual é o tratamento da malária em crianças?', ['tratamento', 'malaria', 'criancas']],
    ['Por que ele tem febre?', ['por', 'que', 'febre']],
    ['Como diagnosticar e prevenir a tuberculose?', ['diagnosticar', 'prevenir', 'tuberculose']],
    ['É hereditária? Qual é a causa?', ['hereditaria', 'causa']],
    ['Quantas vezes por dia? Com que frequência?', ['quantas', 'vezes', 'dia', 'frequencia']],
  ],
  sw: [
    ['Dalili za malaria ni zipi?', ['dalili', 'malaria']],
    ['Je, matibabu ya kifua kikuu ni nini?', ['matibabu', 'kifua', 'kikuu']],
    ['Kwa nini mtoto wangu ana homa?', ['kwa', 'nini', 'mtoto', 'homa']],
    ['Jinsi ya kuzuia na utambuzi wa kisukari', ['jinsi', 'kuzuia', 'utambuzi', 'kisukari']],
    ['Je, ugonjwa huu ni wa kurithi? Sababu yake ni nini?', ['ugonjwa', 'kurithi', 'sababu']],
    ['Mara ngapi kwa siku?', ['mara', 'ngapi', 'siku']],
  ],
  ar: [
    ['ما هي أعراض السكري؟', ['اعراض', 'السكري']],
    ['ما هو علاج الملاريا عند الأطفال؟', ['علاج', 'الملاريا', 'الاطفال']],
    ['لماذا عندي حمى؟', ['لماذا', 'حمي']],
    ['كيف يتم تشخيص السل وهل الوقاية ممكنة؟', ['تشخيص', 'السل', 'الوقايه']],
    ['هل هذا المرض وراثي؟ ما سبب المرض؟', ['المرض', 'وراثي', 'سبب', 'المرض']],
    ['كم مرة في اليوم؟', ['كم', 'مره', 'اليوم']],
  ],
};

describe('analyzeForeign', () => {
  for (const language of LANGUAGES) {
    it(`${language}: drops stop words and keeps the question words`, () => {
      for (const [question, expected] of QUESTIONS[language]) expect(wordsOf(language, question), question).toEqual(expected);
    });
  }

  it('gives each word with its stem, in order', () => {
    expect(analyzeForeign('fr', 'Les douleurs des hôpitaux')).toEqual([
      { word: 'douleurs', stem: 'douleur' },
      { word: 'hopitaux', stem: 'hopital' },
    ]);
    expect(analyzeForeign('ar', 'والأطفال')).toEqual([{ word: 'والاطفال', stem: 'اطفال' }]);
  });

  it('reduces a lexicon phrase and the same words in a question to the same stems', () => {
    const stems = (language: LexiconLanguage, text: string) => analyzeForeign(language, text).map((t) => t.stem);
    expect(stems('fr', 'Il a des maux de tête')).toEqual(stems('fr', 'mal de tête'));
    expect(stems('sw', 'Ana vidonda vya tumbo')).toEqual(stems('sw', 'kidonda cha tumbo'));
    expect(stems('es', '¿Por qué?')).toEqual(['por', 'que']);
  });
});
