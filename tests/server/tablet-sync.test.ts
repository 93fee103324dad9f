import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dexie from 'dexie';
import { fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runAdmin } from '../../server/src/admin/cli';
import { FeedbackStore } from '../../server/src/feedback/feedback-store';
import { limitConcurrency } from '../../server/src/inference/concurrency';
import type { InferenceEngine } from '../../server/src/inference/engine';
import { createLlamaEngine } from '../../server/src/inference/llama-engine';
import type { ClinicFetch } from '../../src/api/clinic-request';
import type { DownloadFetch } from '../../src/api/resumable-download';
import type { Feedback } from '../../src/core/feedback/feedback-schema';
import { saveClinicConnection } from '../../src/db/clinic-connection';
import { pendingFeedbackCount, saveFeedback } from '../../src/db/feedback-store';
import type { ClinicConnection, LibraryDb } from '../../src/db/library-db';
import { addQuestion, deleteItem, listItems, pendingJobDeletes } from '../../src/db/outbox-store';
import { clinicSettings, syncState } from '../../src/db/sync-state';
import { createClinicSync } from '../../src/sync/clinic-sync';
import { type InstallPackFile, syncPacks } from '../../src/sync/pack-sync';
import { runImport } from '../../src/workers/run-import';
import { openTestLibrary } from '../fixtures/library';
import { makeExcerpts, makePack } from '../fixtures/pack';
import { seededRandom } from '../fixtures/random';
import { tinyModelPath } from '../fixtures/tiny-model';
import { enrollDevice, startTestServer, type TestServer } from './support/test-server';

// The tablet's side of the sync (src/sync) against a real clinic server: real HTTPS, SQLite and llama.cpp
// on the generated tiny model; the tablet's IndexedDB is fake-indexeddb. Where the network fails, the
// failure is made at the fetch boundary, in the two ways that matter: a request that never reaches the
// server, and one the server handled whose response is lost.

const PUSH_LIMIT = 16 * 1024;
let llama: InferenceEngine;
let server: TestServer;
let dataDir: string;
const libraries: LibraryDb[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'meditron-tablet-sync-'));
  llama = await createLlamaEngine({ modelPath: await tinyModelPath(), parallel: 2 });
  server = await startTestServer({
    args: ['--parallel', '2', '--sync-push-bytes', String(PUSH_LIMIT)],
    engine: limitConcurrency(llama, { parallel: 2, queueLimit: 512, timeoutMs: 60_000 }),
    dataDir,
  });
  await admin('publisher-key', '--name', 'Test clinic');
  await admin('settings', '--clinic-name', 'Base camp', '--language', 'fr', '--engine-policy', 'clinic');
});

afterAll(async () => {
  for (const db of libraries) {
    db.close();
    await Dexie.delete(db.name);
  }
  await server?.close();
  await llama?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function admin(...args: string[]): Promise<void> {
  const lines: string[] = [];
  expect(await runAdmin(['--data', dataDir, ...args], (line) => lines.push(line)), lines.join('\n')).toBe(0);
}

const realFetch: ClinicFetch = (url, init) => undiciFetch(url, { ...init, dispatcher: server.dispatcher });

/** An enrolled tablet with its own library. */
async function tablet(name: string) {
  const token = await enrollDevice(server, name);
  const me = await server.fetch('/api/devices/me', { headers: { authorization: `Bearer ${token}` } });
  const { deviceId } = (await me.json()) as { deviceId: string };
  const connection: ClinicConnection = { origin: server.url, deviceId, deviceName: name, token, enrolledAt: new Date().toISOString() };
  const db = openTestLibrary('tablet-sync');
  libraries.push(db);
  await saveClinicConnection(db, connection);
  return { db, connection };
}

const OPTIONS = { maxTokens: 2, temperature: 0 };
const jobsWith = (question: string) =>
  (server.ctx.db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE json_extract(request, '$.question') = ?").get(question) as { n: number }).n;

function feedback(question: string): Feedback {
  return {
    id: randomUUID(),
    question,
    answers: [
      {
        text: 'Give ORS.',
        model: 'tiny',
        engine: 'clinic',
        excerptIds: ['who/doc1.overview.0'],
        criteria: { clarity: 4, harmlessness: 5 },
      },
    ],
    setting: 'Primary care, Ethiopia',
    createdAt: new Date().toISOString(),
  };
}

/** Syncs until every question is answered (the tiny model answers within seconds). */
async function untilAnswered(sync: { flush(): Promise<unknown> }, db: LibraryDb) {
  await vi.waitFor(
    async () => {
      await sync.flush();
      expect((await listItems(db)).filter((i) => i.state !== 'answered')).toEqual([]);
    },
    { timeout: 60_000, interval: 100 },
  );
}

describe('the tablet sync against a real clinic server', () => {
  it('brings the clinic settings, and gives each tablet only its own answers', async () => {
    const a = await tablet('tablet A');
    const b = await tablet('tablet B');
    const syncA = createClinicSync({ db: a.db, fetch: realFetch });
    const syncB = createClinicSync({ db: b.db, fetch: realFetch });
    await addQuestion(a.db, { question: 'Tablet A: fever in a child of two?', options: OPTIONS, now: Date.now() });
    await untilAnswered(syncA, a.db);
    expect(await syncB.flush()).toEqual({ sent: 0, answered: 0, failed: 0, unauthorized: false });

    expect(await listItems(b.db)).toEqual([]);
    expect(await clinicSettings(b.db)).toMatchObject({ clinicName: 'Base camp', defaultLanguage: 'fr', enginePolicy: 'clinic' });
    expect((await clinicSettings(b.db))?.publisherKeys).toHaveLength(1);
    const state = await syncState(b.db, b.connection.deviceId);
    expect(state.checkpoint).toBeGreaterThan(0);
    expect(state.lastSuccessAt).toBeDefined();
  });

  it('sends feedback once, and a question deleted on the tablet is erased on the server', async () => {
    const { db } = await tablet('tablet C');
    const sync = createClinicSync({ db, fetch: realFetch });
    const question = 'Tablet C: how much zinc for an infant with diarrhoea?';
    const { id } = await addQuestion(db, { question, options: OPTIONS, now: Date.now() });
    await untilAnswered(sync, db);
    const rating = feedback(question);
    await saveFeedback(db, rating);
    await sync.flush();
    await sync.flush();
    expect(await pendingFeedbackCount(db)).toBe(0);
    const stored = new FeedbackStore(server.ctx.db).list().filter((f) => f.record.id === rating.id);
    expect(stored.map((f) => f.record)).toEqual([rating]);

    await deleteItem(db, id);
    expect(await pendingJobDeletes(db)).toEqual([id]);
    await sync.flush();
    expect(await pendingJobDeletes(db)).toEqual([]);
    expect(jobsWith(question)).toBe(0);
    const row = server.ctx.db.prepare('SELECT deleted_at, answer FROM jobs WHERE id = ?').get(id) as { deleted_at: string; answer: null };
    expect(row.deleted_at).not.toBeNull();
    expect(row.answer).toBeNull();
  });

  it('tells an outdated app to update, and keeps its questions queued', async () => {
    const { db } = await tablet('tablet D');
    const outdated = createClinicSync({ db, fetch: realFetch, protocol: 0 });
    const question = 'Tablet D: cough for three weeks?';
    await addQuestion(db, { question, options: OPTIONS, now: Date.now() });
    const result = await outdated.flush();
    expect(result.error).toMatchObject({ code: 'sync/outdated-app' });
    expect((await listItems(db))[0]).toMatchObject({ state: 'queued' });
    expect(jobsWith(question)).toBe(0);
    // The reloaded app, speaking the protocol, sends it.
    await untilAnswered(createClinicSync({ db, fetch: realFetch }), db);
    expect(jobsWith(question)).toBe(1);
  });

  it('halves its batches when the server says 413, until every question is through', async () => {
    const { db } = await tablet('tablet E');
    const sizes: number[] = [];
    const fetch: ClinicFetch = async (url, init) => {
      const response = await realFetch(url, init);
      if (url.endsWith('/api/sync/push')) sizes.push(response.status === 413 ? -init.body!.length : init.body!.length);
      return response;
    };
    const sync = createClinicSync({ db, fetch });
    // 60 questions of about 1 KB with their prompts: 60 KB, four times what the server takes at once.
    for (let i = 0; i < 60; i++) {
      const question = `Tablet E question ${i}: ${'fever and rash '.repeat(60)}`;
      await addQuestion(db, {
        question,
        prompt: { messages: [{ role: 'user', content: question }] },
        options: OPTIONS,
        now: Date.now() + i,
      });
    }
    await untilAnswered(sync, db);
    expect(sizes.some((s) => s < 0)).toBe(true);
    expect(sizes.filter((s) => s > 0).every((s) => s <= PUSH_LIMIT)).toBe(true);
    for (let i = 0; i < 60; i++) expect(jobsWith(`Tablet E question ${i}: ${'fever and rash '.repeat(60)}`)).toBe(1);
  });

  it('survives 40 syncs cut at random points: nothing lost, nothing applied twice', { timeout: 180_000 }, async () => {
    const { db, connection } = await tablet('tablet F');
    const random = seededRandom(6);
    let cuts = { before: 0, after: 0 };
    // Cut before the server sees the request, or after it handled it (the response is lost).
    const flaky: ClinicFetch = async (url, init) => {
      const roll = random();
      if (roll < 0.25) {
        cuts.before += 1;
        throw new TypeError('fetch failed');
      }
      const response = await realFetch(url, init);
      if (roll < 0.5) {
        cuts.after += 1;
        throw new TypeError('fetch failed');
      }
      return response;
    };
    // Pack downloads break after a random number of bytes, as a dropped Wi-Fi does.
    const flakyDownload: DownloadFetch = async (url, init) => {
      const response = await undiciFetch(url, { ...init, dispatcher: server.dispatcher });
      if (random() < 0.5 || !response.body) return response as unknown as Response;
      const keep = Math.floor(random() * 64 * 1024);
      const reader = response.body.getReader();
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { done, value } = await reader.read();
          if (done) return controller.close();
          if (sent + value.length > keep) {
            controller.enqueue(value.slice(0, Math.max(0, keep - sent)));
            controller.error(new TypeError('network error'));
            void reader.cancel();
            return;
          }
          sent += value.length;
          controller.enqueue(value);
        },
      });
      return new Response(body, { status: response.status, headers: response.headers as unknown as Headers });
    };
    const install: InstallPackFile = (source) =>
      new Promise((resolve, reject) => {
        void runImport(db, source, (event) => {
          if (event.type === 'done') resolve(event);
          if (event.type === 'error') reject(event.error);
        });
      });
    const answers = new Map<string, number>();
    db.outbox.hook('updating', (changes, id) => {
      if ((changes as { state?: string }).state === 'answered') answers.set(id as string, (answers.get(id as string) ?? 0) + 1);
    });

    const sync = createClinicSync({ db, fetch: flaky, random });
    const asked: string[] = [];
    const ratings: Feedback[] = [];
    const base = makeExcerpts(600);
    for (let run = 0; run < 40; run++) {
      const question = `Tablet F run ${run}: fever and vomiting?`;
      await addQuestion(db, { question, options: OPTIONS, now: Date.now() });
      asked.push(question);
      if (run % 4 === 0) {
        const rating = feedback(question);
        await saveFeedback(db, rating);
        ratings.push(rating);
      }
      if (run % 8 === 0) {
        // A new version of the pack: 5% of it rewritten since the last.
        const version = run / 8 + 1;
        const excerpts = base.map((e, i) => (i % 20 === run % 20 ? { ...e, text: `${e.text} Edition ${version}.` } : e));
        const file = join(dataDir, `f-${version}.jsonl`);
        writeFileSync(file, makePack({ id: 'field', version: String(version), excerpts }));
        await admin('pack-import', file, '--publish');
      }
      await sync.flush();
      await syncPacks(db, connection, { install, fetch: flakyDownload }).catch(() => undefined);
    }
    expect(cuts.before).toBeGreaterThan(5);
    expect(cuts.after).toBeGreaterThan(5);

    // Back in reach for good: everything arrives.
    cuts = { before: 0, after: 0 };
    const steady = createClinicSync({ db, fetch: realFetch });
    await untilAnswered(steady, db);
    await syncPacks(db, connection, {
      install,
      fetch: (url, init) => undiciFetch(url, { ...init, dispatcher: server.dispatcher }) as unknown as Promise<Response>,
    });

    const items = await listItems(db);
    expect(items.map((i) => i.question).sort()).toEqual([...asked].sort());
    expect([...answers.values()].every((n) => n === 1)).toBe(true);
    expect(answers.size).toBe(asked.length);
    for (const question of asked) expect(jobsWith(question)).toBe(1);
    const stored = new FeedbackStore(server.ctx.db).list().map((f) => f.record.id);
    expect(stored.filter((id) => ratings.some((r) => r.id === id)).sort()).toEqual(ratings.map((r) => r.id).sort());
    expect(await pendingFeedbackCount(db)).toBe(0);
    expect((await db.packs.get('field'))?.manifest.version).toBe('5');
    expect(await db.downloads.count()).toBe(0);
  });
});
