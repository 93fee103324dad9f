export interface StorageStatus {
  usedBytes: number | null;
  quotaBytes: number | null;
  persisted: boolean;
}

/** How much the browser lets us store, and whether it promised not to evict it. */
export async function storageStatus(): Promise<StorageStatus> {
  const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
  const persisted = (await navigator.storage?.persisted?.().catch(() => false)) ?? false;
  return { usedBytes: estimate?.usage ?? null, quotaBytes: estimate?.quota ?? null, persisted };
}

/** Asks the browser not to evict the library under storage pressure; true if granted. */
export async function requestPersistence(): Promise<boolean> {
  return (await navigator.storage?.persist?.().catch(() => false)) ?? false;
}
