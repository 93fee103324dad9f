import type { BenchQuery } from '../protocol';

/** An excerpt as a result list shows it. */
export interface DisplayedExcerpt {
  docId: string;
  section: string;
  text: string;
}

/** One search engine under test, with its own IndexedDB database. */
export interface Engine {
  /** Deletes the engine's database. */
  reset(): Promise<void>;
  /** Parses, chunks, indexes and persists the corpus; resolves once the write has committed. */
  install(corpusText: string): Promise<number>;
  /** Size of the persisted index, counted as bench/README.md says; not part of the import time. */
  indexBytes(): Promise<number>;
  /** Opens the persisted index, in a page that has not touched it yet. */
  open(): Promise<void>;
  /** Ranked excerpts, read back from IndexedDB, ready to display. */
  query(q: BenchQuery, limit: number): Promise<DisplayedExcerpt[]>;
}

/** The same chunking options for every engine, so both index the very same excerpts. */
export const CORPUS_OPTIONS = { packId: 'bench', title: 'Benchmark corpus' } as const;
