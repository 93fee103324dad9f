import { describe, expect, it } from 'vitest';
import type { LexiconLanguage } from '../../src/core/lang/lexicon-schema';
import { normalizeFor } from '../../src/core/lang/normalize';
import { lightStem } from '../../src/core/lang/stem';

const stem = (language: LexiconLanguage, word: string) => lightStem(language, normalizeFor(language, word));

/** Each group's forms must share one stem; `stem` is that stem. */
const SAME_STEM: Record<LexiconLanguage, [string[], string][]> = {
  fr: [
    [['douleur', 'douleurs'], 'douleur'],
    [['hôpital', 'hôpitaux'], 'hopital'],
    [['mal', 'maux'], 'mal'],
    [['genou', 'genoux'], 'genou'],
    [['peau', 'peaux'], 'peau'],
    [['douloureux', 'douloureuse', 'douloureuses'], 'douloureux'],
    [['positif', 'positive', 'positives'], 'positif'],
    [['habituel', 'habituelle', 'habituelles'], 'habituel'],
    [['normal', 'normale', 'normales', 'normaux'], 'normal'],
    [['infecté', 'infectée', 'infectées'], 'infecte'],
    [['diarrhée', 'diarrhées'], 'diarrhe'],
    [['symptôme', 'symptômes'], 'symptome'],
  ],
  es: [
    [['síntoma', 'síntomas'], 'sintom'],
    [['dolor', 'dolores'], 'dolor'],
    [['enfermedad', 'enfermedades'], 'enfermedad'],
    [['fiebre', 'fiebres'], 'fiebr'],
    [['mes', 'meses'], 'mes'],
    [['vez', 'veces'], 'vez'],
    [['cicatriz', 'cicatrices'], 'cicatriz'],
    [['infección', 'infecciones'], 'infeccion'],
    [['infectado', 'infectada', 'infectados', 'infectadas'], 'infectad'],
    [['embarazada', 'embarazadas'], 'embarazad'],
    [['diente', 'dientes'], 'dient'],
    [['diarrea', 'diarreas'], 'diarrea'],
    [['cuánto', 'cuántos', 'cuántas'], 'cuant'],
  ],
  pt: [
    [['sintoma', 'sintomas'], 'sintom'],
    [['infecção', 'infecções'], 'infeccao'],
    [['pulmão', 'pulmões'], 'pulmao'],
    [['sinal', 'sinais'], 'sinal'],
    [['possível', 'possíveis'], 'possivel'],
    [['homem', 'homens'], 'homem'],
    [['dor', 'dores'], 'dor'],
    [['febre', 'febres'], 'febr'],
    [['mulher', 'mulheres'], 'mulher'],
    [['mês', 'meses'], 'mes'],
    [['dose', 'doses'], 'dose'],
    [['criança', 'crianças'], 'crianc'],
    [['grávida', 'grávidas'], 'gravid'],
    [['mãe', 'mães'], 'mae'],
    [['quanto', 'quantos', 'quantas'], 'quant'],
  ],
  sw: [
    [['kidonda', 'vidonda'], 'kidonda'],
    [['kipimo', 'vipimo'], 'kipimo'],
    [['chakula', 'vyakula'], 'chakula'],
    [['kichwa', 'kichwani'], 'kichwa'],
    [['tumbo', 'tumboni'], 'tumbo'],
    [['mwili', 'mwilini'], 'mwili'],
    [['hospitali', 'hospitalini'], 'hospitali'],
  ],
  ar: [
    [['مرض', 'المرض', 'والمرض', 'بالمرض', 'ومرض'], 'مرض'],
    [['أطفال', 'الأطفال', 'للأطفال', 'وللأطفال'], 'اطفال'],
    [['علامة', 'علامات', 'العلامات', 'علاماتها'], 'علام'],
    [['السكري', 'سكري'], 'سكر'],
    [['وراثي', 'وراثية', 'الوراثية', 'الوراثي'], 'راث'],
    [['وقاية', 'الوقاية', 'والوقاية'], 'قاي'],
    [['مريض', 'مريضه', 'مريضة', 'المريضة', 'مريضين'], 'مريض'],
    [['سرطان', 'السرطان', 'سرطانات'], 'سرط'],
    [['علاج', 'العلاج', 'علاجه', 'علاجها', 'بالعلاج'], 'علاج'],
  ],
};

/** Words a light stemmer must leave alone: singular -s words, short words, vowel-final stems, class prefixes. */
const UNCHANGED: Record<LexiconLanguage, string[]> = {
  fr: ['virus', 'pus', 'sinus', 'fois', 'toux', 'yeux', 'selle', 'os', 'aux', 'douloureux', 'rale'],
  es: ['virus', 'tos', 'dosis', 'crisis', 'caso', 'casa', 'mano', 'malaria', 'diarrea', 'pie', 'ojo'],
  pt: ['virus', 'mais', 'pais', 'dois', 'mao', 'dose', 'malaria', 'diarreia', 'infeccao', 'olho'],
  sw: ['mimba', 'malaria', 'maumivu', 'watoto', 'mtoto', 'miguu', 'wagonjwa', 'ndani', 'ini', 'nini', 'virusi', 'vitamini', 'vipi'],
  ar: ['وجع', 'ورم', 'حمى', 'الدم', 'الم', 'ملاريا', 'كلى', 'دواء'],
};

describe('lightStem', () => {
  for (const language of Object.keys(SAME_STEM) as LexiconLanguage[]) {
    it(`${language}: gives a word's forms one stem`, () => {
      for (const [forms, expected] of SAME_STEM[language]) {
        for (const form of forms) expect(stem(language, form), form).toBe(expected);
      }
    });

    it(`${language}: leaves words without a safe ending alone`, () => {
      for (const word of UNCHANGED[language]) expect(stem(language, word), word).toBe(normalizeFor(language, word));
    });
  }

  it('is deterministic and idempotent on its own output for plurals', () => {
    expect(stem('fr', 'hôpitaux')).toBe(stem('fr', 'hôpitaux'));
    expect(lightStem('es', lightStem('es', 'dolores'))).toBe('dolor');
  });
});
