import { z } from 'zod';
import { AppError } from '../core/errors/app-error';
import { type Feedback, FeedbackSchema } from '../core/feedback/feedback-schema';
import type { PushItem } from '../core/sync/sync-protocol';
import type { LibraryDb } from './library-db';

/**
 * Clinician feedback kept on the tablet until the clinic server has it. Each change bumps the row's
 * revision; reading rows for a push records the revision sent, so a push that completes after the row
 * changed again leaves it pending. One sync at a time reads and marks (the sync is single-flight).
 */

/** Saves new or edited feedback; it waits to be pushed. Throws when the record is not valid. */
export async function saveFeedback(db: LibraryDb, feedback: Feedback): Promise<void> {
  const parsed = FeedbackSchema.safeParse(feedback);
  if (!parsed.success) throw new AppError('unknown', `The feedback was not saved: ${z.prettifyError(parsed.error)}`);
  await db.transaction('rw', db.feedback, async () => {
    const old = await db.feedback.get(parsed.data.id);
    await db.feedback.put({
      ...parsed.data,
      syncState: 'pending',
      revision: (old?.revision ?? 0) + 1,
      ...(old?.sentRevision !== undefined ? { sentRevision: old.sentRevision } : {}),
    });
  });
}

/** Deletes feedback: at once if it was never sent, else once the deletion is pushed. */
export async function deleteFeedback(db: LibraryDb, id: string): Promise<void> {
  await db.transaction('rw', db.feedback, async () => {
    const row = await db.feedback.get(id);
    if (!row) return;
    if (row.sentRevision === undefined) await db.feedback.delete(id);
    else await db.feedback.put({ ...row, deleted: true, syncState: 'pending', revision: row.revision + 1 });
  });
}

/** What is still to be pushed: puts of new or edited feedback, and deletions. Records the revisions sent. */
export async function pendingFeedback(db: LibraryDb): Promise<PushItem[]> {
  return db.transaction('rw', db.feedback, async () => {
    const rows = await db.feedback.where('syncState').equals('pending').toArray();
    const items: PushItem[] = [];
    for (const row of rows) {
      if (row.sentRevision !== row.revision) await db.feedback.update(row.id, { sentRevision: row.revision });
      const { syncState: _syncState, deleted, revision: _revision, sentRevision: _sentRevision, ...data } = row;
      items.push(deleted ? { kind: 'feedback', id: row.id, op: 'delete' } : { kind: 'feedback', id: row.id, op: 'put', data });
    }
    return items;
  });
}

/**
 * Records the feedback the server accepted: a pushed deletion is removed, a pushed put becomes
 * synced; a row changed since it was read for the push stays pending.
 */
export async function markFeedbackSynced(db: LibraryDb, ids: readonly string[]): Promise<void> {
  await db.transaction('rw', db.feedback, async () => {
    for (const id of ids) {
      const row = await db.feedback.get(id);
      if (!row || row.revision !== row.sentRevision) continue;
      if (row.deleted) await db.feedback.delete(id);
      else await db.feedback.update(id, { syncState: 'synced' });
    }
  });
}

export function pendingFeedbackCount(db: LibraryDb): Promise<number> {
  return db.feedback.where('syncState').equals('pending').count();
}
