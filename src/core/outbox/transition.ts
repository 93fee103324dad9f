import type { AppErrorData } from '../errors/app-error';
import { backoffDelay } from './backoff';
import type { OutboxError, OutboxItem } from './outbox-item';

export const OUTBOX_TIMEOUTS = {
  /** A send with no response by then is presumed lost, should the app never hear of it again. */
  responseMs: 2 * 60_000,
  /** A stream silent that long is presumed broken. */
  stallMs: 2 * 60_000,
  /** A job the server holds is sent again (harmless: same id, same job) after this long without news. */
  serverRecheckMs: 10 * 60_000,
};

export type NetworkFailure = 'offline' | 'timeout' | 'http-5xx' | 'stream-broken';

/**
 * What can happen to a question. Server events name the job they are about: one of an earlier job of
 * the same question (before a retry) is stale and changes nothing, as is a job state older than one
 * already received (POST responses and the feed can cross).
 */
export type OutboxEvent =
  /** The app starts sending (or answering on the tablet, `engine` says which). */
  | { type: 'send-started'; engine?: string }
  | { type: 'stream-chunk'; text: string }
  | { type: 'stream-completed'; answer: string; model: string }
  /** The server holds the job, queued or running. */
  | { type: 'accepted-by-server'; jobId: string; seq: number }
  /** The job is done: from a POST response or the since-feed, possibly more than once. */
  | { type: 'server-answered'; jobId: string; answer: string; model: string; seq: number }
  /** The job failed, or the server refused it (a 4xx, which has no `seq`). */
  | { type: 'server-failed'; jobId: string; error: OutboxError; seq?: number }
  | { type: 'network-failed'; reason: NetworkFailure }
  /** Found sending or answering when the app starts: whatever was in flight is gone. */
  | { type: 'crashed' }
  | { type: 'cancel' }
  /** The user asks again: now if queued; after a failure or a cancel, as a new job with this fresh UUID. */
  | { type: 'retry'; jobId: string }
  /** Time passed: an attempt past its deadline is given up and sent again. */
  | { type: 'tick' };

export interface Clock {
  now: number;
  /** In [0, 1), for the backoff's jitter. */
  random: () => number;
}

const EMPTY_ANSWER = { code: 'outbox/empty-answer', message: 'The model gave no answer.' } satisfies AppErrorData;

/**
 * The item after the event. An event that does not apply in the item's state returns the item itself
 * (the same object), so `next === item` means nothing happened and nothing needs saving. An answered
 * item never changes: an answer is applied once, whoever delivers it and however often.
 */
export function transition<T extends OutboxItem>(item: T, event: OutboxEvent, { now, random }: Clock): T {
  const { state } = item;
  const active = state === 'sending' || state === 'answering';
  const open = active || state === 'queued';
  switch (event.type) {
    case 'send-started': {
      if (state !== 'queued') return item;
      const sent = { state: 'sending', attempts: item.attempts + 1, nextAttemptAt: now + OUTBOX_TIMEOUTS.responseMs } as const;
      return event.engine === undefined ? update(item, sent, 'engine') : update(item, { ...sent, engine: event.engine });
    }
    case 'stream-chunk': {
      if (!active) return item;
      // The first words of a new stream replace what an earlier one left.
      const fresh = state === 'sending' || item.incomplete;
      const partialAnswer = fresh ? event.text : (item.partialAnswer ?? '') + event.text;
      return update(item, { state: 'answering', partialAnswer, nextAttemptAt: now + OUTBOX_TIMEOUTS.stallMs }, 'incomplete');
    }
    case 'stream-completed':
      return active ? answered(item, event.answer, event.model) : item;
    case 'accepted-by-server':
      if (!open || !current(item, event)) return item;
      return update(item, { state: 'answering', serverSeq: event.seq, nextAttemptAt: now + OUTBOX_TIMEOUTS.serverRecheckMs });
    case 'server-answered':
      if (!open || !current(item, event)) return item;
      return update(answered(item, event.answer, event.model), { serverSeq: event.seq });
    case 'server-failed':
      if (!open || !current(item, event)) return item;
      return update(item, { state: 'failed', error: event.error, ...(event.seq === undefined ? {} : { serverSeq: event.seq }) });
    case 'network-failed':
      return active ? requeue(item, now + backoffDelay(item.attempts, random)) : item;
    case 'crashed':
      return active ? requeue(item, now) : item;
    case 'cancel':
      return open || state === 'failed' ? update(item, { state: 'cancelled' }) : item;
    case 'retry':
      if (state === 'queued') return item.nextAttemptAt > now ? update(item, { nextAttemptAt: now }) : item;
      // The server keeps an ended job as it is: asking again under the same id would get the same end.
      if ((state !== 'failed' && state !== 'cancelled') || event.jobId === item.jobId) return item;
      return update(item, { state: 'queued', jobId: event.jobId, attempts: 0, nextAttemptAt: now }, 'error', 'serverSeq');
    case 'tick':
      return active && item.nextAttemptAt <= now ? requeue(item, now + backoffDelay(item.attempts, random)) : item;
  }
}

/** Whether the event would change the item. */
export function applies(item: OutboxItem, event: OutboxEvent, now: number): boolean {
  return transition(item, event, { now, random: () => 0 }) !== item;
}

function answered<T extends OutboxItem>(item: T, answer: string, model: string): T {
  if (!answer.trim()) return update(item, { state: 'failed', error: EMPTY_ANSWER });
  return update(item, { state: 'answered', answer, model }, 'partialAnswer', 'incomplete', 'error');
}

/** Back in the queue; what a broken stream delivered stays, marked incomplete. */
function requeue<T extends OutboxItem>(item: T, at: number): T {
  return update(item, { state: 'queued', nextAttemptAt: at, ...(item.partialAnswer === undefined ? {} : { incomplete: true }) });
}

/** About this item's current job, and not older than the latest job state received. */
function current(item: OutboxItem, event: { jobId: string; seq?: number }): boolean {
  return event.jobId === item.jobId && (event.seq === undefined || item.serverSeq === undefined || event.seq >= item.serverSeq);
}

type OptionalField = 'partialAnswer' | 'incomplete' | 'error' | 'serverSeq' | 'engine';

/** A copy with the changes, less the fields named; whatever else the app stores on the item stays. */
function update<T extends OutboxItem>(item: T, changes: Partial<OutboxItem>, ...remove: OptionalField[]): T {
  const copy: T = { ...item, ...changes };
  for (const field of remove) delete copy[field];
  return copy;
}
