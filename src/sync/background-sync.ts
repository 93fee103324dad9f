/** The Background Sync tag under which the service worker flushes the outbox. */
export const OUTBOX_SYNC_TAG = 'outbox';

interface SyncManager {
  register(tag: string): Promise<void>;
}

/**
 * Asks the browser to wake the service worker when the network returns, even if the app is closed by
 * then. A bonus only: Chrome alone has it and may drop it; the app's own outbox sync does not rely on it.
 */
export async function requestBackgroundSync(): Promise<void> {
  const registration = await navigator.serviceWorker?.getRegistration().catch(() => undefined);
  const sync = (registration as (ServiceWorkerRegistration & { sync?: SyncManager }) | undefined)?.sync;
  await sync?.register(OUTBOX_SYNC_TAG).catch(() => undefined);
}
