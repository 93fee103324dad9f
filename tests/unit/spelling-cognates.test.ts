import { describe, expect, it } from 'vitest';
import { spellingCognates, spellingSkeleton } from '../../src/core/search/cognates';
import { buildPackIndex } from '../../src/core/search/index-builder';
import { MemoryPostingStore } from '../../src/core/search/memory-store';
import { termOf } from '../../src/core/text/analyze';
import { makeExcerpt } from '../fixtures/pack';

describe('spelling cognates', () => {
  it('reduce spellings that differ by language alone to one skeleton', () => {
    expect(spellingSkeleton('hypermethioninemia')).toBe(spellingSkeleton('hipermetioninemia'));
    expect(spellingSkeleton('hemophagocytic')).toBe(spellingSkeleton('hemofagocitic'));
    expect(spellingSkeleton('rhabdomyolysis')).toBe(spellingSkeleton('rabdomiolisis'));
    expect(spellingSkeleton('malaria')).not.toBe(spellingSkeleton('maladie'));
  });

  it("find the index's English spelling of a long foreign word, and nothing for short or unrelated ones", async () => {
    const store = new MemoryPostingStore();
    const texts = [
      'Hypermethioninemia is an excess of methionine.',
      'Hemophagocytic lymphohistiocytosis in children.',
      'Malaria and fever.',
    ];
    store.put(
      buildPackIndex(
        'p',
        texts.map((text, i) => makeExcerpt(i + 1, { text })),
      ),
    );
    const found = await spellingCognates(
      store,
      ['hipermetioninemia', 'hemofagocit', 'fiebre', 'xyzzyplugh'].map((w) => termOf(w)!),
    );
    expect(found.get(termOf('hipermetioninemia')!)).toEqual([termOf('hypermethioninemia')]);
    expect(found.get(termOf('hemofagocit')!)).toEqual([termOf('hemophagocytic')]);
    expect(found.has('fiebr')).toBe(false);
    expect(found.has(termOf('xyzzyplugh')!)).toBe(false);
  });
});
