// npm run bench:sync [-- --corpus FILE] — what base-camp sync costs, against a real clinic server on
// loopback (HTTPS, SQLite, signed packs, llama.cpp on the generated tiny GGUF) and a tablet library in
// Node with fake-indexeddb (IndexedDB on a tablet costs differently):
//  - bringing a tablet from one pack version to the next, 5% of its excerpts changed: bytes on the wire
//    and milliseconds to download, check and install, as a delta and as the whole pack;
//  - pulling 500 answers the server already wrote.
// The corpus defaults to MedQuAD in ../shared (5,485 articles); prints progress to stderr and, as its last
// line, {deltaBytes, fullBytes, deltaMs, fullMs, answers500Ms}.
import 'fake-indexeddb/auto';
import { createReadStream, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Dexie from 'dexie';
import { fetch as undiciFetch } from 'undici';
import { runAdmin } from '../../server/src/admin/cli';
import { limitConcurrency } from '../../server/src/inference/concurrency';
import { createLlamaEngine } from '../../server/src/inference/llama-engine';
import type { ClinicFetch } from '../../src/api/clinic-request';
import type { DownloadFetch } from '../../src/api/resumable-download';
import { readCorpus } from '../../src/core/pack/corpus-reader';
import { contentHash, writePack } from '../../src/core/pack/pack-reader';
import type { Excerpt } from '../../src/core/pack/pack-schema';
import { saveClinicConnection } from '../../src/db/clinic-connection';
import { LibraryDb } from '../../src/db/library-db';
import { addQuestion, listItems } from '../../src/db/outbox-store';
import { createClinicSync } from '../../src/sync/clinic-sync';
import { type InstallPackFile, syncPacks } from '../../src/sync/pack-sync';
import { runImport } from '../../src/workers/run-import';
import { tinyModelPath } from '../../tests/fixtures/tiny-model';
import { enrollDevice, startTestServer } from '../../tests/server/support/test-server';

const { values } = parseArgs({ options: { corpus: { type: 'string', default: '../shared/data/medquad/guidelines.jsonl' } } });
const corpus = values.corpus!;
if (!existsSync(corpus)) {
  process.stderr.write(`No corpus at ${corpus}. Pass --corpus FILE (a Meditron guidelines JSONL).\n`);
  process.exit(2);
}
const ANSWERS = 500;
const log = (line: string) => process.stderr.write(`${line}\n`);

// Two versions of one pack: every 20th excerpt rewritten (5%).
const { manifest, excerpts } = await readCorpus(createReadStream(corpus, 'utf8'), { packId: 'medquad', title: 'MedQuAD' });
const edited: Excerpt[] = excerpts.map((e, i) => (i % 20 === 0 ? { ...e, text: `${e.text} (Reviewed 2026: dose table updated.)` } : e));
const dataDir = mkdtempSync(join(tmpdir(), 'meditron-bench-sync-'));
const admin = async (...args: string[]) => {
  const code = await runAdmin(['--data', dataDir, ...args], () => {});
  if (code !== 0) throw new Error(`admin ${args[0]} failed`);
};
const publish = async (version: string, list: Excerpt[]) => {
  const file = join(dataDir, `v${version}.jsonl`);
  writeFileSync(file, writePack({ ...manifest, version, excerptCount: list.length, contentHash: contentHash(list) }, list));
  await admin('pack-import', file, '--publish');
};
log(`${excerpts.length} excerpts; ${excerpts.length - edited.filter((e, i) => e === excerpts[i]).length} changed in version 2`);
await admin('publisher-key', '--name', 'Bench clinic');
await publish('1', excerpts);

const llama = await createLlamaEngine({ modelPath: await tinyModelPath(), parallel: 1 });
const server = await startTestServer({
  engine: limitConcurrency(llama, { parallel: 1, queueLimit: 4 * ANSWERS, timeoutMs: 60_000 }),
  dataDir,
});
const libraries: LibraryDb[] = [];
try {
  const token = await enrollDevice(server, 'bench tablet');
  const me = await server.fetch('/api/devices/me', { headers: { authorization: `Bearer ${token}` } });
  const { deviceId } = (await me.json()) as { deviceId: string };
  const connection = { origin: server.url, deviceId, deviceName: 'bench tablet', token, enrolledAt: new Date().toISOString() };
  const fetch: ClinicFetch = (url, init) => undiciFetch(url, { ...init, dispatcher: server.dispatcher });

  /** A tablet enrolled with the clinic, its first sync done. */
  async function tablet(name: string) {
    const db = new LibraryDb(`bench-sync-${name}-${Date.now()}`);
    libraries.push(db);
    await saveClinicConnection(db, connection);
    const install: InstallPackFile = (source) =>
      new Promise((resolve, reject) => {
        void runImport(db, source, (event) => {
          if (event.type === 'done') resolve(event);
          if (event.type === 'error') reject(event.error);
        });
      });
    const sync = createClinicSync({ db, fetch });
    await sync.flush();
    return { db, sync, install };
  }
  type Tablet = Awaited<ReturnType<typeof tablet>>;

  const download =
    (count: (bytes: number) => void, noDelta = false): DownloadFetch =>
    async (url, init) => {
      // The whole-pack run asks as a tablet the server offers no delta to (too far behind) is answered.
      if (noDelta && url.includes('/delta?')) return new Response(null, { status: 404 });
      const response = await undiciFetch(url, { ...init, dispatcher: server.dispatcher });
      count(Number(response.headers.get('content-length') ?? 0));
      return response as unknown as Response;
    };

  /** Installs what the clinic lists: version 1 at first, then the update to version 2, measured. */
  async function packsOf(on: Tablet, noDelta: boolean, count: (bytes: number) => void = () => undefined) {
    await on.sync.flush();
    return syncPacks(on.db, connection, { install: on.install, fetch: download(count, noDelta) });
  }

  async function update(name: string, on: Tablet, noDelta: boolean) {
    let bytes = 0;
    const start = performance.now();
    const result = await packsOf(on, noDelta, (n) => {
      bytes += n;
    });
    const ms = Math.round(performance.now() - start);
    const via = result.installed[0]?.via;
    if (via !== (noDelta ? 'full' : 'delta'))
      throw new Error(`expected a ${noDelta ? 'full' : 'delta'} update, got ${JSON.stringify(result)}`);
    log(`${name}: ${bytes} bytes on the wire, ${ms} ms (${JSON.stringify(result.installed[0])})`);
    return { bytes, ms };
  }

  const tablets = { delta: await tablet('delta'), full: await tablet('full') };
  for (const on of Object.values(tablets)) await packsOf(on, false);
  log('both tablets hold version 1');
  await publish('2', edited);
  const delta = await update('delta', tablets.delta, false);
  const full = await update('full', tablets.full, true);

  // 500 questions sent and answered on the server, then pulled by the tablet in one sync.
  const { db, sync } = await tablet('answers');
  for (let i = 0; i < ANSWERS; i++) {
    await addQuestion(db, { question: `Question ${i}: fever for two days in a child?`, options: { maxTokens: 1 }, now: Date.now() });
  }
  await sync.flush();
  const done = () => (server.ctx.db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE status = 'done'").get() as { n: number }).n;
  while (done() < ANSWERS) await new Promise((resolve) => setTimeout(resolve, 200));
  const start = performance.now();
  await sync.flush();
  const answers500Ms = Math.round(performance.now() - start);
  const answered = (await listItems(db)).filter((item) => item.state === 'answered').length;
  if (answered !== ANSWERS) throw new Error(`${answered} of ${ANSWERS} answers arrived in one sync`);
  log(
    `${ANSWERS} answers pulled and applied in ${answers500Ms} ms; delta is ${((100 * delta.bytes) / full.bytes).toFixed(1)}% of the full pack`,
  );

  console.log(JSON.stringify({ deltaBytes: delta.bytes, fullBytes: full.bytes, deltaMs: delta.ms, fullMs: full.ms, answers500Ms }));
} finally {
  for (const db of libraries) {
    db.close();
    await Dexie.delete(db.name);
  }
  await server.close();
  await llama.close();
  rmSync(dataDir, { recursive: true, force: true });
}
