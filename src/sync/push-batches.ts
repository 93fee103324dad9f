import type { PushResponse, SyncRefusal, Unreachable } from '../api/sync-client';
import { PUSH_MAX_ITEMS } from '../core/sync/sync-constants';
import type { PushItem, PushResult } from '../core/sync/sync-protocol';

/** A first batch small enough for a slow link to carry in a few seconds; it shrinks if the server says 413. */
export const FIRST_BATCH_BYTES = 256 * 1024;

export interface PushOutcome {
  /** Each item's result, by position; undefined for an item not sent because the push stopped. */
  results: (PushResult | undefined)[];
  /** Why the push stopped before the end: the next sync sends the rest again. */
  stopped?: SyncRefusal | Unreachable;
}

const TOO_LARGE = {
  code: 'request/too-large',
  message: 'This item is larger than the clinic server accepts, so it cannot be sent. Ask the administrator to raise the limit.',
};

/**
 * Sends the items in order, in batches of at most `maxBytes` of JSON and PUSH_MAX_ITEMS items.
 * A 413 halves the batch and sends it again; an item the server refuses even alone is rejected.
 * Items already sent are never lost: a batch either got its results or is sent again later (the
 * ids make a resend harmless).
 */
export async function pushInBatches(
  items: readonly PushItem[],
  send: (batch: PushItem[]) => Promise<PushResponse>,
  { maxBytes = FIRST_BATCH_BYTES, onBatch }: { maxBytes?: number; onBatch?: (done: number, total: number) => void } = {},
): Promise<PushOutcome> {
  const sizes = items.map((item) => JSON.stringify(item).length + 1);
  const results: (PushResult | undefined)[] = new Array(items.length).fill(undefined);
  let limit = maxBytes;
  let next = 0;
  while (next < items.length) {
    let end = next + 1;
    let bytes = sizes[next]!;
    while (end < items.length && end - next < PUSH_MAX_ITEMS && bytes + sizes[end]! <= limit) bytes += sizes[end++]!;
    const batch = items.slice(next, end);
    const response = await send(batch);
    if (response.kind === 'too-large') {
      if (batch.length > 1) {
        limit = Math.max(1, Math.floor(bytes / 2));
        continue;
      }
      const { kind, id } = batch[0]!;
      results[next++] = { kind, id, status: 'rejected', error: TOO_LARGE };
      continue;
    }
    if (response.kind !== 'results') return { results, stopped: response };
    response.results.forEach((result, i) => {
      results[next + i] = result;
    });
    next = end;
    onBatch?.(next, items.length);
  }
  return { results };
}
