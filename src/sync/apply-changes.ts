import { jobEvent } from '../api/job-events';
import type { Clock } from '../core/outbox/transition';
import type { ChangesPage, PackListing } from '../core/sync/sync-protocol';
import type { LibraryDb, OutboxRow } from '../db/library-db';
import { applyJobUpdates, type JobUpdate } from '../db/outbox-store';
import { clinicPacks, syncState, type WithdrawnPack, withdrawnPacks } from '../db/sync-state';

export interface AppliedPage {
  /** Questions whose state changed (answered, failed, …). */
  items: OutboxRow[];
  packsChanged: boolean;
  settingsChanged: boolean;
}

/**
 * Applies one pulled page and moves the checkpoint past it in one transaction: a crash or a cut
 * connection leaves the tablet at the page before, and the next pull sends this page again.
 * Applying a change twice is harmless (an answered question never changes; settings and listings
 * are replaced whole).
 */
export function applyChangesPage(db: LibraryDb, deviceId: string, page: ChangesPage, clock: Clock): Promise<AppliedPage> {
  return db.transaction('rw', db.outbox, db.settings, async () => {
    const listings = new Map((await clinicPacks(db)).map((p) => [p.id, p]));
    const withdrawn: WithdrawnPack[] = [];
    const updates: JobUpdate[] = [];
    let packsChanged = false;
    let settingsChanged = false;
    for (const change of page.changes) {
      switch (change.kind) {
        case 'settings':
          await db.settings.put({ key: 'clinicSettings', value: change.data });
          settingsChanged = true;
          break;
        case 'pack':
          if (!change.data && listings.has(change.id)) withdrawn.push({ id: change.id, contentHash: listings.get(change.id)!.contentHash });
          // Not `||=`: every listing must be set, not only until the first that changed.
          if (setListing(listings, change.id, change.data)) packsChanged = true;
          break;
        case 'job':
          // A deleted job was deleted on this tablet first: its question is gone here already.
          if (change.data) updates.push({ jobId: change.id, event: jobEvent(change.data) });
          break;
      }
    }
    const items = await applyJobUpdates(db, updates, clock);
    if (packsChanged) await db.settings.put({ key: 'clinicPacks', value: [...listings.values()] });
    if (withdrawn.length > 0) await db.settings.put({ key: 'withdrawnPacks', value: [...(await withdrawnPacks(db)), ...withdrawn] });
    const state = await syncState(db, deviceId);
    await db.settings.put({ key: 'syncState', value: { ...state, checkpoint: page.checkpoint } });
    return { items, packsChanged, settingsChanged };
  });
}

/** An unpublished pack (null) leaves the listing; the pack sync then removes the copy the clinic sent. */
function setListing(listings: Map<string, PackListing>, id: string, listing: PackListing | null): boolean {
  const before = JSON.stringify(listings.get(id) ?? null);
  if (listing) listings.set(id, listing);
  else listings.delete(id);
  return before !== JSON.stringify(listing);
}
