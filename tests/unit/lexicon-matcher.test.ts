import { describe, expect, it } from 'vitest';
import { compileLexicon, translateQuery } from '../../src/core/lang/lexicon';
import type { Lexicon } from '../../src/core/lang/lexicon-schema';

const fr: Lexicon = {
  version: 1,
  language: 'fr',
  target: 'en',
  entries: [
    { terms: ['cancer'], en: ['cancer'], kind: 'disease' },
    { terms: ['cancer du sein'], en: ['breast cancer'], kind: 'disease' },
    { terms: ['sein'], en: ['breast'], kind: 'body' },
    { terms: ['paludisme', 'palu'], en: ['malaria'], kind: 'disease' },
    { terms: ['symptômes', 'signes'], en: ['symptoms', 'signs'], kind: 'question' },
    { terms: ['tension artérielle élevée', 'hypertension'], en: ['high blood pressure', 'hypertension'], kind: 'disease' },
  ],
  suffixRules: [
    { from: 'ique', to: ['ic'] },
    { from: 'ite', to: ['itis'] },
  ],
};

const sw: Lexicon = {
  version: 1,
  language: 'sw',
  target: 'en',
  entries: [
    { terms: ['homa'], en: ['fever'], kind: 'symptom' },
    { terms: ['kifua kikuu'], en: ['tuberculosis'], kind: 'disease' },
    { terms: ['dalili'], en: ['symptoms'], kind: 'question' },
  ],
  suffixRules: [],
};

describe('lexicon lookups', () => {
  const french = compileLexicon('fr', fr);

  it('takes the longest phrase it knows, so "cancer du sein" is breast cancer', () => {
    expect(translateQuery(french, 'Quels sont les symptômes du cancer du sein ?').mapped).toEqual(['symptoms', 'signs', 'breast cancer']);
  });

  it('finds words typed without accents, in lay forms and in the plural', () => {
    expect(translateQuery(french, 'symptomes du palu').mapped).toEqual(['symptoms', 'signs', 'malaria']);
    expect(translateQuery(french, 'TENSION ARTERIELLE ELEVEE').mapped).toEqual(['high blood pressure', 'hypertension']);
  });

  it('gives cognates by ending for words it does not know, and keeps them as typed too', () => {
    const t = translateQuery(french, 'leucémie lymphoblastique et arthrite');
    expect(t.cognates).toEqual(['lymphoblastic', 'arthritis']);
    expect(t.unmatched).toEqual(['leucemie', 'lymphoblastique', 'arthrite']);
  });

  it('matches multi-word terms in Swahili', () => {
    expect(translateQuery(compileLexicon('sw', sw), 'Dalili za kifua kikuu na homa?').mapped).toEqual([
      'symptoms',
      'tuberculosis',
      'fever',
    ]);
  });

  it("adds a pack's entries to the base, and a pack's meaning to a base phrase", () => {
    const withPack = compileLexicon('fr', fr, [
      [
        { terms: ['coartem'], en: ['artemether lumefantrine'], kind: 'drug' },
        { terms: ['palu'], en: ['plasmodium falciparum'], kind: 'disease' },
      ],
    ]);
    expect(translateQuery(withPack, 'coartem pour le palu').mapped).toEqual([
      'artemether lumefantrine',
      'malaria',
      'plasmodium falciparum',
    ]);
    expect(translateQuery(french, 'coartem').unmatched).toEqual(['coartem']);
  });
});
