import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LexiconSchema } from '../../src/core/lang/lexicon-schema';
import { foldText } from '../../src/core/text/fold';

// The Swahili→English lexicon: well formed, no word listed twice, English that the guideline text would use,
// and the words a Swahili-speaking health worker types most often meaning what they should.

const lexicon = LexiconSchema.parse(JSON.parse(readFileSync(new URL('../../content/lexicon/sw.json', import.meta.url), 'utf8')));
const DEV_SET = readFileSync(new URL('../../bench/queries/crosslingual-sw-dev.jsonl', import.meta.url), 'utf8');

function key(term: string): string {
  return foldText(term).trim().replace(/\s+/g, ' ');
}

const meaning = new Map<string, string[]>();
for (const entry of lexicon.entries) {
  for (const term of entry.terms) meaning.set(key(term), entry.en);
}

describe('Swahili lexicon', () => {
  it('is Swahili to English, version 1 or later', () => {
    expect(lexicon.language).toBe('sw');
    expect(lexicon.target).toBe('en');
    expect(lexicon.version).toBeGreaterThanOrEqual(1);
  });

  it('holds at least 900 entries', () => {
    expect(lexicon.entries.length).toBeGreaterThanOrEqual(900);
  });

  it('lists every term once, after folding case and accents', () => {
    const seen = new Set<string>();
    const duplicates: string[] = [];
    for (const entry of lexicon.entries) {
      for (const term of entry.terms) {
        const k = key(term);
        if (seen.has(k)) duplicates.push(term);
        seen.add(k);
      }
    }
    expect(duplicates).toEqual([]);
  });

  it('gives plain ASCII English meanings', () => {
    const notAscii = lexicon.entries.flatMap((entry) => entry.en).filter((en) => !/^[\x20-\x7e]+$/.test(en));
    expect(notAscii).toEqual([]);
  });

  it('covers every kind of word', () => {
    const kinds = new Set(lexicon.entries.map((entry) => entry.kind));
    for (const kind of ['disease', 'symptom', 'sign', 'body', 'drug', 'procedure', 'question', 'person', 'general']) {
      expect(kinds.has(kind as (typeof lexicon.entries)[number]['kind'])).toBe(true);
    }
  });

  it('has suffix rules with Swahili endings and English replacements', () => {
    for (const rule of lexicon.suffixRules) {
      expect(rule.from).toMatch(/^[a-z]+$/);
      for (const to of rule.to) expect(to).toMatch(/^[a-z]+$/);
    }
  });

  const SPOT_CHECKS: Array<[string, string]> = [
    ['homa', 'fever'],
    ['kifua kikuu', 'tuberculosis'],
    ['kisukari', 'diabetes'],
    ['presha', 'high blood pressure'],
    ['shinikizo la damu', 'hypertension'],
    ['kuharisha', 'diarrhea'],
    ['kipindupindu', 'cholera'],
    ['upungufu wa damu', 'anemia'],
    ['saratani ya damu', 'leukemia'],
    ['degedege', 'convulsions'],
    ['mjamzito', 'pregnant woman'],
    ['mtoto mchanga', 'newborn'],
    ['dalili', 'symptoms'],
    ['matibabu', 'treatment'],
    ['inarithiwa', 'inherited'],
    ['vihatarishi', 'risk factors'],
    ['figo', 'kidney'],
    ['viuavijasumu', 'antibiotics'],
    ['sugu', 'chronic'],
    ['ya kuzaliwa nayo', 'congenital'],
  ];

  it.each(SPOT_CHECKS)('reads “%s” as “%s”', (term, en) => {
    expect(meaning.get(key(term))).toContain(en);
  });
});

describe('Swahili development questions', () => {
  const lines = DEV_SET.split('\n').filter((line) => line.trim() !== '');
  const questions = lines.map((line) => JSON.parse(line) as Record<string, unknown>);

  it('holds at least 32 Swahili questions with their answers', () => {
    expect(questions.filter((q) => q.lang === 'sw').length).toBeGreaterThanOrEqual(32);
    for (const q of questions) {
      expect(typeof q.id).toBe('string');
      expect(typeof q.query).toBe('string');
      expect((q.query as string).length).toBeGreaterThan(0);
      expect(Array.isArray(q.relevant_docs)).toBe(true);
      expect((q.relevant_docs as unknown[]).length).toBeGreaterThan(0);
      expect(typeof q.relevant_section).toBe('string');
    }
  });

  it('gives every question its own id', () => {
    const ids = questions.map((q) => q.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
