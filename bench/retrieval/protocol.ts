// What the Node runner and the bench page exchange through page.evaluate: plain JSON only.

export type EngineName = 'ours' | 'minisearch';

export const ENGINES: readonly EngineName[] = ['ours', 'minisearch'];

export interface BenchQuery {
  query: string;
  /** Threaded into the search options when a query line has it; search ignores it for now. */
  lang?: string;
}

/** What relevance is judged on: the article and section of one displayed result. */
export interface ResultRef {
  docId: string;
  section: string;
}

export interface ImportFigures {
  importMs: number;
  indexBytes: number;
  excerpts: number;
}

export interface QueryBatch {
  /** Per query, from the call to ranked excerpts read back and ready to display. */
  timesMs: number[];
  /** Per query, its distinct results in rank order (at most RESULT_LIMIT). */
  results: ResultRef[][];
}

/** Results kept per query: enough for MRR@10. */
export const RESULT_LIMIT = 10;

/**
 * The API the bench page puts on `window.bench`. Queries go in batches, so the page never holds
 * the results of earlier batches: they would count in its heap.
 */
export interface BenchPage {
  importCorpus(engine: EngineName, corpusUrl: string): Promise<ImportFigures>;
  /** Opens the persisted index and answers one query: the page must be fresh. */
  coldStart(engine: EngineName, query: BenchQuery): Promise<number>;
  runQueries(engine: EngineName, queries: BenchQuery[]): Promise<QueryBatch>;
  /** usedJSHeapSize after forcing GC where the page can, in MB; null without performance.memory. */
  heapMB(): Promise<number | null>;
}

declare global {
  interface Window {
    bench: BenchPage;
  }
}
