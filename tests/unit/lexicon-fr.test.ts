import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LexiconSchema } from '../../src/core/lang/lexicon-schema';
import { foldText } from '../../src/core/text/fold';

// The French → English lexicon and its development set of French questions: the format, no term listed
// twice (once accents are folded, as the search folds them), English on the English side, and the
// meanings of the words health workers type most.

const LEXICON = LexiconSchema.parse(JSON.parse(readFileSync(new URL('../../content/lexicon/fr.json', import.meta.url), 'utf8')));

const DevLine = z.object({
  id: z.string().regex(/^fr-\d{3}$/),
  query: z.string().trim().min(1),
  lang: z.literal('fr'),
  relevant_docs: z.array(z.string().min(1)).min(1),
  relevant_section: z.string().min(1).optional(),
});

function lookup(): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const entry of LEXICON.entries) {
    for (const term of entry.terms) map.set(foldText(term), entry.en);
  }
  return map;
}

describe('French lexicon', () => {
  it('is the French → English lexicon', () => {
    expect(LEXICON.version).toBeGreaterThanOrEqual(1);
    expect(LEXICON.language).toBe('fr');
    expect(LEXICON.target).toBe('en');
  });

  it('has at least 900 entries, of every kind', () => {
    expect(LEXICON.entries.length).toBeGreaterThanOrEqual(900);
    const kinds = new Set(LEXICON.entries.map((e) => e.kind));
    for (const kind of ['disease', 'symptom', 'sign', 'body', 'drug', 'procedure', 'question', 'person', 'general']) {
      expect(kinds, kind).toContain(kind);
    }
  });

  it('lists no term twice once lower-cased and without accents', () => {
    const seen = new Map<string, string>();
    const duplicates: string[] = [];
    for (const entry of LEXICON.entries) {
      for (const term of entry.terms) {
        const folded = foldText(term.trim());
        if (seen.has(folded)) duplicates.push(`${term} (also ${seen.get(folded)})`);
        else seen.set(folded, term);
      }
    }
    expect(duplicates).toEqual([]);
  });

  it('gives English, in ASCII, on the English side', () => {
    const bad = LEXICON.entries.flatMap((e) => e.en).filter((w) => !/^[\x20-\x7e]+$/.test(w) || /[A-Z]/.test(w));
    expect(bad).toEqual([]);
  });

  it('has cognate ending rules', () => {
    const rules = new Map(LEXICON.suffixRules.map((r) => [r.from, r.to]));
    expect(rules.get('ique')).toContain('ic');
    expect(rules.get('ite')).toContain('itis');
    expect(rules.get('ose')).toContain('osis');
    expect(rules.get('émie')).toContain('emia');
    expect(rules.get('ome')).toContain('oma');
    for (const rule of LEXICON.suffixRules) for (const to of rule.to) expect(to).toMatch(/^[a-z]+$/);
  });

  it('knows the words health workers type', () => {
    const map = lookup();
    const expected: [string, string][] = [
      ['palu', 'malaria'],
      ['tension', 'high blood pressure'],
      ['diabete', 'diabetes'],
      ['fievre', 'fever'],
      ['toux', 'cough'],
      ['diarrhee', 'diarrhea'],
      ['tuberculose', 'tuberculosis'],
      ['drepanocytose', 'sickle cell disease'],
      ['leucemie', 'leukemia'],
      ['cancer du sein', 'breast cancer'],
      ['avc', 'stroke'],
      ['nourrisson', 'infant'],
      ['femme enceinte', 'pregnant woman'],
      ['paracetamol', 'acetaminophen'],
      ['traitement', 'treatment'],
      ['symptomes', 'symptoms'],
      ['hereditaire', 'inherited'],
      ['pronostic', 'outlook'],
      ['combien de personnes', 'frequency'],
      ['aigue', 'acute'],
      ['congenitale', 'congenital'],
    ];
    for (const [term, en] of expected) expect(map.get(term), term).toContain(en);
  });
});

describe('French development questions', () => {
  const lines = readFileSync(new URL('../../bench/queries/crosslingual-fr-dev.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');

  it('parses, with at least 32 French questions and unique ids', () => {
    const parsed = lines.map((l) => DevLine.parse(JSON.parse(l)));
    expect(parsed.filter((q) => q.lang === 'fr').length).toBeGreaterThanOrEqual(32);
    expect(new Set(parsed.map((q) => q.id)).size).toBe(parsed.length);
  });
});
