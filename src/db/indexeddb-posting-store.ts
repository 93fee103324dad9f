import { termsStartingWith } from '../core/search/fuzzy';
import type { PackSearchMeta } from '../core/search/index-builder';
import type { PostingStore } from '../core/search/search';
import type { LibraryDb } from './library-db';

/**
 * Postings read from IndexedDB on demand: a search touches only the rows of its own terms, so
 * start-up reads nothing but the small per-pack metadata.
 */
export class IndexedDbPostingStore implements PostingStore {
  private cached: { key: string; metas: PackSearchMeta[] } | null = null;
  private vocabulary: { key: string; terms: string[] } | null = null;

  constructor(private readonly db: LibraryDb) {}

  async packs(): Promise<PackSearchMeta[]> {
    // Another tab or the import worker may have changed the packs: key the cache on their hashes.
    const key = (await this.db.packs.toArray()).map((p) => `${p.id}@${p.manifest.contentHash}`).join();
    if (this.cached?.key !== key) this.cached = { key, metas: await this.db.packSearch.toArray() };
    return this.cached.metas;
  }

  async postings(terms: readonly string[]) {
    if (terms.length === 0) return [];
    const rows = await this.db.postings
      .where('term')
      .anyOf([...terms])
      .toArray();
    return rows.map(({ packId, term, docs, impacts }) => ({ packId, term, list: { docs, impacts } }));
  }

  /**
   * Loaded once, on the first misspelled word: a cursor scan per unknown word costs 4–13 ms, a binary
   * search over the sorted vocabulary (tens of thousands of short strings) next to nothing.
   */
  async termsWithPrefix(prefix: string, limit: number): Promise<string[]> {
    await this.packs();
    const key = this.cached!.key;
    if (this.vocabulary?.key !== key) {
      this.vocabulary = { key, terms: (await this.db.postings.orderBy('term').uniqueKeys()) as string[] };
    }
    return termsStartingWith(this.vocabulary.terms, prefix, limit);
  }
}
