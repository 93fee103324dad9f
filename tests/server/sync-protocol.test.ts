import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../server/src/admin/cli';
import { JobStore } from '../../server/src/jobs/job-store';
import { SYNC_PROTOCOL_HEADER, SYNC_PROTOCOL_VERSION } from '../../src/core/sync/sync-constants';
import {
  type ChangesPage,
  ChangesPageSchema,
  PushResponseSchema,
  type PushResult,
  type SyncChange,
} from '../../src/core/sync/sync-protocol';
import { makePack } from '../fixtures/pack';
import { enrollDevice, startTestServer, type TestServer } from './support/test-server';

const PUSH_LIMIT = 20_000;

let dataDir: string;
let server: TestServer;

async function admin(...args: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await runAdmin(['--data', dataDir, ...args], (line) => lines.push(line));
  return { code, output: lines.join('\n') };
}

async function publish(id: string, version: string): Promise<void> {
  const file = join(dataDir, `${id}-${version}.jsonl`);
  writeFileSync(file, makePack({ id, version }));
  expect((await admin('pack-import', file, '--publish')).code).toBe(0);
}

/** A tablet speaking the sync protocol; `protocol` null sends no header. */
function tablet(token: string | null, protocol: string | null = String(SYNC_PROTOCOL_VERSION)) {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await server.fetch(path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(protocol === null ? {} : { [SYNC_PROTOCOL_HEADER]: protocol }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & { error?: { code: string } } };
  };
  const pull = async (since: number, limit?: number): Promise<ChangesPage> => {
    const { status, body } = await call('GET', `/api/sync/changes?since=${since}${limit ? `&limit=${limit}` : ''}`);
    expect(status, JSON.stringify(body)).toBe(200);
    return ChangesPageSchema.parse(body);
  };
  return {
    call,
    pull,
    /** Every change from `since`, page after page, and the checkpoint reached. */
    async pullAll(since = 0, limit?: number): Promise<{ changes: SyncChange[]; checkpoint: number }> {
      const changes: SyncChange[] = [];
      let checkpoint = since;
      for (;;) {
        const page = await pull(checkpoint, limit);
        changes.push(...page.changes);
        checkpoint = page.checkpoint;
        if (!page.more) return { changes, checkpoint };
      }
    },
    async push(items: unknown[]): Promise<PushResult[]> {
      const { status, body } = await call('POST', '/api/sync/push', { items });
      expect(status, JSON.stringify(body)).toBe(200);
      return PushResponseSchema.parse(body).results;
    },
  };
}
type Tablet = ReturnType<typeof tablet>;

const jobPut = (id = randomUUID(), question = 'How much ORS for a 2-year-old with diarrhoea?') => ({
  kind: 'job',
  id,
  op: 'put',
  data: { question, messages: [{ role: 'user', content: `Excerpt: give ORS.\n\nQuestion: ${question}` }] },
});

const feedbackPut = (id = randomUUID(), criteria: Record<string, number> = { relevance: 4 }) => ({
  kind: 'feedback',
  id,
  op: 'put',
  data: {
    id,
    question: 'How much ORS?',
    answers: [{ text: 'Give ORS after each loose stool.', model: 'meditron', engine: 'clinic', excerptIds: ['demo/1'], criteria }],
    createdAt: '2026-01-01T08:00:00.000Z',
  },
});

const db = () => server.ctx.db;
const jobChanges = (changes: SyncChange[], id: string) => changes.filter((c) => c.kind === 'job' && c.id === id);

describe('the sync protocol', () => {
  let a: Tablet;
  let b: Tablet;
  let aToken: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'meditron-sync-'));
    await publish('malaria', '1');
    await publish('malaria', '2');
    await publish('cholera', '1');
    // No model: jobs stay queued until the test moves them on through the store.
    server = await startTestServer({ dataDir, args: ['--sync-push-bytes', String(PUSH_LIMIT)] });
    aToken = await enrollDevice(server, 'tablet A');
    a = tablet(aToken);
    b = tablet(await enrollDevice(server, 'tablet B'));
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 426 to an app without the protocol header or with an older one, telling it to reload', async () => {
    for (const protocol of [null, '0', 'one', '']) {
      for (const [method, path, body] of [
        ['GET', '/api/sync/changes?since=0', undefined],
        ['POST', '/api/sync/push', { items: [jobPut()] }],
      ] as const) {
        const response = await tablet(aToken, protocol).call(method, path, body);
        expect(response.status, `${method} ${path} with ${protocol}`).toBe(426);
        expect(response.body.error).toMatchObject({ code: 'sync/outdated-app', details: { minProtocol: SYNC_PROTOCOL_VERSION } });
        expect(response.body.error).toHaveProperty('message', expect.stringMatching(/reload the app/i));
      }
    }
  });

  it('checks the device token before the protocol (401 first)', async () => {
    expect((await tablet(null, null).call('GET', '/api/sync/changes')).status).toBe(401);
    expect((await tablet('not-a-token', '0').call('GET', '/api/sync/changes')).body.error?.code).toBe('auth/invalid-token');
  });

  it('gives a new tablet the clinic settings and the published packs, as GET /api/packs lists them', async () => {
    const { changes } = await a.pullAll();
    const settings = changes.find((c) => c.kind === 'settings');
    expect(settings).toMatchObject({
      id: 'clinic',
      deleted: false,
      data: { clinicName: 'Clinic', defaultLanguage: null, enginePolicy: 'auto', publisherKeys: [] },
    });
    const packsResponse = await server.fetch('/api/packs', { headers: { authorization: `Bearer ${aToken}` } });
    const { packs } = (await packsResponse.json()) as { packs: unknown[] };
    const packChanges = changes.filter((c) => c.kind === 'pack');
    expect(packChanges.map((c) => c.data)).toEqual(expect.arrayContaining(packs));
    expect(packChanges.map((c) => [c.id, c.data?.version])).toEqual(
      expect.arrayContaining([
        ['malaria', '2'],
        ['cholera', '1'],
      ]),
    );
    expect(packChanges).toHaveLength(2);
  });

  it("shows each tablet its own jobs and never another's", async () => {
    const mine = jobPut();
    const theirs = jobPut();
    expect(await a.push([mine])).toEqual([{ kind: 'job', id: mine.id, status: 'ok', job: expect.objectContaining({ status: 'queued' }) }]);
    await b.push([theirs]);
    const ofA = (await a.pullAll()).changes;
    const ofB = (await b.pullAll()).changes;
    expect(jobChanges(ofA, mine.id)).toHaveLength(1);
    expect(jobChanges(ofA, theirs.id)).toHaveLength(0);
    expect(jobChanges(ofB, theirs.id)).toMatchObject([{ deleted: false, data: { id: theirs.id, question: theirs.data.question } }]);
    expect(jobChanges(ofB, mine.id)).toHaveLength(0);
  });

  it('stores a batch sent three times once', async () => {
    const { checkpoint } = await a.pullAll();
    const batch = [jobPut(), feedbackPut()];
    const results = [await a.push(batch), await a.push(batch), await a.push(batch)];
    for (const result of results) expect(result.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(results[2]![0]).toEqual(results[0]![0]);
    expect(db().prepare('SELECT COUNT(*) AS n FROM jobs WHERE id = ?').get(batch[0]!.id)).toEqual({ n: 1 });
    expect(db().prepare('SELECT COUNT(*) AS n FROM feedback WHERE id = ?').get(batch[1]!.id)).toEqual({ n: 1 });
    const { changes } = await a.pullAll(checkpoint);
    expect(changes.map((c) => c.id)).toEqual([batch[0]!.id]);
  });

  it('rejects an invalid item and applies the others', async () => {
    const good = jobPut();
    const goodFeedback = feedbackPut();
    const noRating = feedbackPut(randomUUID(), {});
    const results = await a.push([
      good,
      { kind: 'job', id: 'not-a-uuid', op: 'put', data: { question: 'x' } },
      { ...jobPut(), data: { question: '' } },
      noRating,
      { kind: 'photo', id: randomUUID(), op: 'put' },
      'nonsense',
      goodFeedback,
    ]);
    expect(results.map((r) => r.status)).toEqual(['ok', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'ok']);
    expect(results[1]).toMatchObject({ kind: 'job', id: 'not-a-uuid', error: { code: 'request/invalid' } });
    expect(results[3]).toMatchObject({ kind: 'feedback', id: noRating.id, error: { code: 'request/invalid', message: /rating/ } });
    expect(db().prepare('SELECT COUNT(*) AS n FROM jobs WHERE id = ?').get(good.id)).toEqual({ n: 1 });
    expect(db().prepare('SELECT COUNT(*) AS n FROM feedback WHERE id = ?').get(goodFeedback.id)).toEqual({ n: 1 });
  });

  it("refuses another device's ids as conflicts", async () => {
    const job = jobPut();
    const feedback = feedbackPut();
    await a.push([job, feedback]);
    const results = await b.push([job, feedback]);
    expect(results).toMatchObject([
      { kind: 'job', id: job.id, status: 'rejected', error: { code: 'request/conflict' } },
      { kind: 'feedback', id: feedback.id, status: 'rejected', error: { code: 'request/conflict' } },
    ]);
    // Deleting another device's job changes nothing.
    await b.push([{ kind: 'job', id: job.id, op: 'delete' }]);
    expect(db().prepare('SELECT deleted_at FROM jobs WHERE id = ?').get(job.id)).toEqual({ deleted_at: null });
  });

  it('refuses a push over the byte limit with 413 and the standard error body', async () => {
    const big = { ...jobPut(), data: { question: 'Long prompt', prompt: 'x'.repeat(PUSH_LIMIT) } };
    const response = await a.call('POST', '/api/sync/push', { items: [big] });
    expect(response.status).toBe(413);
    expect(response.body.error).toMatchObject({ code: 'request/too-large' });
    expect(db().prepare('SELECT COUNT(*) AS n FROM jobs WHERE id = ?').get(big.id)).toEqual({ n: 0 });
  });

  it('deletes a job: a tombstone in the feed, its text erased, and a resend does not bring it back', async () => {
    const question = 'Private question about patient 7';
    const job = jobPut(randomUUID(), question);
    await a.push([job]);
    const { checkpoint } = await a.pullAll();
    expect(await a.push([{ kind: 'job', id: job.id, op: 'delete' }])).toEqual([{ kind: 'job', id: job.id, status: 'ok' }]);

    const { changes, checkpoint: after } = await a.pullAll(checkpoint);
    expect(changes).toMatchObject([{ kind: 'job', id: job.id, deleted: true, data: null }]);
    const row = db().prepare('SELECT * FROM jobs WHERE id = ?').get(job.id) as Record<string, unknown>;
    expect(JSON.stringify(row)).not.toContain('patient 7');
    expect(row).toMatchObject({ status: 'cancelled', answer: null, deleted_at: expect.any(String) });

    // Deleting again, a late resend of the put, and an id never sent: all fine, nothing changes.
    const again = await a.push([{ kind: 'job', id: job.id, op: 'delete' }, job, { kind: 'job', id: randomUUID(), op: 'delete' }]);
    expect(again.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(again[1]).not.toHaveProperty('job');
    expect((await a.pullAll(after)).changes).toEqual([]);
    expect(JSON.stringify(db().prepare('SELECT * FROM jobs WHERE id = ?').get(job.id))).not.toContain('patient 7');
    const direct = await server.fetch(`/api/jobs/${job.id}`, { headers: { authorization: `Bearer ${aToken}` } });
    expect(direct.status).toBe(404);
  });

  it('deletes feedback, and keeps it deleted', async () => {
    const feedback = feedbackPut();
    await a.push([feedback, { kind: 'feedback', id: feedback.id, op: 'delete' }, feedback]);
    const row = db().prepare('SELECT deleted_at FROM feedback WHERE id = ?').get(feedback.id) as { deleted_at: string | null };
    expect(row.deleted_at).not.toBeNull();
  });

  it('pages through the feed with limit, each change once, in order', async () => {
    for (let i = 0; i < 3; i++) await a.push([jobPut()]);
    const whole = await a.pull(0, 500);
    expect(whole.more).toBe(false);
    const pages: ChangesPage[] = [];
    let since = 0;
    do {
      pages.push(await a.pull(since, 2));
      since = pages.at(-1)!.checkpoint;
    } while (pages.at(-1)!.more);
    expect(pages.slice(0, -1).every((p) => p.changes.length === 2)).toBe(true);
    expect(pages.flatMap((p) => p.changes)).toEqual(whole.changes);
    expect(pages.at(-1)!.checkpoint).toBe(whole.checkpoint);
    const seqs = whole.changes.map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    // Nothing new: the checkpoint stays.
    expect(await a.pull(whole.checkpoint)).toEqual({ changes: [], checkpoint: whole.checkpoint, more: false });
    expect((await a.call('GET', '/api/sync/changes?limit=501')).status).toBe(400);
    expect((await a.call('GET', '/api/sync/changes?since=-1')).status).toBe(400);
  });

  it('brings a job again after the checkpoint when it is answered', async () => {
    const job = jobPut();
    await a.push([job]);
    const { checkpoint } = await a.pullAll();
    const store = new JobStore(db());
    expect(store.markRunning(job.id)).toBe(true);
    expect(store.markDone(job.id, 'Give ORS after each loose stool.', 'meditron-test')).toBe(true);
    const { changes } = await a.pullAll(checkpoint);
    expect(changes).toMatchObject([
      {
        kind: 'job',
        id: job.id,
        deleted: false,
        data: { status: 'done', answer: 'Give ORS after each loose stool.', model: 'meditron-test' },
      },
    ]);
  });

  it('brings settings changed with the admin command or route, and refuses bad values clearly', async () => {
    let { checkpoint } = await a.pullAll();
    const set = await admin('settings', '--clinic-name', 'Base camp 2', '--language', 'fr', '--engine-policy', 'clinic');
    expect(set).toMatchObject({ code: 0, output: expect.stringContaining('Base camp 2') });
    let pulled = await a.pullAll(checkpoint);
    expect(pulled.changes).toMatchObject([
      { kind: 'settings', id: 'clinic', data: { clinicName: 'Base camp 2', defaultLanguage: 'fr', enginePolicy: 'clinic' } },
    ]);
    checkpoint = pulled.checkpoint;

    const bad = await admin('settings', '--language', 'de');
    expect(bad.code).toBe(1);
    expect(bad.output).toMatch(/default language.*en, fr/i);
    expect((await admin('settings', '--engine-policy', 'fastest')).output).toMatch(/engine policy/i);
    expect((await admin('settings')).output).toMatch(/Clinic name:\s+Base camp 2/);

    const adminCall = (method: string, body?: unknown) =>
      server.fetch('/api/admin/settings', {
        method,
        headers: { authorization: `Bearer ${server.adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const put = await adminCall('PUT', { enginePolicy: 'device' });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ clinicName: 'Base camp 2', enginePolicy: 'device' });
    expect(await (await adminCall('GET')).json()).toMatchObject({ defaultLanguage: 'fr', enginePolicy: 'device' });
    const refused = await adminCall('PUT', { publisherKeys: [] });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: 'request/invalid', message: /publisher-key/ } });
    expect((await adminCall('PUT', { defaultLanguage: 'xx' })).status).toBe(400);
    // null: back to each tablet's own browser language; the other settings stay.
    expect(await (await adminCall('PUT', { defaultLanguage: null })).json()).toMatchObject({
      defaultLanguage: null,
      enginePolicy: 'device',
    });
    expect((await admin('settings', '--language', 'fr')).code).toBe(0);
    const asTablet = await server.fetch('/api/admin/settings', { headers: { authorization: `Bearer ${aToken}` } });
    expect(asTablet.status).toBe(403);

    pulled = await a.pullAll(checkpoint);
    expect(pulled.changes).toMatchObject([{ kind: 'settings', data: { enginePolicy: 'device' } }]);

    // A publisher key made by the admin command is a settings change too.
    expect((await admin('publisher-key', '--name', 'Test clinic')).code).toBe(0);
    const keyed = await a.pullAll(pulled.checkpoint);
    const settings = keyed.changes.find((c) => c.kind === 'settings');
    expect(settings?.data).toMatchObject({ publisherKeys: [{ retired: false, name: 'Test clinic' }] });
    // Re-signed packs come again with their signatures.
    expect(keyed.changes.filter((c) => c.kind === 'pack').every((c) => c.data?.signature !== null)).toBe(true);
  });

  it('unpublishing a pack is a tombstone; publishing it again brings it back', async () => {
    const { checkpoint } = await a.pullAll();
    const unpublish = await server.fetch('/api/admin/packs/cholera/unpublish', {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(await unpublish.json()).toEqual({ id: 'cholera', unpublished: 1 });
    const pulled = await a.pullAll(checkpoint);
    expect(pulled.changes).toMatchObject([{ kind: 'pack', id: 'cholera', deleted: true, data: null }]);

    expect((await admin('pack-unpublish', 'malaria')).output).toMatch(/unpublished \(2 versions\)/);
    expect((await admin('pack-unpublish', 'nothing')).code).toBe(1);
    const packs = await server.fetch('/api/packs', { headers: { authorization: `Bearer ${aToken}` } });
    expect(await packs.json()).toEqual({ packs: [] });

    expect((await admin('pack-publish', 'malaria', '1')).code).toBe(0);
    // The log keeps a pack's latest change only: the tombstone gave way to the publication.
    expect((await a.pullAll(pulled.checkpoint)).changes).toMatchObject([
      { kind: 'pack', id: 'malaria', deleted: false, data: { version: '1' } },
    ]);
  });
});
