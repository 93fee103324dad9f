import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LexiconSchema } from '../../src/core/lang/lexicon-schema';
import { foldText } from '../../src/core/text/fold';

// The Spanish→English medical lexicon and its development set of Spanish questions.

const LEXICON = new URL('../../content/lexicon/es.json', import.meta.url);
const DEV_SET = new URL('../../bench/queries/crosslingual-es-dev.jsonl', import.meta.url);
const ASCII_ENGLISH = /^[\x20-\x7e]+$/;

const lexicon = LexiconSchema.parse(JSON.parse(readFileSync(LEXICON, 'utf8')));

/** Folded term → its English meanings, the way a tablet looks a typed word up. */
const byTerm = new Map<string, string[]>();
for (const entry of lexicon.entries) {
  for (const term of entry.terms) byTerm.set(foldText(term), entry.en);
}

describe('Spanish lexicon (content/lexicon/es.json)', () => {
  it('is a Spanish→English lexicon with at least 900 entries', () => {
    expect(lexicon.language).toBe('es');
    expect(lexicon.target).toBe('en');
    expect(lexicon.version).toBeGreaterThanOrEqual(1);
    expect(lexicon.entries.length).toBeGreaterThanOrEqual(900);
  });

  it('lists each term once, after lower-casing and removing accents', () => {
    const seen = new Set<string>();
    const duplicates: string[] = [];
    for (const entry of lexicon.entries) {
      for (const term of entry.terms) {
        const key = foldText(term);
        if (seen.has(key)) duplicates.push(term);
        seen.add(key);
      }
    }
    expect(duplicates).toEqual([]);
  });

  it('gives every meaning in plain ASCII English', () => {
    const bad = lexicon.entries.flatMap((entry) => entry.en.filter((en) => !ASCII_ENGLISH.test(en)));
    expect(bad).toEqual([]);
  });

  it('covers every kind of word', () => {
    const kinds = new Set(lexicon.entries.map((entry) => entry.kind));
    for (const kind of ['disease', 'symptom', 'sign', 'body', 'drug', 'procedure', 'question', 'person', 'general']) {
      expect(kinds).toContain(kind);
    }
  });

  it('has cognate suffix rules that turn Spanish endings into English ones', () => {
    const rules = new Map(lexicon.suffixRules.map((rule) => [rule.from, rule.to]));
    expect(rules.get('ción')).toContain('tion');
    expect(rules.get('ía')).toContain('y');
    expect(rules.get('ico')).toContain('ic');
    for (const rule of lexicon.suffixRules) {
      for (const to of rule.to) expect(to).toMatch(ASCII_ENGLISH);
    }
  });

  it.each([
    ['presion alta', 'high blood pressure'],
    ['hipertensión', 'hypertension'],
    ['paludismo', 'malaria'],
    ['diabetis', 'diabetes'],
    ['sintomas', 'symptoms'],
    ['tratamiento', 'treatment'],
    ['como se diagnostica', 'diagnose'],
    ['se hereda', 'inherited'],
    ['pronóstico', 'outlook'],
    ['cuántas personas', 'how many people are affected'],
    ['factores de riesgo', 'risk factors'],
    ['ensayos clinicos', 'clinical trials'],
    ['leucemia linfoblástica aguda', 'acute lymphoblastic leukemia'],
    ['cáncer de mama', 'breast cancer'],
    ['diarrea', 'diarrhea'],
    ['recien nacido', 'newborn'],
    ['embarazada', 'pregnant woman'],
    ['tos ferina', 'whooping cough'],
    ['derrame cerebral', 'stroke'],
    ['médula ósea', 'bone marrow'],
  ])('%s means %s', (term, en) => {
    expect(byTerm.get(foldText(term))).toContain(en);
  });
});

describe('Spanish development set (bench/queries/crosslingual-es-dev.jsonl)', () => {
  const lines = readFileSync(DEV_SET, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('has at least 32 Spanish questions, each with its answer place', () => {
    const spanish = lines.filter((line) => line.lang === 'es');
    expect(spanish.length).toBeGreaterThanOrEqual(32);
    const ids = new Set<unknown>();
    for (const line of lines) {
      expect(line.id).toMatch(/^es-\d{3}$/);
      expect(ids.has(line.id)).toBe(false);
      ids.add(line.id);
      expect(typeof line.query).toBe('string');
      expect((line.query as string).trim().length).toBeGreaterThan(0);
      expect(Array.isArray(line.relevant_docs)).toBe(true);
      expect((line.relevant_docs as unknown[]).length).toBeGreaterThan(0);
      for (const doc of line.relevant_docs as unknown[]) expect(typeof doc).toBe('string');
      expect(typeof line.relevant_section).toBe('string');
      expect((line.relevant_section as string).length).toBeGreaterThan(0);
    }
  });
});
