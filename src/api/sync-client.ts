import type { NetworkFailure } from '../core/outbox/transition';
import { SYNC_PROTOCOL_HEADER, SYNC_PROTOCOL_VERSION } from '../core/sync/sync-constants';
import {
  type ChangesPage,
  ChangesPageSchema,
  type PushItem,
  PushResponseSchema,
  type PushResult,
  type SyncChange,
} from '../core/sync/sync-protocol';
import type { ClinicConnection } from '../db/library-db';
import { type ClinicRequestOptions, type ClinicResponse, request } from './clinic-request';

const KNOWN_KINDS = new Set<string>(['settings', 'pack', 'job'] satisfies SyncChange['kind'][]);

/** What stops a sync whatever is sent: the token refused, or an app the server no longer supports. */
export type SyncRefusal = { kind: 'unauthorized' } | { kind: 'outdated'; message: string };
export type Unreachable = { kind: 'network-failed'; reason: NetworkFailure };

export type PushResponse = { kind: 'results'; results: PushResult[] } | { kind: 'too-large' } | SyncRefusal | Unreachable;
export type PullResponse = ({ kind: 'page' } & ChangesPage) | SyncRefusal | Unreachable;

export interface SyncClientOptions extends ClinicRequestOptions {
  /** The protocol this app speaks; only tests playing an outdated app change it. */
  protocol?: number;
}

function call(connection: ClinicConnection, path: string, options: SyncClientOptions, init: { method: string; body?: string }) {
  const headers = { [SYNC_PROTOCOL_HEADER]: String(options.protocol ?? SYNC_PROTOCOL_VERSION) };
  return request(connection, path, options, { ...init, headers });
}

/** The answers every sync call shares: refusals, and anything but a 2xx as the server being unreachable for now. */
function refusal(response: ClinicResponse): SyncRefusal | Unreachable | undefined {
  if ('reason' in response) return { kind: 'network-failed', reason: response.reason };
  if (response.status === 401) return { kind: 'unauthorized' };
  if (response.status === 426) {
    const message = (response.json as { error?: { message?: string } }).error?.message;
    return { kind: 'outdated', message: message ?? 'This app is older than the clinic server needs.' };
  }
  return undefined;
}

/** Sends one batch; each item's outcome comes back in the order sent. */
export async function pushItems(
  connection: ClinicConnection,
  items: readonly PushItem[],
  options: SyncClientOptions,
): Promise<PushResponse> {
  const response = await call(connection, '/api/sync/push', options, { method: 'POST', body: JSON.stringify({ items }) });
  const refused = refusal(response);
  if (refused || 'reason' in response) return refused ?? { kind: 'network-failed', reason: 'http-5xx' };
  if (response.status === 413) return { kind: 'too-large' };
  const parsed = PushResponseSchema.safeParse(response.json);
  // A 5xx, or a body a working server never sends: worth trying again later.
  if (response.status !== 200 || !parsed.success || parsed.data.results.length !== items.length) {
    return { kind: 'network-failed', reason: 'http-5xx' };
  }
  return { kind: 'results', results: parsed.data.results };
}

/** One page of the changes after `since`, in the server's order. */
export async function pullChanges(
  connection: ClinicConnection,
  since: number,
  limit: number,
  options: SyncClientOptions,
): Promise<PullResponse> {
  const response = await call(connection, `/api/sync/changes?since=${since}&limit=${limit}`, options, { method: 'GET' });
  const refused = refusal(response);
  if (refused || 'reason' in response) return refused ?? { kind: 'network-failed', reason: 'http-5xx' };
  const page = response.json as Partial<Record<keyof ChangesPage, unknown>>;
  // Kinds a newer server added are skipped, not failed on: the checkpoint still moves past them.
  const known = Array.isArray(page.changes) ? page.changes.filter((c) => KNOWN_KINDS.has((c as { kind?: string })?.kind ?? '')) : [];
  const parsed = ChangesPageSchema.safeParse({ ...page, changes: known });
  if (response.status !== 200 || !parsed.success) return { kind: 'network-failed', reason: 'http-5xx' };
  return { kind: 'page', ...parsed.data };
}
