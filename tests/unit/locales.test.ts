import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../src/i18n/languages';

// Every translation must mirror the English source: same keys, the plural forms its language needs,
// the same {{placeholders}}, and no English left behind.

const LOCALES = new URL('../../locales/', import.meta.url);
const SOURCE = 'en';
/**
 * Values that stay English on purpose: in every language as `namespace:key` (the brand, a technical name),
 * or in one language as `lang:namespace:key` (a word that language spells as English does, like Spanish “No”).
 */
const SAME_AS_ENGLISH = new Set(['common:appName', 'models:webgpu', 'es:models:no']);
const PLURAL_CATEGORIES = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;
const PLURAL_KEY = /^(.+)_(zero|one|two|few|many|other)$/;
const PLACEHOLDER = /{{\s*([^{}\s,]+)[^{}]*}}/g;
/** A count may be spelled out ("نتيجتان", two results) in a plural form that stands for one number only. */
const COUNT_PLACEHOLDER = /count/i;

type Tree = { [key: string]: unknown };

function readNamespace(lang: string, file: string): unknown {
  return JSON.parse(readFileSync(new URL(`${lang}/${file}`, LOCALES), 'utf8'));
}

/** Leaf strings by dotted path (i18next's key separator); anything that is not a string or an object is reported. */
function flatten(tree: unknown, problems: string[], prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree)) {
    problems.push(`${prefix || '(root)'}: expected an object`);
    return out;
  }
  for (const [key, value] of Object.entries(tree as Tree)) {
    const path = prefix + key;
    if (typeof value === 'string') {
      if (value.trim() === '') problems.push(`${path}: empty string`);
      out.set(path, value);
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [k, v] of flatten(value, problems, `${path}.`)) out.set(k, v);
    } else {
      problems.push(`${path}: expected a string or an object, got ${JSON.stringify(value)}`);
    }
  }
  return out;
}

/** English keys grouped by base key; a plural base (one with an `_other` form) maps each category to its text. */
function groupSource(flat: Map<string, string>): Map<string, Map<string, string>> {
  const groups = new Map<string, Map<string, string>>();
  for (const [key, value] of flat) {
    const match = PLURAL_KEY.exec(key);
    const base = match && flat.has(`${match[1]}_other`) ? match[1]! : key;
    const forms = groups.get(base) ?? new Map<string, string>();
    forms.set(match && base !== key ? match[2]! : '', value);
    groups.set(base, forms);
  }
  return groups;
}

function placeholders(text: string): Set<string> {
  return new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!));
}

function pluralCategories(lang: string): string[] {
  const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories as string[];
  return PLURAL_CATEGORIES.filter((c) => categories.includes(c));
}

/** True when a plural category covers exactly one whole number (Arabic zero, one and two), so the number may be written as a word. */
function isSingleNumber(lang: string, category: string): boolean {
  const rules = new Intl.PluralRules(lang);
  let hits = 0;
  for (let n = 0; n <= 1000; n++) if (rules.select(n) === category) hits++;
  return hits === 1;
}

/** Everything wrong with one namespace of one language, compared with English; empty when it is right. */
function localeProblems(lang: string, namespace: string, source: unknown, translation: unknown): string[] {
  const problems: string[] = [];
  const english = groupSource(flatten(source, []));
  const translated = flatten(translation, problems);
  const categories = pluralCategories(lang);

  const expected = new Map<string, { base: string; category: string }>();
  for (const [base, forms] of english) {
    if (forms.has('')) expected.set(base, { base, category: '' });
    else for (const category of categories) expected.set(`${base}_${category}`, { base, category });
  }
  for (const key of expected.keys()) if (!translated.has(key)) problems.push(`${key}: missing`);
  for (const key of translated.keys())
    if (!expected.has(key)) problems.push(`${key}: not in English (or a plural form ${lang} does not use)`);

  for (const [key, value] of translated) {
    const target = expected.get(key);
    if (!target) continue;
    const englishForms = [...english.get(target.base)!.values()];
    const wanted = new Set(englishForms.flatMap((text) => [...placeholders(text)]));
    const found = placeholders(value);
    const singleNumber = target.category !== '' && isSingleNumber(lang, target.category);
    for (const name of wanted) {
      if (!found.has(name) && !(singleNumber && COUNT_PLACEHOLDER.test(name))) problems.push(`${key}: lacks {{${name}}}`);
    }
    for (const name of found) if (!wanted.has(name)) problems.push(`${key}: has {{${name}}}, which English does not`);
    const hasLetters = englishForms.some((text) => /\p{L}/u.test(text));
    const sameOnPurpose = SAME_AS_ENGLISH.has(`${namespace}:${target.base}`) || SAME_AS_ENGLISH.has(`${lang}:${namespace}:${target.base}`);
    if (hasLetters && englishForms.includes(value) && !sameOnPurpose) {
      problems.push(`${key}: still English (“${value}”)`);
    }
  }
  return problems;
}

const englishFiles = readdirSync(new URL(`${SOURCE}/`, LOCALES)).filter((f) => f.endsWith('.json'));
const languages = readdirSync(LOCALES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== SOURCE)
  .map((entry) => entry.name)
  .sort();

describe('locales', () => {
  it('has a folder for every language the picker offers, and no other', () => {
    const offered = LANGUAGES.map((l) => l.code as string).filter((code) => code !== SOURCE);
    expect(languages).toEqual([...offered].sort());
    expect(englishFiles.length).toBeGreaterThan(0);
  });

  describe.each(languages)('%s', (lang) => {
    it.each(englishFiles)('%s matches the English file', (file) => {
      expect(existsSync(new URL(`${lang}/${file}`, LOCALES)), `locales/${lang}/${file} is missing`).toBe(true);
      const namespace = file.replace(/\.json$/, '');
      expect(localeProblems(lang, namespace, readNamespace(SOURCE, file), readNamespace(lang, file))).toEqual([]);
    });
  });

  describe('the checker', () => {
    const source = {
      appName: 'Meditron Field',
      title: 'Guideline library',
      range: '{{found}} of {{expected}}',
      dots: '…',
      nested: { save: 'Save' },
      resultCount_one: '{{count}} result',
      resultCount_other: '{{count}} results',
    };
    const french = {
      appName: 'Meditron Field',
      title: 'Bibliothèque',
      range: '{{found}} sur {{expected}}',
      dots: '…',
      nested: { save: 'Enregistrer' },
      resultCount_one: '{{count}} résultat',
      resultCount_many: '{{count}} résultats',
      resultCount_other: '{{count}} résultats',
    };

    it('accepts a complete translation', () => {
      expect(localeProblems('fr', 'common', source, french)).toEqual([]);
    });

    it('reports a missing key, an extra key and a value left in English', () => {
      const { title: _title, ...rest } = french;
      expect(localeProblems('fr', 'common', source, { ...rest, nested: { save: 'Save' }, extra: 'En trop' })).toEqual([
        'title: missing',
        'extra: not in English (or a plural form fr does not use)',
        'nested.save: still English (“Save”)',
      ]);
    });

    it('reports a lost or renamed placeholder', () => {
      expect(localeProblems('fr', 'common', source, { ...french, range: '{{trouvés}} sur {{expected}}' })).toEqual([
        'range: lacks {{found}}',
        'range: has {{trouvés}}, which English does not',
      ]);
    });

    it('asks each language for its own plural forms', () => {
      const swahili = {
        appName: 'Meditron Field',
        title: 'Maktaba',
        range: '{{found}} kati ya {{expected}}',
        dots: '…',
        nested: { save: 'Hifadhi' },
        resultCount_one: 'Tokeo {{count}}',
        resultCount_other: 'Matokeo {{count}}',
      };
      expect(localeProblems('sw', 'common', source, swahili)).toEqual([]);
      expect(localeProblems('fr', 'common', source, swahili)).toContain('resultCount_many: missing');
      expect(localeProblems('sw', 'common', source, french)).toContain(
        'resultCount_many: not in English (or a plural form sw does not use)',
      );
      const arabic = { ...swahili, resultCount_zero: 'لا توجد نتائج', resultCount_one: 'نتيجة واحدة', resultCount_two: 'نتيجتان' };
      expect(localeProblems('ar', 'common', source, arabic)).toEqual(['resultCount_few: missing', 'resultCount_many: missing']);
    });

    it('lets a word stay English only in the language listed for it', () => {
      const english = { yes: 'Yes', no: 'No' };
      expect(localeProblems('es', 'models', english, { yes: 'Sí', no: 'No' })).toEqual([]);
      expect(localeProblems('fr', 'models', english, { yes: 'Oui', no: 'No' })).toEqual(['no: still English (“No”)']);
    });

    it('lets only a single-number plural form spell out the count', () => {
      const noCount = { ...french, resultCount_one: 'Un résultat' };
      expect(localeProblems('fr', 'common', source, noCount)).toEqual(['resultCount_one: lacks {{count}}']);
    });
  });
});
