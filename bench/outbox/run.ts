// npm run bench:outbox — 1,000 questions queued offline, then sent to a real clinic server on loopback
// (HTTPS, SQLite, llama.cpp on the generated tiny GGUF) until every one is answered: how long the outbox
// takes to drain, and whether any question is lost or answered twice. Runs in Node with fake-indexeddb,
// as the unit tests do: IndexedDB on a tablet costs differently. Prints progress to stderr and, as its
// last line, one JSON object.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { fetch as undiciFetch } from 'undici';
import { limitConcurrency } from '../../server/src/inference/concurrency';
import { createLlamaEngine } from '../../server/src/inference/llama-engine';
import type { ClinicFetch } from '../../src/api/clinic-request';
import type { ServerJob } from '../../src/core/sync/sync-protocol';
import { saveClinicConnection } from '../../src/db/clinic-connection';
import { LibraryDb } from '../../src/db/library-db';
import { addQuestion, listItems } from '../../src/db/outbox-store';
import { createClinicSync } from '../../src/sync/clinic-sync';
import { tinyModelPath } from '../../tests/fixtures/tiny-model';
import { enrollDevice, startTestServer } from '../../tests/server/support/test-server';

const N = 1_000;
const PARALLEL = 2;
/** Gives up if the outbox has not drained by then. */
const DEADLINE_MS = 120_000;

const log = (line: string) => process.stderr.write(`${line}\n`);

const llama = await createLlamaEngine({ modelPath: await tinyModelPath(), parallel: PARALLEL });
const server = await startTestServer({
  args: ['--parallel', String(PARALLEL), '--queue-limit', String(4 * N)],
  engine: limitConcurrency(llama, { parallel: PARALLEL, queueLimit: 4 * N, timeoutMs: 60_000 }),
});
const db = new LibraryDb(`bench-outbox-${Date.now()}`);
try {
  const token = await enrollDevice(server, 'bench tablet');
  const me = await server.fetch('/api/devices/me', { headers: { authorization: `Bearer ${token}` } });
  const { deviceId } = (await me.json()) as { deviceId: string };
  await saveClinicConnection(db, { origin: server.url, deviceId, deviceName: 'bench tablet', token, enrolledAt: new Date().toISOString() });

  let online = false;
  const fetch: ClinicFetch = (url, init) =>
    online ? undiciFetch(url, { ...init, dispatcher: server.dispatcher }) : Promise.reject(new TypeError('fetch failed'));
  // Backoff without jitter's wait, so the bench measures sending and answering, not the backoff.
  const sync = createClinicSync({ db, fetch, random: () => 0 });

  const queueStart = performance.now();
  for (let i = 0; i < N; i++) {
    await addQuestion(db, {
      question: `Question ${i}: a child has had fever for two days. What to do?`,
      options: { maxTokens: 1, temperature: 0 },
      now: Date.now(),
    });
  }
  const offline = await sync.flush();
  log(`queued ${N} offline in ${Math.round(performance.now() - queueStart)} ms; offline flush: ${JSON.stringify(offline)}`);

  online = true;
  const firstAnswers = new Map<string, string>();
  let answerChanged = 0;
  const start = performance.now();
  let answered = 0;
  while (answered < N && performance.now() - start < DEADLINE_MS) {
    const result = await sync.flush();
    const items = await listItems(db);
    for (const item of items) {
      if (item.answer === undefined) continue;
      const first = firstAnswers.get(item.id);
      if (first === undefined) firstAnswers.set(item.id, item.answer);
      else if (first !== item.answer) answerChanged += 1;
    }
    answered = items.filter((item) => item.state === 'answered').length;
    log(`${Math.round(performance.now() - start)} ms: ${answered}/${N} answered (flush: ${JSON.stringify(result)})`);
    // Between flushes, leave the two cores to llama.cpp: the feed brings whatever was answered meanwhile.
    if (answered < N) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const flushMs = Math.round(performance.now() - start);

  const items = await listItems(db);
  const lost = N - items.filter((item) => item.state === 'answered').length;
  const feedIds = new Set<string>();
  for (let since = 0; ; ) {
    const response = await server.fetch(`/api/jobs?since=${since}&limit=500`, { headers: { authorization: `Bearer ${token}` } });
    const page = (await response.json()) as { jobs: ServerJob[]; checkpoint: number };
    if (page.jobs.length === 0) break;
    for (const job of page.jobs) feedIds.add(job.id);
    since = page.checkpoint;
  }
  const jobRows = (server.ctx.db.prepare('SELECT COUNT(*) AS n FROM jobs').get() as { n: number }).n;
  log(`${jobRows} job rows, ${feedIds.size} distinct ids in the feed, ${answerChanged} answers changed`);
  const duplicated = Math.max(0, jobRows - N) + Math.max(0, jobRows - feedIds.size) + answerChanged;
  console.log(JSON.stringify({ n: N, flushMs, lost, duplicated }));
} finally {
  db.close();
  await Dexie.delete(db.name);
  await server.close();
  await llama.close();
}
