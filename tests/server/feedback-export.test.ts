import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../server/src/admin/cli';
import { feedbackSummary, preferencePairs, ratingRecords, toJsonl } from '../../server/src/feedback/feedback-export';
import type { StoredFeedback } from '../../server/src/feedback/feedback-store';
import type { Feedback, RatedAnswer } from '../../src/core/feedback/feedback-schema';
import { SYNC_PROTOCOL_HEADER, SYNC_PROTOCOL_VERSION } from '../../src/core/sync/sync-constants';
import { enrollDevice, startTestServer, type TestServer } from './support/test-server';

const QUESTION = 'How much ORS for a 2-year-old with diarrhoea?';
const CREATED = '2026-01-01T08:00:00.000Z';

const answer = (text: string, criteria: RatedAnswer['criteria'], model: string | null = 'meditron-8b'): RatedAnswer => ({
  text,
  model,
  engine: model ? 'clinic' : 'excerpts-only',
  excerptIds: ['demo/ors-1'],
  criteria,
});

const feedback = (answers: RatedAnswer[], extra: Partial<Feedback> = {}): Feedback => ({
  id: randomUUID(),
  question: QUESTION,
  answers,
  createdAt: CREATED,
  ...extra,
});

const stored = (record: Feedback, deviceId = 'dev-a', deletedAt: string | null = null): StoredFeedback => ({
  record,
  deviceId,
  createdAt: CREATED,
  updatedAt: CREATED,
  deletedAt,
});

/** What every record of `record`'s answer `index` repeats. */
const base = (record: Feedback, index: number, device: string) => ({
  id: `${record.id}:${index}`,
  feedbackId: record.id,
  question: record.question,
  answer: record.answers[index]!.text,
  model: record.answers[index]!.model,
  engine: record.answers[index]!.engine,
  excerptIds: record.answers[index]!.excerptIds,
  criteria: record.answers[index]!.criteria,
  comment: record.comment ?? null,
  setting: record.setting ?? null,
  device,
  createdAt: record.createdAt,
});

const parseJsonl = (text: string): unknown[] => {
  expect(text === '' || text.endsWith('\n')).toBe(true);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
};

describe('feedback export functions', () => {
  it('make one record a rated answer, and leave out unrated answers outside a comparison', () => {
    const single = feedback([answer('Give ORS after each loose stool.', { relevance: 4 })]);
    const twoUnranked = feedback([answer('A', {}), answer('B', { clarity: 2 })]);
    expect(ratingRecords([stored(single), stored(twoUnranked)])).toEqual([
      { ...base(single, 0, 'dev-a'), preferred: null },
      { ...base(twoUnranked, 1, 'dev-a'), preferred: null },
    ]);
    expect(preferencePairs([stored(single), stored(twoUnranked)])).toEqual([]);
  });

  it('keep both answers of a comparison, even one with no criteria rated, and mark the preferred one', () => {
    const pair = feedback([answer('Short answer', {}), answer('Better answer', { reasoning: 5 }, null)], {
      preferred: 1,
      setting: 'Primary care, Ethiopia',
      comment: 'The second cites the guideline.',
    });
    expect(ratingRecords([stored(pair)])).toEqual([
      { ...base(pair, 0, 'dev-a'), preferred: false },
      { ...base(pair, 1, 'dev-a'), preferred: true },
    ]);
    expect(preferencePairs([stored(pair)])).toEqual([
      {
        prompt: QUESTION,
        chosen: 'Better answer',
        rejected: 'Short answer',
        feedbackId: pair.id,
        chosenModel: null,
        rejectedModel: 'meditron-8b',
        chosenEngine: 'excerpts-only',
        rejectedEngine: 'clinic',
        setting: 'Primary care, Ethiopia',
        createdAt: CREATED,
      },
    ]);
  });

  it('make no pair of a tie, and leave deleted feedback out', () => {
    const tie = feedback([answer('A', {}), answer('B', {})], { preferred: 'tie' });
    const deleted = stored(feedback([answer('C', { clarity: 1 }), answer('D', {})], { preferred: 0 }), 'dev-a', CREATED);
    expect(ratingRecords([stored(tie), deleted])).toEqual([
      { ...base(tie, 0, 'dev-a'), preferred: null },
      { ...base(tie, 1, 'dev-a'), preferred: null },
    ]);
    expect(preferencePairs([stored(tie), deleted])).toEqual([]);
    expect(feedbackSummary([deleted]).records).toBe(0);
  });

  it('summarise counts and the mean score per criterion', () => {
    const rows = [
      stored(feedback([answer('A', { relevance: 4, clarity: 3 })])),
      stored(feedback([answer('B', { relevance: 2 }), answer('C', {})], { preferred: 0 }), 'dev-b'),
      stored(feedback([answer('D', {}), answer('E', {})], { preferred: 'tie' })),
    ];
    const summary = feedbackSummary(rows);
    expect(summary).toMatchObject({ records: 3, devices: 2, ratedAnswers: 5, pairs: 1, ties: 1 });
    expect(summary.criteria.relevance).toEqual({ mean: 3, count: 2 });
    expect(summary.criteria.clarity).toEqual({ mean: 3, count: 1 });
    expect(summary.criteria.fairness).toEqual({ mean: null, count: 0 });
  });

  it('write JSON Lines, one object a line', () => {
    expect(toJsonl([])).toBe('');
    expect(toJsonl([{ a: 'x\ny' }, { b: 2 }])).toBe('{"a":"x\\ny"}\n{"b":2}\n');
  });
});

describe('feedback export from a clinic server', () => {
  let dataDir: string;
  let outDir: string;
  let server: TestServer;
  let tokenA: string;
  let tokenB: string;
  let deviceA: string;
  let deviceB: string;

  const single = feedback([answer('Give ORS after each loose stool.', { comprehension: 4, relevance: 5, clarity: 3 })], {
    setting: 'Primary care, Ethiopia',
    comment: 'Good, but no dose.',
  });
  const pair = feedback([answer('50–100 ml after each stool.', { guidelines: 5 }), answer('Give antibiotics.', { harmlessness: 1 })], {
    preferred: 0,
  });
  const tie = feedback([answer('ORS and zinc.', { clarity: 4 }), answer('ORS, and zinc for 10 days.', {}, null)], { preferred: 'tie' });
  const deleted = feedback([answer('Withdrawn answer', { fairness: 2 })]);
  const fromB = feedback([answer('Refer if dehydrated.', { context: 4, communication: 5 })], { setting: 'Mobile clinic' });

  async function admin(...args: string[]): Promise<{ code: number; output: string }> {
    const lines: string[] = [];
    const code = await runAdmin(['--data', dataDir, ...args], (line) => lines.push(line));
    return { code, output: lines.join('\n') };
  }

  async function push(token: string, items: unknown[]): Promise<void> {
    const response = await server.fetch('/api/sync/push', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL_VERSION),
        'content-type': 'application/json',
      },
      body: JSON.stringify({ items }),
    });
    const body = (await response.json()) as { results: { status: string }[] };
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body.results.map((r) => r.status)).toEqual(items.map(() => 'ok'));
  }

  const put = (data: Feedback) => ({ kind: 'feedback', id: data.id, op: 'put', data });

  const get = (path: string, token: string | null) => server.fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  const deviceIdOf = (name: string) => (server.ctx.db.prepare('SELECT id FROM devices WHERE name = ?').get(name) as { id: string }).id;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'meditron-feedback-'));
    outDir = join(dataDir, 'export');
    server = await startTestServer({ dataDir });
    tokenA = await enrollDevice(server, 'tablet A');
    tokenB = await enrollDevice(server, 'tablet B');
    deviceA = deviceIdOf('tablet A');
    deviceB = deviceIdOf('tablet B');
    await push(tokenA, [put(single), put(pair), put(tie), put(deleted), { kind: 'feedback', id: deleted.id, op: 'delete' }]);
    await push(tokenB, [put(fromB)]);
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says so when there is no feedback yet', async () => {
    const emptyDir = mkdtempSync(join(tmpdir(), 'meditron-feedback-empty-'));
    try {
      for (const args of [['feedback'], ['feedback-export', '--out', join(emptyDir, 'export')]]) {
        const lines: string[] = [];
        expect(await runAdmin(['--data', emptyDir, ...args], (line) => lines.push(line))).toBe(0);
        expect(lines).toEqual(["No feedback yet: tablets send clinicians' ratings at their next sync."]);
      }
      expect(existsSync(join(emptyDir, 'export'))).toBe(false);
    } finally {
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });

  const expectedRatings = () => [
    { ...base(single, 0, deviceA), preferred: null },
    { ...base(pair, 0, deviceA), preferred: true },
    { ...base(pair, 1, deviceA), preferred: false },
    { ...base(tie, 0, deviceA), preferred: null },
    { ...base(tie, 1, deviceA), preferred: null },
    { ...base(fromB, 0, deviceB), preferred: null },
  ];
  const expectedPairs = () => [
    {
      prompt: QUESTION,
      chosen: '50–100 ml after each stool.',
      rejected: 'Give antibiotics.',
      feedbackId: pair.id,
      chosenModel: 'meditron-8b',
      rejectedModel: 'meditron-8b',
      chosenEngine: 'clinic',
      rejectedEngine: 'clinic',
      setting: null,
      createdAt: CREATED,
    },
  ];

  /** The store orders by its own clock, then by random id: compare in id order. */
  const byId = (records: readonly object[]) => {
    const key = (record: object) => {
      const { id, feedbackId } = record as { id?: string; feedbackId: string };
      return id ?? feedbackId;
    };
    return [...records].sort((x, y) => key(x).localeCompare(key(y)));
  };

  it('feedback-export writes both files, deleted feedback left out, and reminds whose questions they hold', async () => {
    const { code, output } = await admin('feedback-export', '--out', outDir);
    expect(code).toBe(0);
    const ratingsFile = join(outDir, 'feedback-ratings.jsonl');
    const pairsFile = join(outDir, 'feedback-preferences.jsonl');
    expect(output).toContain(`6 rated answers: ${ratingsFile}`);
    expect(output).toContain(`1 preference pair: ${pairsFile}`);
    expect(output).toMatch(/health workers' questions.*data agreements/);

    const ratings = parseJsonl(readFileSync(ratingsFile, 'utf8')) as object[];
    expect(byId(ratings)).toEqual(byId(expectedRatings()));
    expect(JSON.stringify(ratings)).not.toContain('Withdrawn answer');
    const pairs = parseJsonl(readFileSync(pairsFile, 'utf8'));
    expect(pairs).toEqual(expectedPairs());
  });

  it('feedback prints the summary', async () => {
    const { code, output } = await admin('feedback');
    expect(code).toBe(0);
    expect(output).toContain('4 records from 2 tablets');
    expect(output).toContain('Rated answers:  6');
    expect(output).toContain('1 with a preferred answer, 1 tie');
    expect(output).toMatch(/clarity\s+3\.5\s+\(2\)/);
    expect(output).toMatch(/fairness\s+-\s+\(0\)/);
  });

  it('the admin routes send the same records as JSON Lines downloads', async () => {
    for (const [path, file, expected] of [
      ['/api/admin/feedback/ratings.jsonl', 'feedback-ratings.jsonl', expectedRatings()],
      ['/api/admin/feedback/preferences.jsonl', 'feedback-preferences.jsonl', expectedPairs()],
    ] as const) {
      const response = await get(path, server.adminToken);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${file}"`);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const text = await response.text();
      expect(text).toBe(readFileSync(join(outDir, file), 'utf8'));
      expect(byId(parseJsonl(text) as object[])).toEqual(byId(expected));
    }
    const pairs = parseJsonl(await (await get('/api/admin/feedback/preferences.jsonl', server.adminToken)).text());
    for (const line of pairs as Record<string, unknown>[]) {
      for (const key of ['prompt', 'chosen', 'rejected']) expect(typeof line[key]).toBe('string');
    }
  });

  it('the routes need the admin token', async () => {
    for (const path of ['/api/admin/feedback/ratings.jsonl', '/api/admin/feedback/preferences.jsonl']) {
      const anonymous = await get(path, null);
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('auth/missing-token');
      const tablet = await get(path, tokenA);
      expect(tablet.status).toBe(403);
      expect(((await tablet.json()) as { error: { code: string } }).error.code).toBe('auth/not-admin');
    }
  });
});
