import 'fake-indexeddb/auto';
import { basename } from 'node:path';
import Dexie from 'dexie';
import { fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TINY_LLAMA_SIZES } from '../../scripts/gguf/tiny-llama';
import { limitConcurrency } from '../../server/src/inference/concurrency';
import type { InferenceEngine } from '../../server/src/inference/engine';
import { createLlamaEngine } from '../../server/src/inference/llama-engine';
import type { ClinicFetch } from '../../src/api/clinic-request';
import { pushItems } from '../../src/api/sync-client';
import type { ServerJob } from '../../src/core/sync/sync-protocol';
import { clinicConnection, saveClinicConnection } from '../../src/db/clinic-connection';
import type { ClinicConnection, LibraryDb } from '../../src/db/library-db';
import { addQuestion, applyEvent, listItems, recoverAfterCrash } from '../../src/db/outbox-store';
import { createClinicEngine } from '../../src/engines/clinic-engine';
import { askPrompt } from '../../src/features/ask/ask-prompt';
import { createClinicSync } from '../../src/sync/clinic-sync';
import { openTestLibrary } from '../fixtures/library';
import { tinyModelPath } from '../fixtures/tiny-model';
import { enrollDevice, startTestServer, type TestServer } from './support/test-server';

const OPTIONS = { maxTokens: 4, temperature: 0 };

/** How many times each item was written as answered, counted as Dexie writes it. */
function countAnswers(db: LibraryDb): Map<string, number> {
  const answers = new Map<string, number>();
  db.outbox.hook('updating', (changes, id) => {
    if ((changes as { state?: string }).state === 'answered') answers.set(id, (answers.get(id) ?? 0) + 1);
  });
  return answers;
}

/** Counts every write to the outbox from now on. */
function countWrites(db: LibraryDb): { writes: number } {
  const counter = { writes: 0 };
  db.outbox.hook('updating', () => {
    counter.writes += 1;
  });
  return counter;
}

describe('the clinic sync of questions against a real clinic server', () => {
  let llama: InferenceEngine;
  let server: TestServer;
  const libraries: LibraryDb[] = [];

  beforeAll(async () => {
    llama = await createLlamaEngine({ modelPath: await tinyModelPath(), parallel: 2 });
    server = await startTestServer({
      args: ['--parallel', '2'],
      engine: limitConcurrency(llama, { parallel: 2, queueLimit: 64, timeoutMs: 60_000 }),
    });
  });

  afterAll(async () => {
    for (const db of libraries) {
      db.close();
      await Dexie.delete(db.name);
    }
    await server?.close();
    await llama?.close();
  });

  /** Enrolls a tablet and saves its connection into a library of its own, as the app does. */
  async function enrolledLibrary(name: string): Promise<{ db: LibraryDb; connection: ClinicConnection }> {
    const token = await enrollDevice(server, name);
    const me = await server.fetch('/api/devices/me', { headers: { authorization: `Bearer ${token}` } });
    const { deviceId } = (await me.json()) as { deviceId: string };
    const connection = { origin: server.url, deviceId, deviceName: name, token, enrolledAt: new Date().toISOString() };
    const db = openTestLibrary('outbox-sync');
    libraries.push(db);
    await saveClinicConnection(db, connection);
    return { db, connection };
  }

  const realFetch: ClinicFetch = (url, init) => undiciFetch(url, { ...init, dispatcher: server.dispatcher });

  async function feedFromZero(token: string): Promise<ServerJob[]> {
    const response = await server.fetch('/api/jobs?since=0&limit=500', { headers: { authorization: `Bearer ${token}` } });
    return ((await response.json()) as { jobs: ServerJob[] }).jobs;
  }

  const jobRows = (deviceId: string) =>
    (server.ctx.db.prepare('SELECT COUNT(*) AS n FROM jobs WHERE device_id = ?').get(deviceId) as { n: number }).n;

  it('queues questions offline, then sends each once and applies each answer once', async () => {
    const { db, connection } = await enrolledLibrary('tablet A');
    let now = 1_000_000;
    let online = false;
    const fetch: ClinicFetch = (url, init) => (online ? realFetch(url, init) : Promise.reject(new TypeError('fetch failed')));
    const sync = createClinicSync({ db, now: () => now, random: () => 0.5, fetch });

    for (let i = 0; i < 5; i++) await addQuestion(db, { question: `Question ${i}: fever in a child?`, options: OPTIONS, now: now - 5 + i });
    expect(await sync.flush()).toMatchObject({ sent: 0, answered: 0, failed: 0, unauthorized: false, error: { code: 'network/failed' } });
    for (const item of await listItems(db)) {
      expect(item).toMatchObject({ state: 'queued', attempts: 1 });
      expect(item.nextAttemptAt).toBeGreaterThan(now);
    }
    expect(jobRows(connection.deviceId)).toBe(0);

    online = true;
    now += 60_000;
    const answers = countAnswers(db);
    await vi.waitFor(
      async () => {
        await sync.flush();
        expect((await listItems(db)).every((item) => item.state === 'answered')).toBe(true);
      },
      { timeout: 60_000, interval: 50 },
    );

    const items = await listItems(db);
    expect([...answers.values()]).toEqual([1, 1, 1, 1, 1]);
    expect([...answers.keys()].sort()).toEqual(items.map((i) => i.id).sort());
    const jobs = await feedFromZero(connection.token);
    expect(jobs).toHaveLength(5);
    expect(new Set(jobs.map((j) => j.id))).toEqual(new Set(items.map((i) => i.jobId)));
    expect(jobs.every((j) => j.status === 'done')).toBe(true);
    for (const item of items) {
      const job = jobs.find((j) => j.id === item.jobId)!;
      expect(item).toMatchObject({ answer: job.answer, model: job.model, serverSeq: job.seq, attempts: 2 });
      expect(item.answer!.length).toBeGreaterThan(0);
    }
    expect(jobRows(connection.deviceId)).toBe(5);

    // Nothing left to do: a further flush sends nothing and writes nothing.
    const writes = countWrites(db);
    expect(await sync.flush()).toEqual({ sent: 0, answered: 0, failed: 0, unauthorized: false });
    expect(writes.writes).toBe(0);
    expect(await listItems(db)).toEqual(items);
    expect(jobRows(connection.deviceId)).toBe(5);
  });

  it('sends a question again after a crash lost its acceptance, without a second job', async () => {
    const { db, connection } = await enrolledLibrary('tablet B');
    const now = 2_000_000;
    const clock = { now, random: () => 0.5 };
    let pushes = 0;
    const fetch: ClinicFetch = async (url, init) => {
      if (init.method === 'POST') pushes += 1;
      return realFetch(url, init);
    };
    const sync = createClinicSync({ db, now: () => now, random: () => 0.5, fetch });

    const { id } = await addQuestion(db, { question: 'How much ORS for a 2-year-old?', options: OPTIONS, now });
    const sending = await applyEvent(db, id, { type: 'send-started' }, clock);
    const item = {
      kind: 'job' as const,
      id: sending!.item.jobId,
      op: 'put' as const,
      data: { question: sending!.item.question, options: OPTIONS },
    };
    const pushed = await pushItems(connection, [item], { fetch, timeoutMs: 30_000 });
    expect(pushed).toMatchObject({ kind: 'results', results: [{ id, status: 'ok', job: { status: 'queued' } }] });
    // The app dies before it hears the server took it: the item is back in the queue and will be pushed again.
    expect(await recoverAfterCrash(db, clock)).toBe(1);
    expect((await listItems(db))[0]).toMatchObject({ state: 'queued', attempts: 1 });
    await vi.waitFor(
      async () => {
        const jobs = await feedFromZero(connection.token);
        expect(jobs.map((j) => j.status)).toEqual(['done']);
      },
      { timeout: 60_000, interval: 50 },
    );

    const answers = countAnswers(db);
    expect(await sync.flush()).toEqual({ sent: 1, answered: 1, failed: 0, unauthorized: false });
    expect(pushes).toBe(2);
    const [answered] = await listItems(db);
    const [job] = await feedFromZero(connection.token);
    expect(answered).toMatchObject({ state: 'answered', answer: job!.answer, serverSeq: job!.seq, attempts: 2 });
    expect(jobRows(connection.deviceId)).toBe(1);

    // The feed delivers the same answer again from an older checkpoint: it changes nothing.
    expect(await sync.flush()).toEqual({ sent: 0, answered: 0, failed: 0, unauthorized: false });
    expect([...answers.values()]).toEqual([1]);
    expect(jobRows(connection.deviceId)).toBe(1);
  });

  it('learns at each sync which model the server runs and how to prompt it', async () => {
    const { db } = await enrolledLibrary('tablet C');
    await createClinicSync({ db, fetch: realFetch }).flush();
    expect((await clinicConnection(db))?.model).toEqual({
      id: basename(await tinyModelPath(), '.gguf'),
      profile: 'chat',
      contextTokens: TINY_LLAMA_SIZES.tiny.contextLength,
    });
  });
});

describe('the clinic sync against a clinic server running a base model', () => {
  it('learns to prompt it by completion, and the queued completion prompt is answered', async () => {
    const llama = await createLlamaEngine({ modelPath: await tinyModelPath('base'), parallel: 1, contextSize: 1024 });
    const server = await startTestServer({ engine: limitConcurrency(llama, { parallel: 1, queueLimit: 8, timeoutMs: 60_000 }) });
    const db = openTestLibrary('outbox-sync-base');
    try {
      const token = await enrollDevice(server, 'tablet B');
      const me = (await (await server.fetch('/api/devices/me', { headers: { authorization: `Bearer ${token}` } })).json()) as {
        deviceId: string;
      };
      await saveClinicConnection(db, { origin: server.url, deviceId: me.deviceId, deviceName: 'tablet B', token, enrolledAt: '' });
      const fetch: ClinicFetch = (url, init) => undiciFetch(url, { ...init, dispatcher: server.dispatcher });
      const sync = createClinicSync({ db, fetch });
      await sync.flush();
      const target = await createClinicEngine({ connection: () => clinicConnection(db) }).promptTarget?.();
      expect(target).toEqual({ profile: 'completion', contextTokens: 1024 });

      const prompt = askPrompt(target, { question: 'Fever in a child of two?', excerpts: [], language: 'en' });
      expect(prompt.outbox).toMatchObject({ prompt: expect.any(String), stop: expect.any(Array) });
      expect(prompt.request.maxTokens).toBe(256);
      await addQuestion(db, { question: 'Fever in a child of two?', prompt: prompt.outbox, options: { maxTokens: 4 }, now: Date.now() });
      await vi.waitFor(
        async () => {
          await sync.flush();
          expect((await listItems(db))[0]).toMatchObject({ state: 'answered' });
        },
        { timeout: 30_000, interval: 100 },
      );
      const job = server.ctx.db.prepare('SELECT request FROM jobs').get() as { request: string };
      expect(JSON.parse(job.request)).toMatchObject({ prompt: prompt.outbox.prompt });
    } finally {
      db.close();
      await Dexie.delete(db.name);
      await server.close();
      await llama.close();
    }
  });
});
