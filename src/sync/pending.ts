import { pendingFeedbackCount } from '../db/feedback-store';
import type { LibraryDb } from '../db/library-db';
import { pendingJobDeletes } from '../db/outbox-store';
import { clinicPacks } from '../db/sync-state';
import { installedManifests, packsToFetch } from './pack-sync';

/** What waits to go to the clinic server, and what is still to come from it, for the sync screen. */
export interface PendingWork {
  toSend: { questions: number; feedback: number; deletions: number };
  toReceive: { answers: number; packs: number };
}

export async function pendingWork(db: LibraryDb): Promise<PendingWork> {
  const open = (await db.outbox.where('state').anyOf('queued', 'sending', 'answering').toArray()).filter((item) => !item.localOnly);
  const newer = packsToFetch(await clinicPacks(db), await installedManifests(db));
  return {
    toSend: {
      questions: open.filter((item) => item.state !== 'answering').length,
      feedback: await pendingFeedbackCount(db),
      deletions: (await pendingJobDeletes(db)).length,
    },
    toReceive: { answers: open.filter((item) => item.state === 'answering').length, packs: newer.length },
  };
}
