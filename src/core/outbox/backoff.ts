export const BACKOFF = { baseMs: 2_000, capMs: 5 * 60_000 };

/**
 * How long to wait before sending again after `attempts` sends: exponential (2 s, 4 s, 8 s, … up to
 * 5 min) with full jitter, so tablets that lost the server together do not all come back at once.
 * `random` is in [0, 1), like Math.random.
 */
export function backoffDelay(attempts: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF.capMs, BACKOFF.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.floor(random() * ceiling);
}
