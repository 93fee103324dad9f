import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Lexicon, LexiconSchema } from '../../src/core/lang/lexicon-schema';
import { foldText } from '../../src/core/text/fold';

// The Arabic → English lexicon: valid against the schema, no word claimed twice once folded (so "أنيميا"
// and "انيميا" count as one), English on the English side, and a few meanings that must not drift.

const LEXICON_PATH = new URL('../../content/lexicon/ar.json', import.meta.url);
const DEV_SET_PATH = new URL('../../bench/queries/crosslingual-ar-dev.jsonl', import.meta.url);
const MIN_ENTRIES = 900;
const MIN_DEV_QUERIES = 32;
const ARABIC_LETTER = /[\u0600-\u06FF]/;
const ASCII_ENGLISH = /^[\x20-\x7E]+$/;

/** Folded Arabic term → one English word or phrase its entry must give. */
const SPOT_CHECKS = new Map<string, string>([
  [foldText('سكري'), 'diabetes'],
  [foldText('ضغط عالي'), 'high blood pressure'],
  [foldText('أنيميا'), 'anemia'],
  [foldText('لوكيميا'), 'leukemia'],
  [foldText('ألزهايمر'), "Alzheimer's disease"],
  [foldText('باركنسون'), "Parkinson's disease"],
  [foldText('متلازمة داون'), 'Down syndrome'],
  [foldText('أنسولين'), 'insulin'],
  [foldText('فيروس'), 'virus'],
  [foldText('السل'), 'tuberculosis'],
  [foldText('ملاريا'), 'malaria'],
  [foldText('كحة'), 'cough'],
  [foldText('سخونة'), 'fever'],
  [foldText('إسهال'), 'diarrhea'],
  [foldText('أعراض'), 'symptoms'],
  [foldText('علاج'), 'treatment'],
  [foldText('وراثي'), 'inherited'],
  [foldText('مضاعفات'), 'complications'],
  [foldText('كم عدد'), 'frequency'],
  [foldText('الوقاية'), 'prevention'],
  [foldText('حامل'), 'pregnant woman'],
  [foldText('كلى'), 'kidney'],
]);

function loadLexicon(): Lexicon {
  return LexiconSchema.parse(JSON.parse(readFileSync(LEXICON_PATH, 'utf8')));
}

describe('Arabic lexicon', () => {
  const lexicon = loadLexicon();

  it('is the Arabic → English lexicon, version 1 or later', () => {
    expect(lexicon.language).toBe('ar');
    expect(lexicon.target).toBe('en');
    expect(lexicon.version).toBeGreaterThanOrEqual(1);
  });

  it(`has at least ${MIN_ENTRIES} entries`, () => {
    expect(lexicon.entries.length).toBeGreaterThanOrEqual(MIN_ENTRIES);
  });

  it('claims no term twice, after folding case, accents and Arabic letter variants', () => {
    const seen = new Map<string, string>();
    const duplicates: string[] = [];
    for (const entry of lexicon.entries) {
      for (const term of entry.terms) {
        const folded = foldText(term);
        const first = seen.get(folded);
        if (first !== undefined) duplicates.push(`${term} (also ${first})`);
        else seen.set(folded, term);
      }
    }
    expect(duplicates).toEqual([]);
  });

  it('writes every term in Arabic script', () => {
    const notArabic = lexicon.entries.flatMap((e) => e.terms).filter((t) => !ARABIC_LETTER.test(t));
    expect(notArabic).toEqual([]);
  });

  it('gives English (plain ASCII) on the English side', () => {
    const bad = lexicon.entries.flatMap((e) => e.en).filter((w) => !ASCII_ENGLISH.test(w) || !/[A-Za-z]/.test(w));
    expect(bad).toEqual([]);
  });

  it('keeps the meanings of key words', () => {
    const byTerm = new Map<string, string[]>();
    for (const entry of lexicon.entries) for (const term of entry.terms) byTerm.set(foldText(term), entry.en);
    for (const [term, en] of SPOT_CHECKS) {
      expect(byTerm.get(term), term).toContain(en);
    }
  });

  it('has no cognate suffix rules, since Arabic script shares no word endings with English', () => {
    expect(lexicon.suffixRules).toEqual([]);
  });
});

describe('Arabic cross-lingual development questions', () => {
  const lines = readFileSync(DEV_SET_PATH, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  const queries = lines.map(
    (line) =>
      JSON.parse(line) as {
        id: string;
        query: string;
        lang: string;
        relevant_docs: string[];
        relevant_section?: string | null;
      },
  );

  it(`has at least ${MIN_DEV_QUERIES} Arabic questions`, () => {
    expect(queries.filter((q) => q.lang === 'ar').length).toBeGreaterThanOrEqual(MIN_DEV_QUERIES);
  });

  it('gives each question a unique id, Arabic text and relevant articles', () => {
    expect(new Set(queries.map((q) => q.id)).size).toBe(queries.length);
    for (const q of queries) {
      expect(q.id).toMatch(/^ar-\d{3}$/);
      expect(ARABIC_LETTER.test(q.query), q.id).toBe(true);
      expect(q.relevant_docs.length, q.id).toBeGreaterThan(0);
      for (const doc of q.relevant_docs) expect(doc).toMatch(/^medquad-\d+-\d+(_\d+)?$/);
    }
  });
});
