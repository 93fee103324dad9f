import { browserFetch, type ClinicFetch, type ClinicRequestOptions } from '../api/clinic-request';
import { jobEvent, postJob, pullFeed } from '../api/jobs-client';
import { fetchClinicModel } from '../api/models-client';
import type { Clock, OutboxEvent } from '../core/outbox/transition';
import { clinicConnection, saveClinicModel } from '../db/clinic-connection';
import type { LibraryDb, OutboxRow } from '../db/library-db';
import { applyEvent, applyFeedPage, dueItems, expireOverdue, feedCheckpoint, openItems } from '../db/outbox-store';
import { nextWakeAt } from './next-wake';

export interface OutboxSyncOptions {
  db: LibraryDb;
  now?: () => number;
  /** In [0, 1), for the backoff's jitter. */
  random?: () => number;
  fetch?: ClinicFetch;
  /** A request with no response by then is given up (default 30 s). */
  timeoutMs?: number;
  /** How often the feed is pulled while answers are awaited (default 5 s). */
  pollMs?: number;
  /** Where `online` comes from: `window` in the page; none in the service worker or Node. */
  window?: EventTarget;
  /** Where `visibilitychange` comes from: `document` in the page; none in the service worker or Node. */
  document?: EventTarget & { visibilityState: string };
  /** After each flush started by a trigger (online, timer, a new question): to tell the user what arrived. */
  onFlushed?: (result: FlushResult) => void;
}

export interface FlushResult {
  /** Items the server took in this flush. */
  sent: number;
  /** Items answered, or failed, in this flush (from POST responses and the feed). */
  answered: number;
  failed: number;
  /** The server refused the device token: nothing more is sent until the tablet enrolls again. */
  unauthorized: boolean;
}

export interface OutboxSync {
  /** Sends what is due and pulls answers; also what a service worker's Background Sync `sync` event should call. */
  flush(): Promise<FlushResult>;
  /** Flushes now, when the tablet comes online or back into view, and whenever an item's next attempt is due. */
  start(): void;
  stop(): void;
}

/** Posts at once: enough to fill the server's queue quickly, few enough not to swamp a slow link. */
const SEND_CONCURRENCY = 8;
const FEED_PAGE = 500;
/** A timer never fires sooner than this, so a clock skewed into the past cannot spin. */
const MIN_DELAY_MS = 1_000;
const NEW_QUESTION_DELAY_MS = 1_000;
/** The clinic's model changes when its admin restarts the server with another: asking every 10 minutes is enough. */
const MODEL_RECHECK_MS = 10 * 60_000;

export function createOutboxSync(options: OutboxSyncOptions): OutboxSync {
  const { db, pollMs = 5_000 } = options;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const clock = (): Clock => ({ now: now(), random });
  const client: ClinicRequestOptions = { fetch: options.fetch ?? browserFetch, timeoutMs: options.timeoutMs ?? 30_000 };
  // Passed in by the page; the service worker and Node have neither.
  const { window: win, document: doc } = options;

  let running: Promise<FlushResult> | undefined;
  /** When the server was last asked which model it runs: not at every flush, which polls every few seconds. */
  let modelAskedAt = Number.NEGATIVE_INFINITY;
  let started = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function run(): Promise<FlushResult> {
    const result: FlushResult = { sent: 0, answered: 0, failed: 0, unauthorized: false };
    const connection = await clinicConnection(db);
    if (!connection) return result;
    const tally = (item: OutboxRow) => {
      if (item.state === 'answered') result.answered += 1;
      if (item.state === 'failed') result.failed += 1;
    };

    await expireOverdue(db, clock());
    await eachConcurrently(await dueItems(db, now()), SEND_CONCURRENCY, async (due) => {
      if (result.unauthorized) return;
      // Marked sending before the POST: a crash now leaves it sending, which the next start re-queues.
      const sending = await applyEvent(db, due.id, { type: 'send-started' }, clock());
      if (!sending?.changed) return;
      const posted = await postJob(connection, sending.item, client);
      if (posted.kind === 'unauthorized') result.unauthorized = true;
      // A refused token is not the question's fault: back in the queue as it was, to wait for a new one.
      const event: OutboxEvent = posted.kind === 'unauthorized' ? { type: 'crashed' } : posted.event;
      if (event.type === 'accepted-by-server' || event.type === 'server-answered') result.sent += 1;
      const applied = await applyEvent(db, due.id, event, clock());
      if (applied?.changed) tally(applied.item);
    });
    if (result.unauthorized) return result;

    // The checkpoint moves with each page applied, so an interrupted pull resumes where it stopped.
    let since = await feedCheckpoint(db, connection.deviceId);
    for (;;) {
      const page = await pullFeed(connection, since, FEED_PAGE, client);
      if (page.kind === 'unauthorized') result.unauthorized = true;
      if (page.kind !== 'page' || page.jobs.length === 0) break;
      const updates = page.jobs.map((job) => ({ jobId: job.id, event: jobEvent(job) }));
      const changed = await applyFeedPage(db, updates, { deviceId: connection.deviceId, seq: page.checkpoint }, clock());
      for (const item of changed) tally(item);
      since = page.checkpoint;
    }

    // Prompts queued from now on suit the model the server runs today (a base model wants completion).
    if (!connection.model || now() - modelAskedAt >= MODEL_RECHECK_MS) {
      const model = await fetchClinicModel(connection, client);
      if (model) modelAskedAt = now();
      if (model && JSON.stringify(model) !== JSON.stringify(connection.model)) await saveClinicModel(db, connection.deviceId, model);
    }
    return result;
  }

  function flush(): Promise<FlushResult> {
    running ??= run().finally(() => {
      running = undefined;
    });
    return running;
  }

  async function schedule(result: FlushResult | undefined): Promise<void> {
    clearTimeout(timer);
    // Without a valid token every attempt would be refused: wait for a new enrollment, or coming online.
    if (!started || result?.unauthorized) return;
    const at = nextWakeAt(await openItems(db), now(), pollMs);
    if (at !== undefined) timer = setTimeout(trigger, Math.max(MIN_DELAY_MS, at - now()));
  }

  function trigger(): void {
    // A flush that failed (storage, say) is tried again at the next wake-up or trigger.
    flush()
      .then(
        (result) => {
          options.onFlushed?.(result);
          return schedule(result);
        },
        () => schedule(undefined),
      )
      .catch(() => undefined);
  }

  // A new question wakes the sync a moment later: long enough for the ask screen to claim it for a
  // live answer, soon enough that a question asked with the server out of reach is posted when it returns.
  function onQuestionAdded(): void {
    setTimeout(trigger, NEW_QUESTION_DELAY_MS);
  }

  function onVisible(): void {
    if (doc?.visibilityState === 'visible') trigger();
  }

  return {
    flush,
    start() {
      if (started) return;
      started = true;
      win?.addEventListener('online', trigger);
      doc?.addEventListener('visibilitychange', onVisible);
      db.outbox.hook('creating', onQuestionAdded);
      trigger();
    },
    stop() {
      started = false;
      clearTimeout(timer);
      win?.removeEventListener('online', trigger);
      doc?.removeEventListener('visibilitychange', onVisible);
      db.outbox.hook('creating').unsubscribe(onQuestionAdded);
    },
  };
}

/** Runs `work` on every item, at most `limit` at a time. */
async function eachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
