import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LEXICON_KINDS, LexiconSchema } from '../../src/core/lang/lexicon-schema';
import { foldText } from '../../src/core/text/fold';

// The Portuguese → English lexicon and its development set of Portuguese questions: the format, no term
// listed twice (once accents are folded, as the search folds them), English on the English side, and the
// meanings of the words health workers in Brazil, Mozambique, Angola and Portugal type most.

const LEXICON = LexiconSchema.parse(JSON.parse(readFileSync(new URL('../../content/lexicon/pt.json', import.meta.url), 'utf8')));

const DevLine = z.object({
  id: z.string().regex(/^pt-\d{3}$/),
  query: z.string().trim().min(1),
  lang: z.literal('pt'),
  relevant_docs: z.array(z.string().min(1)).min(1),
  relevant_section: z.string().min(1).optional(),
});

function lookup(): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const entry of LEXICON.entries) {
    for (const term of entry.terms) map.set(foldText(term.trim()), entry.en);
  }
  return map;
}

describe('Portuguese lexicon', () => {
  it('is the Portuguese → English lexicon', () => {
    expect(LEXICON.version).toBeGreaterThanOrEqual(1);
    expect(LEXICON.language).toBe('pt');
    expect(LEXICON.target).toBe('en');
  });

  it('has at least 900 entries, of every kind', () => {
    expect(LEXICON.entries.length).toBeGreaterThanOrEqual(900);
    const kinds = new Set(LEXICON.entries.map((e) => e.kind));
    for (const kind of LEXICON_KINDS) expect(kinds, kind).toContain(kind);
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

  it('gives English, in printable ASCII, on the English side', () => {
    const bad = LEXICON.entries.flatMap((e) => e.en).filter((w) => !/^[\x20-\x7e]+$/.test(w));
    expect(bad).toEqual([]);
  });

  it('has cognate ending rules', () => {
    const rules = new Map(LEXICON.suffixRules.map((r) => [foldText(r.from), r.to]));
    expect(rules.get('cao')).toContain('tion');
    expect(rules.get('ite')).toContain('itis');
    expect(rules.get('ose')).toContain('osis');
    expect(rules.get('ia')).toContain('y');
    expect(rules.get('ico')).toContain('ic');
    expect(rules.get('patia')).toContain('pathy');
    for (const rule of LEXICON.suffixRules) for (const to of rule.to) expect(to).toMatch(/^[a-z]+$/);
  });

  it('knows the words health workers type', () => {
    const map = lookup();
    const expected: [string, string][] = [
      ['paludismo', 'malaria'],
      ['tensao alta', 'high blood pressure'],
      ['pressao alta', 'hypertension'],
      ['diabete', 'diabetes'],
      ['febre', 'fever'],
      ['tosse', 'cough'],
      ['diarreia', 'diarrhea'],
      ['caganeira', 'diarrhea'],
      ['tuberculose', 'tuberculosis'],
      ['sida', 'AIDS'],
      ['drepanocitose', 'sickle cell disease'],
      ['leucemia', 'leukemia'],
      ['cancro da mama', 'breast cancer'],
      ['avc', 'stroke'],
      ['derrame', 'stroke'],
      ['catapora', 'chickenpox'],
      ['papeira', 'mumps'],
      ['tosse convulsa', 'whooping cough'],
      ['lactente', 'infant'],
      ['gestante', 'pregnant woman'],
      ['paracetamol', 'acetaminophen'],
      ['soro caseiro', 'oral rehydration solution'],
      ['ecografia', 'ultrasound'],
      ['tratamento', 'treatment'],
      ['sintomas', 'symptoms'],
      ['hereditaria', 'inherited'],
      ['prognostico', 'outlook'],
      ['quantas pessoas', 'frequency'],
      ['aguda', 'acute'],
      ['congenita', 'congenital'],
    ];
    for (const [term, en] of expected) expect(map.get(term), term).toContain(en);
  });
});

describe('Portuguese development questions', () => {
  const lines = readFileSync(new URL('../../bench/queries/crosslingual-pt-dev.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');

  it('parses, with at least 32 Portuguese questions and unique ids', () => {
    const parsed = lines.map((l) => DevLine.parse(JSON.parse(l)));
    expect(parsed.filter((q) => q.lang === 'pt').length).toBeGreaterThanOrEqual(32);
    expect(new Set(parsed.map((q) => q.id)).size).toBe(parsed.length);
  });
});
