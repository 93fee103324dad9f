// npm run bench:retrieval -- --corpus FILE --queries FILE [--queries FILE …] [--limit N]
// Import, index size, cold start, latency, heap and quality of our IndexedDB BM25 search against
// MiniSearch, in headless Chromium with real IndexedDB. The last stdout line is the JSON result.
import { readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildStandalonePage } from '../../scripts/build-page';
import { serveFolder } from '../../scripts/serve-folder';
import { withBenchPage } from './browser';
import { parseCli } from './cli';
import { docIdsOfCorpus, type JudgedQuery, judgeQueries } from './judgements';
import { percentile, quality, round } from './metrics';
import { type BenchQuery, ENGINES, type EngineName, type ResultRef } from './protocol';

export interface EngineFigures {
  importMs: number;
  indexBytes: number;
  coldStartMs: number;
  heapMB: number | null;
  recall5: number;
  mrr10: number;
  sectionHit5: number | null;
  p50Ms: number;
  p95Ms: number;
}

const WORK_DIR = fileURLToPath(new URL('../../.bench/', import.meta.url));
const PAGE_DIR = resolve(WORK_DIR, 'retrieval-page');
const PROFILE_DIR = resolve(WORK_DIR, 'retrieval-profile');
const CORPUS_PATH = '/corpus.jsonl';
/** Queries per page.evaluate: results go back to Node batch by batch instead of piling up in the page heap. */
const BATCH = 250;

const log = (line: string) => process.stderr.write(`[bench:retrieval] ${line}\n`);

async function main(): Promise<void> {
  const options = parseCli(process.argv.slice(2));
  const corpusText = await readFile(options.corpus, 'utf8');
  const queryFiles = await Promise.all(options.queries.map((file) => readFile(file, 'utf8')));
  const queriesText = queryFiles.map((text) => (text.endsWith('\n') ? text : `${text}\n`)).join('');
  const docIds = docIdsOfCorpus(corpusText);
  const { judged, dropped } = judgeQueries(queriesText, docIds.byId);
  const queries = options.limit ? judged.slice(0, options.limit) : judged;
  if (queries.length === 0) throw new Error('No query has a relevant article in the corpus.');
  log(
    `${docIds.records} corpus records (${docIds.byId.size} distinct ids); ${queries.length} queries (${dropped} dropped: no relevant article in the corpus)`,
  );

  log('building the bench page with Vite');
  await buildStandalonePage(fileURLToPath(new URL('./page', import.meta.url)), PAGE_DIR);
  await rm(PROFILE_DIR, { recursive: true, force: true });
  const server = await serveFolder(PAGE_DIR, new Map([[CORPUS_PATH, resolve(options.corpus)]]));
  try {
    const figures: Partial<Record<EngineName, EngineFigures>> = {};
    for (const engine of ENGINES) figures[engine] = await measure(engine, `${server.url}/`, queries);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await server.close();
    await rm(PROFILE_DIR, { recursive: true, force: true });
  }
}

async function measure(engine: EngineName, url: string, queries: readonly JudgedQuery[]): Promise<EngineFigures> {
  const imported = await withBenchPage(PROFILE_DIR, url, log, (page) =>
    page.evaluate(([e, path]) => window.bench.importCorpus(e, path), [engine, CORPUS_PATH] as const),
  );
  log(`${engine}: imported ${imported.excerpts} excerpts in ${Math.round(imported.importMs)} ms; index ${imported.indexBytes} bytes`);

  // A second browser: nothing of the import is left in memory, only what IndexedDB persisted.
  const run = await withBenchPage(PROFILE_DIR, url, log, async (page) => {
    const emptyHeap = await page.evaluate(() => window.bench.heapMB());
    const coldStartMs = await page.evaluate(([e, q]) => window.bench.coldStart(e, q), [engine, toBenchQuery(queries[0]!)] as const);
    log(`${engine}: cold start ${coldStartMs.toFixed(1)} ms (page heap before: ${emptyHeap?.toFixed(1) ?? '?'} MB)`);
    const timesMs: number[] = [];
    const results: ResultRef[][] = [];
    for (let i = 0; i < queries.length; i += BATCH) {
      const batch = queries.slice(i, i + BATCH).map(toBenchQuery);
      const done = await page.evaluate(([e, qs]) => window.bench.runQueries(e, qs), [engine, batch] as const);
      timesMs.push(...done.timesMs);
      results.push(...done.results);
      log(`${engine}: ${Math.min(i + BATCH, queries.length)}/${queries.length} queries`);
    }
    const heapMB = await page.evaluate(() => window.bench.heapMB());
    return { coldStartMs, timesMs, results, heapMB };
  });

  const q = quality(queries, run.results);
  return {
    importMs: Math.round(imported.importMs),
    indexBytes: imported.indexBytes,
    coldStartMs: round(run.coldStartMs, 1),
    heapMB: run.heapMB === null ? null : round(run.heapMB, 1),
    recall5: round(q.recall5, 4),
    mrr10: round(q.mrr10, 4),
    sectionHit5: q.sectionHit5 === null ? null : round(q.sectionHit5, 4),
    p50Ms: round(percentile(run.timesMs, 50), 2),
    p95Ms: round(percentile(run.timesMs, 95), 2),
  };
}

function toBenchQuery({ query, lang }: JudgedQuery): BenchQuery {
  return lang ? { query, lang } : { query };
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
