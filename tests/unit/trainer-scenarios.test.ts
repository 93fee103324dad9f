import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoPack } from '../../scripts/demo-pack';
import { readPack } from '../../src/core/pack/pack-reader';
import { SCENARIO_LANGUAGES, type Scenario, type ScenarioLanguage, ScenariosSchema } from '../../src/core/trainer/scenario-schema';
import { IndexedDbPostingStore } from '../../src/db/indexeddb-posting-store';
import type { LibraryDb } from '../../src/db/library-db';
import { searchLibrary } from '../../src/db/library-queries';
import { installPack } from '../../src/db/pack-install';
import { openTestLibrary } from '../fixtures/library';

const SCENARIOS_FILE = new URL('../../content/trainer/scenarios.json', import.meta.url);

const scenarios: Scenario[] = ScenariosSchema.parse(JSON.parse(readFileSync(SCENARIOS_FILE, 'utf8')));
// Built from its sources, as the app's build does: public/packs/ exists only after a build.
const packText = buildDemoPack();
const OTHER_LANGUAGES = SCENARIO_LANGUAGES.filter((l) => l !== 'en');
const TOP = 5;

type Translated = Record<ScenarioLanguage, string>;

/** Every translated text of a scenario, as [where, { en, fr, ... }], teaching points one by one. */
function translatedTexts(s: Scenario): [string, Translated][] {
  const texts: [string, Translated][] = [
    [`${s.id} title`, s.title],
    [`${s.id} story`, s.story],
    ...s.questions.map((q, i) => [`${s.id} question ${i + 1}`, q.text] as [string, Translated]),
  ];
  s.teachingPoints.en.forEach((_, i) => {
    texts.push([
      `${s.id} teaching point ${i + 1}`,
      Object.fromEntries(SCENARIO_LANGUAGES.map((l) => [l, s.teachingPoints[l][i]!])) as Translated,
    ]);
  });
  return texts;
}

describe('trainer scenarios (content/trainer/scenarios.json)', () => {
  it('parse with ScenariosSchema: at least 12 scenarios, each with 3 to 5 questions and teaching points', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(12);
    for (const s of scenarios) {
      expect(s.questions.length, s.id).toBeGreaterThanOrEqual(3);
      expect(s.questions.length, s.id).toBeLessThanOrEqual(5);
      for (const q of s.questions) expect(q.excerptIds.length, s.id).toBeLessThanOrEqual(3);
      for (const lang of SCENARIO_LANGUAGES) {
        expect(s.teachingPoints[lang].length, `${s.id} ${lang}`).toBeGreaterThanOrEqual(3);
        expect(s.teachingPoints[lang].length, `${s.id} ${lang}`).toBeLessThanOrEqual(5);
        // The same points in every language, in the same order.
        expect(s.teachingPoints[lang].length, `${s.id} ${lang}`).toBe(s.teachingPoints.en.length);
      }
    }
  });

  it('have unique ids', () => {
    const ids = scenarios.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('cite only excerpts of the demo pack', async () => {
    const { excerpts } = await readPack([packText]);
    const known = new Set(excerpts.map((e) => e.id));
    for (const s of scenarios) {
      for (const q of s.questions) {
        for (const id of q.excerptIds) expect(known.has(id), `${s.id}: ${id}`).toBe(true);
      }
    }
  });

  it('are translated: no text of more than 20 characters is left in English', () => {
    for (const s of scenarios) {
      for (const [where, text] of translatedTexts(s)) {
        if (text.en.length <= 20) continue;
        for (const lang of OTHER_LANGUAGES) expect(text[lang], `${where} (${lang})`).not.toBe(text.en);
      }
    }
  });

  it('write Arabic in Arabic letters', () => {
    for (const s of scenarios) {
      for (const [where, text] of translatedTexts(s)) expect(text.ar, where).toMatch(/[\u0600-\u06FF]/);
    }
  });
});

describe('trainer scenario questions searched in the demo pack', () => {
  let db: LibraryDb;
  let store: IndexedDbPostingStore;
  beforeAll(async () => {
    db = openTestLibrary('trainer-scenarios');
    await installPack(db, await readPack([packText]));
    store = new IndexedDbPostingStore(db);
  });
  afterAll(async () => {
    await db.delete();
  });

  it(`find one of each English question's excerpts in the top ${TOP}`, async () => {
    const misses: string[] = [];
    for (const s of scenarios) {
      for (const q of s.questions) {
        const { hits } = await searchLibrary(db, store, q.text.en, { limit: TOP });
        const found = hits.map((h) => h.excerpt.id);
        if (!q.excerptIds.some((id) => found.includes(id))) misses.push(`${s.id}: "${q.text.en}" -> ${found.join(', ')}`);
      }
    }
    expect(misses).toEqual([]);
  });
});
