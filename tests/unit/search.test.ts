import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Excerpt } from '../../src/core/pack/pack-schema';
import { buildPackIndex } from '../../src/core/search/index-builder';
import { MemoryPostingStore } from '../../src/core/search/memory-store';
import { type PostingStore, type SearchOptions, search } from '../../src/core/search/search';
import { IndexedDbPostingStore } from '../../src/db/indexeddb-posting-store';
import type { LibraryDb } from '../../src/db/library-db';
import { installPack } from '../../src/db/pack-install';
import { openTestLibrary } from '../fixtures/library';
import { MEDICAL_PACKS } from '../fixtures/medical-corpus';
import { makePackParts } from '../fixtures/pack';

const excerptsByPack = new Map(MEDICAL_PACKS.map((p) => [p.id, p.excerpts]));
const excerptOf = (packId: string, ordinal: number): Excerpt => excerptsByPack.get(packId)![ordinal]!;

function memoryStore(packs: { id: string; excerpts: Excerpt[] }[]): MemoryPostingStore {
  const store = new MemoryPostingStore();
  for (const { id, excerpts } of packs) store.put(buildPackIndex(id, excerpts));
  return store;
}

const databases: LibraryDb[] = [];
async function indexedDbStore(packs: { id: string; excerpts: Excerpt[] }[]): Promise<IndexedDbPostingStore> {
  const db = openTestLibrary('search');
  databases.push(db);
  for (const { id, excerpts } of packs) await installPack(db, makePackParts({ id, excerpts }));
  return new IndexedDbPostingStore(db);
}
afterAll(async () => {
  for (const db of databases) await db.delete();
});

const STORES: [string, () => Promise<PostingStore>][] = [
  ['MemoryPostingStore', async () => memoryStore(MEDICAL_PACKS)],
  ['IndexedDbPostingStore', () => indexedDbStore(MEDICAL_PACKS)],
];

describe.each(STORES)('search over %s', (_name, makeStore) => {
  let store: PostingStore;
  beforeAll(async () => {
    store = await makeStore();
  });

  /** Hits as "Document / Section", best first. */
  async function ranked(query: string, options?: SearchOptions): Promise<string[]> {
    const { hits } = await search(store, query, options);
    return hits.map((h) => {
      const e = excerptOf(h.packId, h.ordinal);
      return `${e.docTitle} / ${e.section}`;
    });
  }

  it('ranks the Symptoms section of the condition first for "What are the symptoms of X?"', async () => {
    expect((await ranked('What are the symptoms of pneumonia?'))[0]).toBe('Pneumonia / Symptoms');
    expect((await ranked('What are the symptoms of migraine?'))[0]).toBe('Migraine / Symptoms');
  });

  it('ranks Exams and tests first for "How is X diagnosed?"', async () => {
    expect((await ranked('How is malaria diagnosed?'))[0]).toBe('Malaria / Exams and tests');
    expect((await ranked('How is pneumonia diagnosed?'))[0]).toBe('Pneumonia / Exams and tests');
    expect((await ranked('How is deep vein thrombosis diagnosed?'))[0]).toBe('Deep vein thrombosis / Exams and tests');
  });

  it('ranks the Overview first for "what is X"', async () => {
    expect((await ranked('what is malaria'))[0]).toBe('Malaria / Overview');
    expect((await ranked('What is cystic fibrosis?'))[0]).toBe('Cystic fibrosis / Overview');
  });

  it('follows other intents: inheritance, causes, prevention', async () => {
    expect((await ranked('Is cystic fibrosis inherited?'))[0]).toBe('Cystic fibrosis / Inheritance');
    expect((await ranked('What causes migraine?'))[0]).toBe('Migraine / Causes');
    expect((await ranked('how to prevent malaria'))[0]).toBe('Malaria / Prevention');
  });

  it('still finds pneumonia treatment when both words are misspelled', async () => {
    const result = await search(store, 'pnemonia treatmnt');
    expect(result.terms).toEqual(expect.arrayContaining(['pneumonia', 'treatment']));
    expect((await ranked('pnemonia treatmnt')).slice(0, 3)).toContain('Pneumonia / Treatment');
  });

  it('expands an abbreviation: "DVT treatment" finds deep vein thrombosis', async () => {
    expect((await ranked('DVT treatment'))[0]).toBe('Deep vein thrombosis / Treatment');
  });

  it('is not derailed by a story told before the question', async () => {
    const query = 'My father is 70 and has been tired for weeks. What are the treatments for anemia?';
    expect((await ranked(query))[0]).toBe('Anemia / Treatment');
  });

  it('returns nothing for a query of stop words only', async () => {
    expect(await search(store, 'What is it and how can I do this?')).toEqual({ hits: [], terms: [] });
    expect(await search(store, '   ')).toEqual({ hits: [], terms: [] });
  });

  it('folds diacritics on both sides', async () => {
    for (const query of ['diarrhée', 'diarrhee', 'DIARRHÉE aiguë']) {
      expect((await ranked(query))[0], query).toMatch(/^Diarrhée aiguë \//);
    }
    // The text spells "fievre" without its accent; the question has it.
    expect(await ranked('fièvre')).toEqual(['Diarrhée aiguë / Vue d’ensemble']);
  });

  it('returns each document section at most once', async () => {
    const tbTreatment = MEDICAL_PACKS.flatMap((p) => p.excerpts).filter((e) => e.docId === 'tuberculosis' && e.section === 'Treatment');
    expect(tbTreatment).toHaveLength(2);
    const hits = await ranked('tuberculosis treatment medicines', { limit: 50 });
    expect(hits.filter((h) => h === 'Tuberculosis / Treatment')).toHaveLength(1);
    expect(new Set(hits).size).toBe(hits.length);
  });

  it('restricts results to the sources asked for', async () => {
    const all = await search(store, 'treatment', { limit: 50 });
    const sourcesOf = (hits: typeof all.hits) => new Set(hits.map((h) => excerptOf(h.packId, h.ordinal).source));
    expect(sourcesOf(all.hits)).toEqual(new Set(['MedlinePlus', 'WHO']));
    const who = await search(store, 'treatment', { limit: 50, sources: ['WHO'] });
    expect(sourcesOf(who.hits)).toEqual(new Set(['WHO']));
    expect(who.hits.map((h) => excerptOf(h.packId, h.ordinal).docTitle)).toEqual(expect.arrayContaining(['Malaria', 'Tuberculosis']));
    expect((await search(store, 'treatment', { sources: ['Nobody'] })).hits).toEqual([]);
  });

  it('does not return a section that matches only the intent of the question', async () => {
    // Every document has a Symptoms section, but none mentions kwashiorkor or "signs".
    expect((await search(store, 'What are the signs of kwashiorkor?')).hits).toEqual([]);
    // The same intent with a word that matches: only that condition's sections come back.
    const hits = await ranked('What are the signs of malaria?');
    expect(hits[0]).toBe('Malaria / Symptoms');
    expect(hits.every((h) => h.startsWith('Malaria / '))).toBe(true);
  });

  it('returns at most `limit` hits, best first', async () => {
    const { hits } = await search(store, 'fever', { limit: 3 });
    expect(hits).toHaveLength(3);
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
  });
});

describe('MemoryPostingStore and IndexedDbPostingStore', () => {
  const queries = [
    'What are the symptoms of pneumonia?',
    'How is malaria diagnosed?',
    'what is malaria',
    'pnemonia treatmnt',
    'DVT treatment',
    'My father is 70 and has been tired for weeks. What are the treatments for anemia?',
    'diarrhée',
    'tuberculosis treatment medicines',
    'treatment',
    'fever cough chest',
    'blood',
  ];

  it('give identical hits for the same packs', async () => {
    const memory = memoryStore(MEDICAL_PACKS);
    const indexedDb = await indexedDbStore(MEDICAL_PACKS);
    for (const query of queries) {
      const a = await search(memory, query, { limit: 20 });
      const b = await search(indexedDb, query, { limit: 20 });
      expect(
        b.hits.map((h) => `${h.packId}#${h.ordinal}`),
        query,
      ).toEqual(a.hits.map((h) => `${h.packId}#${h.ordinal}`));
      for (const [i, hit] of b.hits.entries()) expect(hit.score, query).toBeCloseTo(a.hits[i]!.score, 9);
      expect([...b.terms].sort(), query).toEqual([...a.terms].sort());
    }
  });

  // Two excerpts that score exactly alike: the order of the hits must not depend on the order of the
  // words in the question, nor on the order in which a store returns its posting rows (query order in
  // memory, term order in IndexedDB). Today ties keep the order in which excerpts were first touched.
  it('break ties between equal scores the same way whatever the store and the word order', async () => {
    const tied: Excerpt[] = [
      { id: 'a.0', docId: 'a', docTitle: 'Note', section: 'General', text: 'alpha', source: 'WHO', language: 'en' },
      { id: 'b.0', docId: 'b', docTitle: 'Note', section: 'General', text: 'zeta', source: 'WHO', language: 'en' },
      { id: 'c.0', docId: 'c', docTitle: 'Other', section: 'General', text: 'gamma', source: 'WHO', language: 'en' },
    ];
    const packs = [{ id: 'ties', excerpts: tied }];
    const stores = [memoryStore(packs), await indexedDbStore(packs)];
    const orders = new Set<string>();
    for (const store of stores) {
      for (const query of ['zeta alpha', 'alpha zeta']) {
        const { hits } = await search(store, query);
        expect(hits).toHaveLength(2);
        expect(hits[0]!.score).toBe(hits[1]!.score);
        orders.add(hits.map((h) => h.ordinal).join());
      }
    }
    expect([...orders]).toHaveLength(1);
  });

  // PostingStore.termsWithPrefix promises "indexed terms starting with a prefix, in order, at most
  // `limit`". In IndexedDB the limit is applied to index rows, one per pack, before duplicates are
  // removed: with packs sharing their vocabulary, fewer distinct terms come back, and a misspelling
  // is corrected against a smaller vocabulary than in memory.
  it('list the same distinct terms for a prefix when packs share their vocabulary', async () => {
    const shared = (id: string) => ({
      id,
      excerpts: ['tetanus', 'tetracycline', 'test', 'testosterone', 'thalassemia'].map((word, i) => ({
        id: `${id}.${i}`,
        docId: `${id}-${i}`,
        docTitle: 'Note',
        section: 'General',
        text: word,
        source: 'WHO',
        language: 'en',
      })),
    });
    const packs = [shared('one'), shared('two'), shared('three')];
    const memory = memoryStore(packs);
    const indexedDb = await indexedDbStore(packs);
    const expected = await memory.termsWithPrefix('te', 4);
    expect(expected).toHaveLength(4);
    expect(new Set(expected).size).toBe(4);
    expect(await indexedDb.termsWithPrefix('te', 4)).toEqual(expected);
  });
});
