import { type BenchQuery, type EngineName, RESULT_LIMIT } from '../protocol';
import type { Engine } from './engine';
import { MiniSearchEngine } from './minisearch';
import { OursEngine } from './ours';

const engines: Record<EngineName, Engine> = { ours: new OursEngine(), minisearch: new MiniSearchEngine() };

/** Chromium's non-standard heap figures, present with --enable-precise-memory-info for exact ones. */
type MemoryInfo = { usedJSHeapSize: number };
type WithGc = typeof globalThis & { gc?: () => void };

async function heapMB(): Promise<number | null> {
  const gc = (globalThis as WithGc).gc;
  // Twice, with a turn of the event loop between: the first pass can leave finalizable garbage.
  for (let i = 0; i < 2; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const memory = (performance as Performance & { memory?: MemoryInfo }).memory;
  return memory ? memory.usedJSHeapSize / 2 ** 20 : null;
}

window.bench = {
  async importCorpus(name, corpusUrl) {
    const engine = engines[name];
    await engine.reset();
    const response = await fetch(corpusUrl);
    if (!response.ok) throw new Error(`GET ${corpusUrl}: HTTP ${response.status}`);
    const text = await response.text();
    const start = performance.now();
    const excerpts = await engine.install(text);
    const importMs = performance.now() - start;
    return { importMs, indexBytes: await engine.indexBytes(), excerpts };
  },

  async coldStart(name, query: BenchQuery) {
    const engine = engines[name];
    const start = performance.now();
    await engine.open();
    await engine.query(query, RESULT_LIMIT);
    return performance.now() - start;
  },

  async runQueries(name, queries) {
    const engine = engines[name];
    const timesMs: number[] = [];
    const results = [];
    for (const q of queries) {
      const start = performance.now();
      const shown = await engine.query(q, RESULT_LIMIT);
      timesMs.push(performance.now() - start);
      results.push(shown.map(({ docId, section }) => ({ docId, section })));
    }
    return { timesMs, results };
  },

  heapMB,
};
