import { termsStartingWith } from './fuzzy';
import type { PackIndex } from './index-builder';
import type { PostingStore } from './search';

/** Postings held in memory: for the clinic server and for tests of ranking. */
export class MemoryPostingStore implements PostingStore {
  private readonly indexes = new Map<string, PackIndex>();
  private sortedTerms: string[] | null = null;

  put(index: PackIndex): void {
    this.indexes.set(index.meta.packId, index);
    this.sortedTerms = null;
  }

  delete(packId: string): void {
    this.indexes.delete(packId);
    this.sortedTerms = null;
  }

  async packs() {
    return [...this.indexes.values()].map((i) => i.meta);
  }

  async postings(terms: readonly string[]) {
    const out = [];
    for (const { meta, postings } of this.indexes.values()) {
      for (const term of terms) {
        const list = postings.get(term);
        if (list) out.push({ packId: meta.packId, term, list });
      }
    }
    return out;
  }

  async termsWithPrefix(prefix: string, limit: number) {
    this.sortedTerms ??= [...new Set([...this.indexes.values()].flatMap((i) => [...i.postings.keys()]))].sort();
    return termsStartingWith(this.sortedTerms, prefix, limit);
  }
}
