import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { limitConcurrency } from '../../server/src/inference/concurrency';
import type { InferenceEngine } from '../../server/src/inference/engine';
import { createLlamaEngine } from '../../server/src/inference/llama-engine';
import { createUpstreamEngine } from '../../server/src/inference/upstream-engine';
import { MAX_ATTEMPTS } from '../../server/src/jobs/job-runner';
import type { Job } from '../../server/src/jobs/job-store';
import { tinyModelPath } from '../fixtures/tiny-model';
import { enrollDevice, startTestServer, type TestServer } from './support/test-server';

/** Any answer of the jobs API: the fields present depend on the route and the outcome. */
interface ApiBody {
  job: Job;
  jobs: Job[];
  checkpoint: number;
  error: { code: string; message: string };
  code: string;
  token: string;
}

function api(server: TestServer, token: string) {
  const call = async (method: string, path: string, body?: object) => {
    const response = await server.fetch(path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body && JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as ApiBody };
  };
  return {
    submit: (body: object) => call('POST', '/api/jobs', body),
    get: (id: string) => call('GET', `/api/jobs/${id}`),
    cancel: (id: string) => call('DELETE', `/api/jobs/${id}`),
    since: (since: number, limit = 100) => call('GET', `/api/jobs?since=${since}&limit=${limit}`),
  };
}

/** Pulls the feed the way the app does, from its checkpoint, until `done` says so; returns every job state received. */
async function pullUntil(client: ReturnType<typeof api>, done: (received: Job[]) => boolean, from = 0): Promise<Job[]> {
  const received: Job[] = [];
  let checkpoint = from;
  await vi.waitFor(
    async () => {
      const { body } = await client.since(checkpoint);
      received.push(...body.jobs);
      checkpoint = body.checkpoint;
      if (!done(received)) throw new Error('not yet');
    },
    { timeout: 60_000, interval: 20 },
  );
  return received;
}

const question = (extra: object = {}) => ({
  id: randomUUID(),
  question: 'How much ORS for a 2-year-old with diarrhoea?',
  options: { maxTokens: 6, temperature: 0 },
  ...extra,
});

describe('question jobs', () => {
  let llama: InferenceEngine;
  let modelId: string;
  let server: TestServer;
  let tablet: ReturnType<typeof api>;
  let other: ReturnType<typeof api>;

  beforeAll(async () => {
    llama = await createLlamaEngine({ modelPath: await tinyModelPath(), parallel: 2 });
    modelId = (await llama.models())[0]!.id;
    server = await startTestServer({
      args: ['--parallel', '2'],
      engine: limitConcurrency(llama, { parallel: 2, queueLimit: 8, timeoutMs: 60_000 }),
    });
    tablet = api(server, await enrollDevice(server, 'tablet A'));
    other = api(server, await enrollDevice(server, 'tablet B'));
  });

  afterAll(async () => {
    await server?.close();
    await llama?.close();
  });

  it('answers a job in the background; the feed delivers each new state once, answer included', async () => {
    const { body: start } = await tablet.since(0);
    const job = question({
      messages: [
        { role: 'system', content: 'Answer from the excerpts.' },
        { role: 'user', content: 'Excerpt: give ORS after each loose stool.\n\nQuestion: how much ORS?' },
      ],
      context: { ageBand: '1-4', sex: 'female' },
    });
    const submitted = await tablet.submit(job);
    expect(submitted.status).toBe(202);
    expect(submitted.body.job).toMatchObject({
      id: job.id,
      status: 'queued',
      question: job.question,
      answer: null,
      error: null,
      model: null,
    });

    const received = await pullUntil(tablet, (jobs) => jobs.some((j) => j.id === job.id && j.status === 'done'), start.checkpoint);
    const states = received.filter((j) => j.id === job.id);
    const seqs = received.map((j) => j.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(states.filter((j) => j.status === 'done')).toHaveLength(1);
    const done = states.at(-1)!;
    expect(done).toMatchObject({ status: 'done', model: modelId, error: null });
    expect(done.answer!.length).toBeGreaterThan(0);
    expect((await tablet.get(job.id)).body.job).toEqual(done);
    // Nothing new after the answer: a pull from the last checkpoint is empty.
    const { body: after } = await tablet.since(done.seq);
    expect(after).toEqual({ jobs: [], checkpoint: done.seq });
  });

  it('answers a completion-profile prompt, and a question sent alone', async () => {
    const withPrompt = question({ prompt: 'Question: fever in a child.\nAnswer:' });
    const alone = question();
    for (const job of [withPrompt, alone]) expect((await tablet.submit(job)).status).toBe(202);
    const received = await pullUntil(tablet, (jobs) =>
      [withPrompt, alone].every((job) => jobs.some((j) => j.id === job.id && j.status === 'done')),
    );
    for (const job of [withPrompt, alone]) {
      expect(received.find((j) => j.id === job.id && j.status === 'done')!.answer!.length).toBeGreaterThan(0);
    }
  });

  it('ends a completion-profile answer at the stop sequences the app sends', async () => {
    const prompt = 'Question: fever in a child.\nAnswer:';
    const free = question({ prompt, options: { maxTokens: 32, temperature: 0 } });
    await tablet.submit(free);
    const [freeDone] = (await pullUntil(tablet, (jobs) => jobs.some((j) => j.id === free.id && j.status === 'done'))).filter(
      (j) => j.id === free.id && j.status === 'done',
    );
    // Stop at the first character the unconstrained (greedy, so identical) answer produced after its first.
    const stopAt = freeDone!.answer!.slice(1, 2);
    const stopped = question({ prompt, options: { maxTokens: 32, temperature: 0, stop: [stopAt] } });
    await tablet.submit(stopped);
    const received = await pullUntil(tablet, (jobs) => jobs.some((j) => j.id === stopped.id && j.status === 'done'));
    const answer = received.find((j) => j.id === stopped.id && j.status === 'done')!.answer!;
    expect(answer).not.toContain(stopAt);
    expect(answer.length).toBeLessThan(freeDone!.answer!.length);
  });

  it('treats the same id sent twice as one job, whatever the second body says', async () => {
    const job = question();
    const first = await tablet.submit(job);
    const again = await tablet.submit({ ...job, question: 'A different question' });
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.body.job.id).toBe(job.id);
    expect(again.body.job.question).toBe(job.question);
    const rows = server.ctx.db.prepare('SELECT COUNT(*) AS n FROM jobs WHERE id = ?').get(job.id) as { n: number };
    expect(rows.n).toBe(1);
    await pullUntil(tablet, (jobs) => jobs.some((j) => j.id === job.id && j.status === 'done'));
    // Sent again once answered: the stored answer, not a new run.
    const late = await tablet.submit(job);
    expect(late.status).toBe(200);
    expect(late.body.job.status).toBe('done');
    const { attempts } = server.ctx.db.prepare('SELECT attempts FROM jobs WHERE id = ?').get(job.id) as { attempts: number };
    expect(attempts).toBe(1);
  });

  it('keeps devices apart: another device cannot take an id, read a job or see it in its feed', async () => {
    const job = question();
    await tablet.submit(job);
    const taken = await other.submit(job);
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('request/conflict');
    expect((await other.get(job.id)).status).toBe(404);
    expect((await other.cancel(job.id)).status).toBe(404);
    const { body } = await other.since(0);
    expect(body.jobs.map((j: Job) => j.id)).not.toContain(job.id);
    expect((await tablet.get(job.id)).status).toBe(200);
  });

  it('pages the feed with limit and checkpoint', async () => {
    const fresh = api(server, await enrollDevice(server, 'tablet C'));
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of ids) await fresh.submit(question({ id }));
    const seen = new Set<string>();
    let checkpoint = 0;
    for (let page = await fresh.since(0, 1); page.body.jobs.length > 0; page = await fresh.since(checkpoint, 1)) {
      expect(page.body.jobs).toHaveLength(1);
      expect(page.body.jobs[0]!.seq).toBeGreaterThan(checkpoint);
      expect(page.body.checkpoint).toBe(page.body.jobs[0]!.seq);
      checkpoint = page.body.checkpoint;
      seen.add(page.body.jobs[0]!.id);
    }
    expect([...seen].sort()).toEqual([...ids].sort());
    expect((await fresh.since(0, 501)).status).toBe(400);
  });

  it('refuses a cancel once the job is done', async () => {
    const job = question();
    await tablet.submit(job);
    await pullUntil(tablet, (jobs) => jobs.some((j) => j.id === job.id && j.status === 'done'));
    const cancel = await tablet.cancel(job.id);
    expect(cancel.status).toBe(409);
    expect(cancel.body.error.code).toBe('request/conflict');
  });

  it('cancels a job while it is being answered: it never becomes done', async () => {
    const long = question({ options: { maxTokens: 450 } });
    await tablet.submit(long);
    await vi.waitFor(async () => expect((await tablet.get(long.id)).body.job.status).toBe('running'), { timeout: 60_000, interval: 20 });
    const cancel = await tablet.cancel(long.id);
    expect(cancel.status).toBe(200);
    expect(cancel.body.job).toMatchObject({ status: 'cancelled', answer: null });
    // Later jobs are answered; it stays cancelled (an answer is only stored for a running job).
    const next = [question(), question()];
    for (const job of next) await tablet.submit(job);
    await pullUntil(tablet, (jobs) => next.every((job) => jobs.some((j) => j.id === job.id && j.status === 'done')));
    expect((await tablet.get(long.id)).body.job).toMatchObject({ status: 'cancelled', answer: null });
  });

  it('refuses malformed jobs', async () => {
    for (const body of [
      question({ id: 'not-a-uuid' }),
      question({ question: '' }),
      question({ question: 'x'.repeat(4001) }),
      question({ messages: [{ role: 'tool', content: 'x' }] }),
      question({ options: { maxTokens: 0 } }),
    ]) {
      const response = await tablet.submit(body);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('request/invalid');
    }
    expect((await server.fetch('/api/jobs')).status).toBe(401);
  });
});

describe('question jobs when the engine fails', () => {
  it('retries a job, then marks it failed with the error after the last attempt', { timeout: 60_000 }, async () => {
    // A real upstream engine whose server is gone: every attempt fails as in the field.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    const upstream = createUpstreamEngine({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 5000 });
    const server = await startTestServer({ engine: limitConcurrency(upstream, { parallel: 1, queueLimit: 8, timeoutMs: 5000 }) });
    try {
      const tablet = api(server, await enrollDevice(server));
      const job = question();
      await tablet.submit(job);
      const received = await pullUntil(tablet, (jobs) => jobs.some((j) => j.id === job.id && j.status === 'failed'));
      const failed = received.at(-1)!;
      expect(failed).toMatchObject({ status: 'failed', answer: null, error: { code: 'inference/upstream-failed' } });
      const { attempts } = server.ctx.db.prepare('SELECT attempts FROM jobs WHERE id = ?').get(job.id) as { attempts: number };
      expect(attempts).toBe(MAX_ATTEMPTS);
    } finally {
      await server.close();
      await upstream.close();
    }
  });
});

describe('question jobs without a model', () => {
  it('stay queued, can be cancelled, and are answered once a server with a model runs on the same data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'meditron-jobs-'));
    try {
      const bare = await startTestServer({ dataDir });
      const token = await enrollDevice(bare);
      const tablet = api(bare, token);
      const kept = question();
      const dropped = question();
      await tablet.submit(kept);
      await tablet.submit(dropped);
      const cancelled = await tablet.cancel(dropped.id);
      expect(cancelled.body.job.status).toBe('cancelled');
      expect((await tablet.cancel(dropped.id)).body.job.status).toBe('cancelled');
      expect((await tablet.get(kept.id)).body.job.status).toBe('queued');
      await bare.close();

      const llama = await createLlamaEngine({ modelPath: await tinyModelPath() });
      const served = await startTestServer({
        dataDir,
        engine: limitConcurrency(llama, { parallel: 1, queueLimit: 8, timeoutMs: 60_000 }),
      });
      try {
        const again = api(served, token);
        const received = await pullUntil(again, (jobs) => jobs.some((j) => j.id === kept.id && j.status === 'done'));
        expect(received.filter((j) => j.id === kept.id && j.status === 'done')).toHaveLength(1);
        expect((await again.get(dropped.id)).body.job.status).toBe('cancelled');
      } finally {
        await served.close();
        await llama.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
