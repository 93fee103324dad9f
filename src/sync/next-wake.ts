import type { OutboxItem } from '../core/outbox/outbox-item';

/**
 * When the sync should next run for these open items: a queued item at its next attempt (the backoff),
 * one the server holds at the next feed poll or its deadline, whichever is first. Undefined when nothing waits.
 */
export function nextWakeAt(items: readonly OutboxItem[], now: number, pollMs: number): number | undefined {
  let at: number | undefined;
  for (const item of items) {
    const due = item.state === 'queued' ? item.nextAttemptAt : Math.min(item.nextAttemptAt, now + pollMs);
    at = at === undefined ? due : Math.min(at, due);
  }
  return at;
}
