import { describe, expect, it } from 'vitest';
import { BACKOFF, backoffDelay } from '../../src/core/outbox/backoff';
import { createOutboxItem, dueForSend, type OutboxItem } from '../../src/core/outbox/outbox-item';
import { applies, type Clock, OUTBOX_TIMEOUTS, type OutboxEvent, transition } from '../../src/core/outbox/transition';
import { seededRandom } from '../fixtures/random';

const NOW = 1_000_000;
const clock: Clock = { now: NOW, random: () => 0.5 };
const fresh = (overrides: Partial<OutboxItem> = {}): OutboxItem => ({
  ...createOutboxItem({ id: 'q1', question: 'How much ORS?', now: NOW - 10_000 }),
  ...overrides,
});
const sending = (overrides: Partial<OutboxItem> = {}) => fresh({ state: 'sending', attempts: 1, nextAttemptAt: NOW + 5, ...overrides });
const answering = (overrides: Partial<OutboxItem> = {}) => sending({ state: 'answering', partialAnswer: 'Give', ...overrides });
const answered = () => fresh({ state: 'answered', answer: 'Give ORS [1].', model: 'm', serverSeq: 7 });
const failed = () => fresh({ state: 'failed', error: { code: 'inference/timeout', message: 'Too slow.' }, serverSeq: 4, attempts: 3 });
const cancelled = () => fresh({ state: 'cancelled', serverSeq: 3 });
const run = (item: OutboxItem, ...events: OutboxEvent[]) => events.reduce((it, e) => transition(it, e, clock), item);

const EVENTS: OutboxEvent[] = [
  { type: 'send-started', engine: 'server' },
  { type: 'stream-chunk', text: ' ORS' },
  { type: 'stream-completed', answer: 'Give ORS.', model: 'm' },
  { type: 'accepted-by-server', jobId: 'q1', seq: 9 },
  { type: 'server-answered', jobId: 'q1', answer: 'Give ORS.', model: 'm', seq: 9 },
  { type: 'server-failed', jobId: 'q1', error: { code: 'inference/busy', message: 'Busy.' }, seq: 9 },
  { type: 'network-failed', reason: 'offline' },
  { type: 'crashed' },
  { type: 'cancel' },
  { type: 'retry', jobId: 'q1-retry' },
  { type: 'tick' },
];

describe('outbox item', () => {
  it('starts queued, due now, its job id its own id', () => {
    expect(createOutboxItem({ id: 'q9', question: 'Q?', now: 5 })).toEqual({
      id: 'q9',
      jobId: 'q9',
      question: 'Q?',
      createdAt: 5,
      state: 'queued',
      attempts: 0,
      nextAttemptAt: 5,
    });
  });

  it('sends queued items that are due, oldest question first', () => {
    const items = [
      fresh({ id: 'late', createdAt: 30, nextAttemptAt: NOW + 1 }),
      fresh({ id: 'b', createdAt: 20, nextAttemptAt: NOW }),
      fresh({ id: 'a', createdAt: 20, nextAttemptAt: 0 }),
      fresh({ id: 'first', createdAt: 10, nextAttemptAt: NOW - 1 }),
      sending({ id: 'busy', createdAt: 0 }),
      failed(),
    ];
    expect(dueForSend(items, NOW).map((i) => i.id)).toEqual(['first', 'a', 'b']);
    expect(dueForSend(items, NOW + 1).map((i) => i.id)).toEqual(['first', 'a', 'b', 'late']);
    expect(dueForSend([], NOW)).toEqual([]);
  });
});

describe('backoffDelay', () => {
  it('doubles from 2 s up to 5 min, with full jitter', () => {
    const ceiling = (attempts: number) => backoffDelay(attempts, () => 1 - Number.EPSILON) + 1;
    expect([1, 2, 3, 4, 8, 9, 10, 1000].map(ceiling)).toEqual([2000, 4000, 8000, 16_000, 256_000, 300_000, 300_000, 300_000]);
    expect(ceiling(0)).toBe(BACKOFF.baseMs);
    expect(backoffDelay(5, () => 0)).toBe(0);
    expect(backoffDelay(3, () => 0.5)).toBe(4000);
  });
});

describe('transition', () => {
  it('send-started: queued → sending, one more attempt, a deadline for the response, the engine noted', () => {
    const next = run(fresh({ engine: 'old', attempts: 2 }), { type: 'send-started', engine: 'server' });
    expect(next).toMatchObject({ state: 'sending', attempts: 3, nextAttemptAt: NOW + OUTBOX_TIMEOUTS.responseMs, engine: 'server' });
    expect(run(fresh({ engine: 'old' }), { type: 'send-started' })).not.toHaveProperty('engine');
    for (const item of [sending(), answering(), answered(), failed(), cancelled()]) {
      expect(run(item, { type: 'send-started' })).toBe(item);
    }
  });

  it('stream-chunk: builds the partial answer; a new stream replaces what a broken one left', () => {
    const streaming = run(sending(), { type: 'stream-chunk', text: 'Give' }, { type: 'stream-chunk', text: ' ORS' });
    expect(streaming).toMatchObject({ state: 'answering', partialAnswer: 'Give ORS', nextAttemptAt: NOW + OUTBOX_TIMEOUTS.stallMs });
    const broken = fresh({ partialAnswer: 'Giv', incomplete: true });
    const again = run(broken, { type: 'send-started' }, { type: 'stream-chunk', text: 'Give' });
    expect(again).toMatchObject({ state: 'answering', partialAnswer: 'Give' });
    expect(again).not.toHaveProperty('incomplete');
    for (const item of [fresh(), answered(), failed(), cancelled()]) expect(run(item, { type: 'stream-chunk', text: 'x' })).toBe(item);
  });

  it('stream-completed: the answer, once; a blank one fails the item', () => {
    const done = run(answering({ incomplete: true }), { type: 'stream-completed', answer: 'Give ORS.', model: 'meditron' });
    expect(done).toMatchObject({ state: 'answered', answer: 'Give ORS.', model: 'meditron' });
    expect(done).not.toHaveProperty('partialAnswer');
    expect(done).not.toHaveProperty('incomplete');
    expect(run(sending(), { type: 'stream-completed', answer: ' \n', model: 'm' })).toMatchObject({
      state: 'failed',
      error: { code: 'outbox/empty-answer' },
    });
    for (const item of [fresh(), answered(), failed(), cancelled()]) {
      expect(run(item, { type: 'stream-completed', answer: 'A.', model: 'm' })).toBe(item);
    }
  });

  it('accepted-by-server: the server holds the job; asked about again much later', () => {
    const held = run(sending(), { type: 'accepted-by-server', jobId: 'q1', seq: 5 });
    expect(held).toMatchObject({ state: 'answering', serverSeq: 5, nextAttemptAt: NOW + OUTBOX_TIMEOUTS.serverRecheckMs });
    // Found on the server by the feed while waiting to be sent again: no need to send it.
    expect(run(fresh(), { type: 'accepted-by-server', jobId: 'q1', seq: 5 })).toMatchObject({ state: 'answering' });
    expect(run(held, { type: 'accepted-by-server', jobId: 'q1', seq: 6 })).toMatchObject({ serverSeq: 6 });
    for (const item of [answered(), failed(), cancelled()]) {
      expect(run(item, { type: 'accepted-by-server', jobId: 'q1', seq: 50 })).toBe(item);
    }
  });

  it('server-answered: from any open state, exactly once', () => {
    const event: OutboxEvent = { type: 'server-answered', jobId: 'q1', answer: 'Give ORS [1].', model: 'meditron', seq: 8 };
    for (const item of [fresh({ partialAnswer: 'Gi', incomplete: true }), sending(), answering({ serverSeq: 5 })]) {
      const done = run(item, event);
      expect(done).toMatchObject({ state: 'answered', answer: 'Give ORS [1].', model: 'meditron', serverSeq: 8 });
      expect(done).not.toHaveProperty('partialAnswer');
      expect(run(done, event)).toBe(done);
      expect(run(done, { ...event, answer: 'Something else.', seq: 12 })).toBe(done);
    }
    // The user cancelled: an answer that still arrives does not undo that.
    const gone = cancelled();
    expect(run(gone, event)).toBe(gone);
  });

  it('server events about an earlier job, or older than the latest, change nothing', () => {
    const item = answering({ jobId: 'q1-b', serverSeq: 20 });
    const stale: OutboxEvent[] = [
      { type: 'server-answered', jobId: 'q1', answer: 'Old.', model: 'm', seq: 30 },
      { type: 'server-failed', jobId: 'q1', error: { code: 'x', message: 'x' }, seq: 30 },
      { type: 'accepted-by-server', jobId: 'q1', seq: 30 },
      { type: 'accepted-by-server', jobId: 'q1-b', seq: 19 },
      { type: 'server-failed', jobId: 'q1-b', error: { code: 'x', message: 'x' }, seq: 19 },
      { type: 'server-answered', jobId: 'q1-b', answer: 'Old.', model: 'm', seq: 19 },
    ];
    for (const event of stale) expect(run(item, event)).toBe(item);
    expect(run(item, { type: 'server-answered', jobId: 'q1-b', answer: 'New.', model: 'm', seq: 21 })).toMatchObject({
      state: 'answered',
    });
  });

  it('server-failed: the error kept; a refusal without seq applies too', () => {
    const error = { code: 'request/invalid', message: 'Bad body.' };
    expect(run(sending(), { type: 'server-failed', jobId: 'q1', error })).toMatchObject({ state: 'failed', error });
    expect(run(answering(), { type: 'server-failed', jobId: 'q1', error, seq: 9 })).toMatchObject({ state: 'failed', serverSeq: 9 });
    for (const item of [answered(), failed(), cancelled()]) expect(run(item, { type: 'server-failed', jobId: 'q1', error })).toBe(item);
  });

  it.each(['offline', 'timeout', 'http-5xx', 'stream-broken'] as const)(
    'network-failed (%s): back to the queue after a backoff, the partial answer kept and marked incomplete',
    (reason) => {
      const random = () => 0.25;
      const back = transition(answering({ attempts: 3 }), { type: 'network-failed', reason }, { now: NOW, random });
      expect(back).toMatchObject({
        state: 'queued',
        nextAttemptAt: NOW + backoffDelay(3, random),
        partialAnswer: 'Give',
        incomplete: true,
      });
      expect(run(sending(), { type: 'network-failed', reason })).not.toHaveProperty('incomplete');
      for (const item of [fresh(), answered(), failed(), cancelled()]) expect(run(item, { type: 'network-failed', reason })).toBe(item);
    },
  );

  it('crashed: whatever was in flight is gone, so queued again, due now', () => {
    expect(run(sending(), { type: 'crashed' })).toMatchObject({ state: 'queued', nextAttemptAt: NOW, attempts: 1 });
    expect(run(answering(), { type: 'crashed' })).toMatchObject({ state: 'queued', incomplete: true, partialAnswer: 'Give' });
    for (const item of [fresh(), answered(), failed(), cancelled()]) expect(run(item, { type: 'crashed' })).toBe(item);
  });

  it('cancel: anything not answered yet', () => {
    for (const item of [fresh(), sending(), answering(), failed()]) {
      expect(run(item, { type: 'cancel' })).toEqual({ ...item, state: 'cancelled' });
    }
    for (const item of [answered(), cancelled()]) expect(run(item, { type: 'cancel' })).toBe(item);
  });

  it('retry: now when waiting; after a failure or a cancel, as a new job', () => {
    expect(run(fresh({ nextAttemptAt: NOW + 60_000 }), { type: 'retry', jobId: 'ignored' })).toMatchObject({
      state: 'queued',
      nextAttemptAt: NOW,
      jobId: 'q1',
    });
    const due = fresh({ nextAttemptAt: NOW });
    expect(run(due, { type: 'retry', jobId: 'ignored' })).toBe(due);
    for (const item of [failed(), cancelled()]) {
      const again = run(item, { type: 'retry', jobId: 'q1-b' });
      expect(again).toMatchObject({ state: 'queued', jobId: 'q1-b', attempts: 0, nextAttemptAt: NOW });
      expect(again).not.toHaveProperty('error');
      expect(again).not.toHaveProperty('serverSeq');
      // The server keeps the ended job as it is: the same id would get the same end.
      expect(run(item, { type: 'retry', jobId: 'q1' })).toBe(item);
    }
    for (const item of [sending(), answering(), answered()]) expect(run(item, { type: 'retry', jobId: 'q1-b' })).toBe(item);
  });

  it('tick: an attempt past its deadline is given up and sent again after a backoff', () => {
    const stuck = sending({ nextAttemptAt: NOW });
    expect(run(stuck, { type: 'tick' })).toMatchObject({ state: 'queued', nextAttemptAt: NOW + backoffDelay(1, clock.random) });
    const held = run(sending(), { type: 'accepted-by-server', jobId: 'q1', seq: 5 });
    expect(transition(held, { type: 'tick' }, { ...clock, now: NOW + OUTBOX_TIMEOUTS.serverRecheckMs })).toMatchObject({
      state: 'queued',
    });
    for (const item of [sending({ nextAttemptAt: NOW + 1 }), held, fresh({ nextAttemptAt: 0 }), answered(), failed(), cancelled()]) {
      expect(run(item, { type: 'tick' })).toBe(item);
    }
  });

  it('never changes an answered item, whatever happens', () => {
    const item = answered();
    for (const event of EVENTS) {
      expect(transition(item, event, { now: NOW * 10, random: Math.random })).toBe(item);
      expect(applies(item, event, NOW * 10)).toBe(false);
    }
  });

  it('applies() says whether transition() changes the item, in every state', () => {
    const items = [fresh(), sending({ nextAttemptAt: NOW }), answering(), answered(), failed(), cancelled()];
    for (const item of items) {
      for (const event of EVENTS) expect(applies(item, event, NOW)).toBe(transition(item, event, clock) !== item);
    }
    expect(applies(fresh(), { type: 'send-started' }, NOW)).toBe(true);
    expect(applies(cancelled(), { type: 'send-started' }, NOW)).toBe(false);
  });

  it('keeps whatever else the app stores on the item', () => {
    const item = { ...fresh(), prompt: { profile: 'chat' }, sources: [{ n: 1, excerptId: 'e1' }] };
    const next = transition(item, { type: 'send-started' }, clock);
    expect(next.prompt).toBe(item.prompt);
    expect(next.sources).toBe(item.sources);
  });
});

// ---------------------------------------------------------------------------------------------------
// Randomized: a tablet and a clinic server, a flaky network, crashes, and impatient users.

type Step = typeof transition;
type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
interface Job {
  id: string;
  itemId: string;
  status: JobStatus;
  seq: number;
  answer: string | null;
  runs: number;
}
type Snapshot = Readonly<Pick<Job, 'id' | 'status' | 'seq' | 'answer'>>;
type Op =
  | { kind: 'post'; itemId: string; jobId: string; attempt: number }
  | { kind: 'stream'; itemId: string; jobId: string; attempt: number; chunks: string[]; answer: string };

/** Question jobs as the clinic server keeps them: by id (the idempotency key), each change taking the next seq. */
class SimServer {
  readonly jobs = new Map<string, Job>();
  readonly history: Snapshot[] = [];
  private seq = 0;

  constructor(private readonly idempotent: boolean) {}

  submit(id: string, itemId: string): Snapshot {
    const existing = this.jobs.get(id);
    if (existing && this.idempotent) return { ...existing };
    const job: Job = { id, itemId, status: 'queued', seq: 0, answer: null, runs: existing?.runs ?? 0 };
    this.jobs.set(id, job);
    return this.bump(job);
  }

  /** One step of the runner: finish a running job, or claim the oldest queued one. */
  work(random: () => number, reliable: boolean): boolean {
    let running: Job | undefined;
    let queued: Job | undefined;
    for (const job of this.jobs.values()) {
      if (job.status === 'running' && !running) running = job;
      if (job.status === 'queued' && (!queued || job.seq < queued.seq)) queued = job;
    }
    if (running && (!queued || random() < 0.6)) {
      if (!reliable && random() < 0.1) running.status = 'failed';
      else Object.assign(running, { status: 'done', answer: `job:${running.itemId}:${running.id}` });
      this.bump(running);
      return true;
    }
    if (!queued) return false;
    queued.status = 'running';
    queued.runs++;
    this.bump(queued);
    return true;
  }

  cancel(id: string): void {
    const job = this.jobs.get(id);
    if (job && (job.status === 'queued' || job.status === 'running')) {
      job.status = 'cancelled';
      this.bump(job);
    }
  }

  since(checkpoint: number, limit: number): Snapshot[] {
    return [...this.jobs.values()]
      .filter((j) => j.seq > checkpoint)
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit)
      .map((j) => ({ ...j }));
  }

  private bump(job: Job): Snapshot {
    job.seq = ++this.seq;
    const snapshot = { id: job.id, status: job.status, seq: job.seq, answer: job.answer };
    this.history.push(snapshot);
    return snapshot;
  }
}

interface SimOptions {
  step?: Step;
  idempotentServer?: boolean;
  /** Whether the tablet also streams answers live, besides posting jobs. */
  live?: boolean;
}

interface SimStats {
  questions: number;
  answered: number;
  cancelled: number;
  crashesInFlight: number;
  repeatedAnswers: number;
  staleJobEvents: number;
  retriedAsNewJob: number;
  brokenStreams: number;
  lostResponses: number;
  resubmittedJobs: number;
}

/** One run: random events, then the network up until everything settles. Returns what went wrong, if anything. */
function simulate(
  seed: number,
  { step = transition, idempotentServer = true, live: streams = true }: SimOptions = {},
): { violation?: string; stats: SimStats } {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T | undefined => list[Math.floor(random() * list.length)];
  const server = new SimServer(idempotentServer);
  const items = new Map<string, OutboxItem>();
  const created: string[] = [];
  const owner = new Map<string, string>();
  const firstAnswer = new Map<string, string>();
  const userCancelled = new Set<string>();
  const stats: SimStats = {
    questions: 0,
    answered: 0,
    cancelled: 0,
    crashesInFlight: 0,
    repeatedAnswers: 0,
    staleJobEvents: 0,
    retriedAsNewJob: 0,
    brokenStreams: 0,
    lostResponses: 0,
    resubmittedJobs: 0,
  };
  let ops: Op[] = [];
  let checkpoint = 0;
  let online = random() < 0.5;
  let chaos = true;
  let now = 1_000_000;
  let jobCounter = 0;
  let violation: string | undefined;
  const fail = (message: string) => {
    violation ??= message;
  };

  const apply = (id: string, event: OutboxEvent): boolean => {
    const prev = items.get(id);
    if (!prev) return false;
    const next = step(prev, event, { now, random });
    if (prev.state === 'answered' && next !== prev) fail(`${id} changed after it was answered (${event.type})`);
    if (next.state === 'answered') {
      if (!next.answer) fail(`${id} is answered without an answer`);
      else if (!next.answer.includes(`:${id}:`)) fail(`${id} got the answer to another question`);
      const first = firstAnswer.get(id);
      if (first === undefined && next.answer) firstAnswer.set(id, next.answer);
      else if (first !== undefined && first !== next.answer) fail(`${id} was answered twice`);
    }
    if (prev.state === 'answered' && event.type === 'server-answered') stats.repeatedAnswers++;
    items.delete(id);
    items.set(next.id, next);
    return next !== prev;
  };

  const isCurrent = (op: Op) => {
    const item = items.get(op.itemId);
    return !!item && item.jobId === op.jobId && item.attempts === op.attempt && (item.state === 'sending' || item.state === 'answering');
  };

  const deliver = (snapshot: Snapshot) => {
    const id = owner.get(snapshot.id)!;
    const item = items.get(id);
    if (item && item.jobId !== snapshot.id) stats.staleJobEvents++;
    const { id: jobId, seq } = snapshot;
    if (snapshot.status === 'done') apply(id, { type: 'server-answered', jobId, seq, answer: snapshot.answer!, model: 'sim-model' });
    else if (snapshot.status === 'queued' || snapshot.status === 'running') apply(id, { type: 'accepted-by-server', jobId, seq });
    else apply(id, { type: 'server-failed', jobId, seq, error: { code: `job/${snapshot.status}`, message: snapshot.status } });
  };

  const send = (limit: number) => {
    for (const item of dueForSend([...items.values()], now).slice(0, limit)) {
      const live = streams && random() < 0.3;
      if (!apply(item.id, { type: 'send-started', engine: live ? 'live' : 'job' })) continue;
      const { jobId, attempts: attempt } = items.get(item.id)!;
      if (!live) ops.push({ kind: 'post', itemId: item.id, jobId, attempt });
      else {
        const answer = `live:${item.id}:${jobId}:${attempt}`;
        ops.push({ kind: 'stream', itemId: item.id, jobId, attempt, answer, chunks: answer.match(/.{1,6}/g)! });
      }
    }
  };

  const resolve = (op: Op) => {
    ops = ops.filter((o) => o !== op);
    const current = isCurrent(op);
    if (op.kind === 'post') {
      if (!online || (chaos && random() < 0.08)) {
        // Offline, or a 503 before the server stored anything.
        if (current) apply(op.itemId, { type: 'network-failed', reason: online ? 'http-5xx' : 'offline' });
        return;
      }
      if (server.jobs.has(op.jobId)) stats.resubmittedJobs++;
      const snapshot = server.submit(op.jobId, op.itemId);
      if (chaos && random() < 0.15) {
        // The server has the job; its response is lost.
        stats.lostResponses++;
        if (current) apply(op.itemId, { type: 'network-failed', reason: 'timeout' });
        return;
      }
      deliver(snapshot);
      return;
    }
    // The app aborts a stream that is no longer the item's current attempt.
    if (!current) return;
    if (!online || (chaos && random() < 0.1)) {
      stats.brokenStreams++;
      apply(op.itemId, { type: 'network-failed', reason: online ? 'stream-broken' : 'offline' });
    } else if (op.chunks.length) {
      apply(op.itemId, { type: 'stream-chunk', text: op.chunks[0]! });
      ops.push({ ...op, chunks: op.chunks.slice(1) });
    } else {
      apply(op.itemId, { type: 'stream-completed', answer: op.answer, model: 'sim-live' });
    }
  };

  const pull = (): number => {
    if (!online) return 0;
    const batch = server.since(checkpoint, chaos ? 1 + Math.floor(random() * 5) : 100);
    for (const snapshot of batch) deliver(snapshot);
    // A checkpoint write can be lost, so the same states come again.
    if (batch.length && !(chaos && random() < 0.2)) checkpoint = batch.at(-1)!.seq;
    return batch.length;
  };

  const retry = (id: string) => {
    const jobId = `j${++jobCounter}`;
    if (apply(id, { type: 'retry', jobId }) && items.get(id)?.jobId === jobId) {
      owner.set(jobId, id);
      userCancelled.delete(id);
      stats.retriedAsNewJob++;
    }
  };

  const checkNothingLost = () => {
    for (const id of created) if (!items.has(id)) fail(`${id} is no longer in the outbox`);
    for (const job of server.jobs.values()) if (job.runs > 1) fail(`the server ran job ${job.id} ${job.runs} times`);
  };

  const maxQuestions = 1 + Math.floor(random() * 20);
  const actions: [number, () => void][] = [
    [
      16,
      () => {
        if (created.length >= maxQuestions) return;
        const id = `q${created.length + 1}`;
        items.set(id, createOutboxItem({ id, question: `Question ${id}?`, now }));
        created.push(id);
        owner.set(id, id);
      },
    ],
    [8, () => (online = !online)],
    [14, () => send(1 + Math.floor(random() * 3))],
    [20, () => ops.length && resolve(pick(ops)!)],
    [14, () => server.work(random, false)],
    [10, pull],
    // A job state delivered late, out of order, or again.
    [5, () => online && server.history.length && deliver(pick(server.history)!)],
    [
      3,
      () => {
        ops = [];
        for (const id of created) {
          const before = items.get(id)?.state;
          if (apply(id, { type: 'crashed' }) && before === 'sending') stats.crashesInFlight++;
        }
        if (random() < 0.5) checkpoint = Math.floor(random() * (checkpoint + 1));
      },
    ],
    [
      6,
      () => {
        now += Math.floor(random() * 200_000);
        for (const id of created) apply(id, { type: 'tick' });
      },
    ],
    [
      3,
      () => {
        const id = pick(created);
        if (!id) return;
        if (apply(id, { type: 'cancel' })) {
          userCancelled.add(id);
          if (online) server.cancel(items.get(id)!.jobId);
        }
      },
    ],
    [5, () => pick(created) && retry(pick(created)!)],
  ];
  const totalWeight = actions.reduce((n, [w]) => n + w, 0);

  const events = 1 + Math.floor(random() * 60);
  for (let i = 0; i < events && !violation; i++) {
    now += Math.floor(random() * 3000);
    let r = random() * totalWeight;
    for (const [weight, action] of actions) {
      r -= weight;
      if (r >= 0) continue;
      action();
      break;
    }
    checkNothingLost();
  }

  // The network stays up, nothing breaks, and the user retries what failed: everything must settle.
  chaos = false;
  online = true;
  const settled = () => created.every((id) => items.get(id)?.state === (userCancelled.has(id) ? 'cancelled' : 'answered'));
  for (let round = 0; round < 200 && !violation && !settled(); round++) {
    for (const id of created) if (items.get(id)?.state === 'failed') retry(id);
    send(Number.POSITIVE_INFINITY);
    for (let guard = 0; ops.length && guard < 10_000; guard++) resolve(ops[0]!);
    while (server.work(random, true));
    while (pull());
    if (settled()) break;
    const open = [...items.values()].filter((item) => ['queued', 'sending', 'answering'].includes(item.state));
    now = Math.max(now + 1, ...open.map((item) => item.nextAttemptAt));
    for (const id of created) apply(id, { type: 'tick' });
    checkNothingLost();
  }
  checkNothingLost();
  for (const id of created) {
    const state = items.get(id)?.state;
    const expected = userCancelled.has(id) ? 'cancelled' : 'answered';
    if (state && state !== expected) fail(`${id} ended ${state}, not ${expected}`);
  }
  stats.questions = created.length;
  stats.answered = created.filter((id) => items.get(id)?.state === 'answered').length;
  stats.cancelled = userCancelled.size;
  return { violation, stats };
}

function firstViolation(runs: number, options: SimOptions): string | undefined {
  for (let seed = 1; seed <= runs; seed++) {
    const { violation } = simulate(seed, options);
    if (violation) return `seed ${seed}: ${violation}`;
  }
  return undefined;
}

describe('outbox under random failures', () => {
  it('loses no question, answers none twice, and answers every one not cancelled once the network holds', () => {
    const totals: Record<string, number> = {};
    for (let seed = 1; seed <= 5000; seed++) {
      const { violation, stats } = simulate(seed);
      expect(violation, `seed ${seed}`).toBeUndefined();
      for (const [key, value] of Object.entries(stats)) totals[key] = (totals[key] ?? 0) + value;
    }
    // The runs went through what they are meant to: otherwise passing proves little.
    for (const key of Object.keys(totals)) expect(totals[key], key).toBeGreaterThan(100);
  });

  // The checks must be able to fail: each broken variant below is caught.
  const mutants: { name: string; options: SimOptions; caught: RegExp }[] = [
    {
      name: 'an answer delivered again is applied again',
      options: {
        step: (item, event, clock) =>
          event.type === 'server-answered' && item.state === 'answered' ? { ...item, model: event.model } : transition(item, event, clock),
      },
      caught: /changed after it was answered/,
    },
    {
      name: 'a cancelled question takes an answer that arrives late',
      options: {
        step: (item, event, clock) =>
          event.type === 'server-answered' && item.state === 'cancelled'
            ? { ...item, state: 'answered', answer: event.answer, model: event.model }
            : transition(item, event, clock),
      },
      caught: /ended answered, not cancelled/,
    },
    {
      name: 'an item is answered without its answer',
      options: {
        step: (item, event, clock) => {
          const next = transition(item, event, clock);
          return event.type === 'stream-completed' && next.state === 'answered' ? { ...next, answer: '' } : next;
        },
      },
      caught: /answered without an answer/,
    },
    {
      name: 'a crash replaces the item under another key',
      options: {
        step: (item, event, clock) => {
          const next = transition(item, event, clock);
          return event.type === 'crashed' && next !== item ? { ...next, id: `${item.id}-recovered` } : next;
        },
      },
      caught: /no longer in the outbox/,
    },
    {
      name: 'a crash gives up on what was in flight',
      options: {
        step: (item, event, clock) =>
          event.type === 'crashed' && item.state === 'sending' ? { ...item, state: 'cancelled' } : transition(item, event, clock),
      },
      caught: /ended cancelled, not answered/,
    },
    {
      name: 'a retry after a failure reuses the ended job',
      options: {
        live: false,
        step: (item, event, clock) =>
          event.type === 'retry' && item.state === 'failed'
            ? { ...item, state: 'queued', attempts: 0, nextAttemptAt: clock.now }
            : transition(item, event, clock),
      },
      caught: /ended failed, not answered/,
    },
    { name: 'the server runs a job again when its id comes again', options: { idempotentServer: false }, caught: /ran job .* 2 times/ },
  ];

  it.each(mutants)('catches a broken outbox: $name', ({ options, caught }) => {
    expect(firstViolation(3000, options)).toMatch(caught);
  });
});
