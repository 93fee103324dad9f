import type { NetworkFailure } from '../core/outbox/transition';
import type { ClinicConnection } from '../db/library-db';

/** The part of `fetch` the clinic clients use, so tests can pass one that trusts the clinic's own CA. */
export type ClinicFetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<{ status: number; json(): Promise<unknown> }>;

/** The page's or worker's own fetch, called late so tests can stub the global. */
export const browserFetch: ClinicFetch = (url, init) => fetch(url, init);

export interface ClinicRequestOptions {
  fetch: ClinicFetch;
  /** A request with no response by then is given up as a `timeout`. */
  timeoutMs: number;
}

export type ClinicResponse = { status: number; json: unknown } | { reason: NetworkFailure };

/** A JSON request with the device token; a network failure, timeout or unreadable body is a `reason`. */
export async function request(
  connection: ClinicConnection,
  path: string,
  { fetch, timeoutMs }: ClinicRequestOptions,
  init: { method: string; body?: string; headers?: Record<string, string> },
): Promise<ClinicResponse> {
  const headers: Record<string, string> = { ...init.headers, authorization: `Bearer ${connection.token}` };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let status: number | undefined;
  try {
    const response = await fetch(new URL(path, connection.origin).href, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
    status = response.status;
    return { status, json: await response.json() };
  } catch (error) {
    if ((error as { name?: string })?.name === 'TimeoutError') return { reason: 'timeout' };
    // A body that is not JSON (a proxy's error page) still has a status that says what happened.
    if (status !== undefined && error instanceof SyntaxError) return { status, json: {} };
    // Offline, DNS, a reset connection: fetch, or reading the body, rejects with a TypeError.
    return { reason: 'offline' };
  }
}
