import { browserFetch, type ClinicFetch } from '../api/clinic-request';
import { jobEvent } from '../api/job-events';
import { fetchClinicModel } from '../api/models-client';
import { pullChanges, pushItems, type SyncClientOptions, type SyncRefusal, type Unreachable } from '../api/sync-client';
import type { AppErrorData } from '../core/errors/app-error';
import type { Clock, OutboxEvent } from '../core/outbox/transition';
import { PULL_MAX_LIMIT } from '../core/sync/sync-constants';
import type { PushItem, PushResult } from '../core/sync/sync-protocol';
import { clinicConnection, saveClinicModel } from '../db/clinic-connection';
import { markFeedbackSynced, pendingFeedback } from '../db/feedback-store';
import type { ClinicConnection, LibraryDb, OutboxRow } from '../db/library-db';
import { applyEvent, clearJobDeletes, dueItems, expireOverdue, openItems, pendingJobDeletes } from '../db/outbox-store';
import { recordSyncOutcome, syncState } from '../db/sync-state';
import { applyChangesPage } from './apply-changes';
import { nextWakeAt } from './next-wake';
import { pushInBatches } from './push-batches';

export interface ClinicSyncOptions {
  db: LibraryDb;
  now?: () => number;
  /** In [0, 1), for the backoff's jitter. */
  random?: () => number;
  fetch?: ClinicFetch;
  /** A request with no response by then is given up (default 30 s). */
  timeoutMs?: number;
  /** How often changes are pulled while answers are awaited (default 5 s). */
  pollMs?: number;
  /** How often changes are pulled when nothing is awaited: new packs, settings (default 2 min). */
  idlePollMs?: number;
  /** The protocol the app speaks; only tests playing an outdated app set it. */
  protocol?: number;
  /** Where `online` comes from: `window` in the page; none in the service worker or Node. */
  window?: EventTarget;
  /** Where `visibilitychange` comes from: `document` in the page; none in the service worker or Node. */
  document?: EventTarget & { visibilityState: string };
  /** After each flush started by a trigger (online, timer, a new question): to tell the user what arrived. */
  onFlushed?: (result: FlushResult) => void;
  /** During a flush: what is being sent or received, for the sync screen's progress bar. */
  onProgress?: (progress: SyncProgress) => void;
  /** The clinic lists packs newer than the tablet's: the page downloads them (the service worker does not). */
  onPacksWanted?: () => void;
}

export interface SyncProgress {
  phase: 'push' | 'pull';
  done: number;
  total: number;
}

export interface FlushResult {
  /** Questions the server took in this flush. */
  sent: number;
  /** Questions answered, or failed, in this flush (from push results and pulled changes). */
  answered: number;
  failed: number;
  /** The server refused the device token: nothing more is sent until the tablet enrolls again. */
  unauthorized: boolean;
  /** Why the flush did not complete (unreachable, app outdated); the next one starts over. */
  error?: AppErrorData;
}

export interface ClinicSync {
  /** Pushes what is due and pulls changes; also what a service worker's Background Sync `sync` event should call. */
  flush(): Promise<FlushResult>;
  /** Flushes now, when the tablet comes online or back into view, when something is due, and every idle poll. */
  start(): void;
  stop(): void;
}

/** A timer never fires sooner than this, so a clock skewed into the past cannot spin. */
const MIN_DELAY_MS = 1_000;
const NEW_ITEM_DELAY_MS = 1_000;
/** The clinic's model changes when its admin restarts the server with another: asking every 10 minutes is enough. */
const MODEL_RECHECK_MS = 10 * 60_000;

/**
 * The tablet's side of the base-camp sync (docs/sync.md): pushes queued questions, deletions and
 * feedback in batches, then pulls the changes since its checkpoint — answers, clinic settings, the
 * clinic's packs — page by page, each page applied with the checkpoint in one transaction.
 */
export function createClinicSync(options: ClinicSyncOptions): ClinicSync {
  const { db, pollMs = 5_000, idlePollMs = 2 * 60_000 } = options;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const clock = (): Clock => ({ now: now(), random });
  const client: SyncClientOptions = {
    fetch: options.fetch ?? browserFetch,
    timeoutMs: options.timeoutMs ?? 30_000,
    protocol: options.protocol,
  };
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
    const stop = async (reason: SyncRefusal | Unreachable) => {
      if (reason.kind === 'unauthorized') result.unauthorized = true;
      result.error =
        reason.kind === 'outdated'
          ? { code: 'sync/outdated-app', message: reason.message }
          : {
              code: 'network/failed',
              message: `The clinic server could not be reached (${reason.kind === 'network-failed' ? reason.reason : 'token refused'}).`,
            };
      await recordSyncOutcome(db, connection.deviceId, new Date(now()).toISOString(), result.error);
      return result;
    };

    await expireOverdue(db, clock());
    const pushed = await push(connection, tally, result);
    if (pushed) return stop(pushed);

    // Each page moves the checkpoint with it, so an interrupted pull resumes where it stopped.
    let packsWanted = false;
    for (let more = true, done = 0; more; ) {
      const { checkpoint } = await syncState(db, connection.deviceId);
      const page = await pullChanges(connection, checkpoint, PULL_MAX_LIMIT, client);
      if (page.kind !== 'page') return stop(page);
      const applied = await applyChangesPage(db, connection.deviceId, page, clock());
      for (const item of applied.items) tally(item);
      packsWanted ||= applied.packsChanged;
      more = page.more && page.changes.length > 0;
      done += page.changes.length;
      options.onProgress?.({ phase: 'pull', done, total: done + (more ? PULL_MAX_LIMIT : 0) });
    }

    // Prompts queued from now on suit the model the server runs today (a base model wants completion).
    if (!connection.model || now() - modelAskedAt >= MODEL_RECHECK_MS) {
      const model = await fetchClinicModel(connection, client);
      if (model) modelAskedAt = now();
      if (model && JSON.stringify(model) !== JSON.stringify(connection.model)) await saveClinicModel(db, connection.deviceId, model);
    }
    await recordSyncOutcome(db, connection.deviceId, new Date(now()).toISOString());
    if (packsWanted) options.onPacksWanted?.();
    return result;
  }

  /** Sends due questions, deletions and feedback; returns why it stopped, if it did. */
  async function push(connection: ClinicConnection, tally: (item: OutboxRow) => void, result: FlushResult) {
    // Marked sending before the push: a crash now leaves them sending, which the next start re-queues.
    const sending: OutboxRow[] = [];
    for (const due of await dueItems(db, now())) {
      const marked = await applyEvent(db, due.id, { type: 'send-started' }, clock());
      if (marked?.changed) sending.push(marked.item);
    }
    const deletes = await pendingJobDeletes(db);
    const feedback = await pendingFeedback(db);
    const items: PushItem[] = [...sending.map(jobItem), ...deletes.map((id): PushItem => ({ kind: 'job', id, op: 'delete' })), ...feedback];
    if (items.length === 0) return undefined;
    const { results, stopped } = await pushInBatches(items, (batch) => pushItems(connection, batch, client), {
      onBatch: (done, total) => options.onProgress?.({ phase: 'push', done, total }),
    });

    const deleted: string[] = [];
    const feedbackDone: string[] = [];
    for (const [i, item] of items.entries()) {
      const outcome = results[i];
      if (item.kind === 'job' && item.op === 'put') {
        const row = sending[i]!;
        const event = jobOutcome(row, outcome, stopped);
        if (event.type === 'accepted-by-server' || event.type === 'server-answered') result.sent += 1;
        const applied = await applyEvent(db, row.id, event, clock());
        if (applied?.changed) tally(applied.item);
      } else if (outcome && item.kind === 'job') deleted.push(item.id);
      // Feedback the server refused for good would be refused again: it stays on the tablet, not resent.
      else if (outcome) feedbackDone.push(item.id);
    }
    await clearJobDeletes(db, deleted);
    await markFeedbackSynced(db, feedbackDone);
    return stopped;
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
    const at = nextWakeAt(await openItems(db), now(), pollMs) ?? now() + idlePollMs;
    timer = setTimeout(trigger, Math.max(MIN_DELAY_MS, Math.min(at, now() + idlePollMs) - now()));
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

  // A new question (or feedback) wakes the sync a moment later: long enough for the ask screen to claim
  // it for a live answer, soon enough that one made with the server out of reach is sent when it returns.
  function onItemAdded(): void {
    setTimeout(trigger, NEW_ITEM_DELAY_MS);
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
      db.outbox.hook('creating', onItemAdded);
      db.feedback.hook('creating', onItemAdded);
      trigger();
    },
    stop() {
      started = false;
      clearTimeout(timer);
      win?.removeEventListener('online', trigger);
      doc?.removeEventListener('visibilitychange', onVisible);
      db.outbox.hook('creating').unsubscribe(onItemAdded);
      db.feedback.hook('creating').unsubscribe(onItemAdded);
    },
  };
}

/** A question as a push item, under its job id. */
function jobItem(row: OutboxRow): PushItem {
  const { prompt, options: generation } = row;
  const stop = prompt?.stop;
  return {
    kind: 'job',
    id: row.jobId,
    op: 'put',
    data: {
      question: row.question,
      ...(prompt?.messages ? { messages: prompt.messages } : {}),
      ...(prompt?.prompt === undefined ? {} : { prompt: prompt.prompt }),
      ...(generation || stop ? { options: { ...generation, ...(stop ? { stop } : {}) } } : {}),
    },
  };
}

/** What a pushed question's outcome means for it; one not sent goes back to the queue. */
function jobOutcome(row: OutboxRow, outcome: PushResult | undefined, stopped: SyncRefusal | Unreachable | undefined): OutboxEvent {
  if (!outcome) {
    // A refused token or an outdated app is not the question's fault: back in the queue as it was.
    return stopped?.kind === 'network-failed' ? { type: 'network-failed', reason: stopped.reason } : { type: 'crashed' };
  }
  if (outcome.status === 'rejected') return { type: 'server-failed', jobId: row.jobId, error: outcome.error };
  if (outcome.job) return jobEvent(outcome.job);
  return { type: 'server-failed', jobId: row.jobId, error: DELETED_ON_SERVER };
}

const DELETED_ON_SERVER = { code: 'job/deleted', message: 'This question was deleted on the clinic server.' };
