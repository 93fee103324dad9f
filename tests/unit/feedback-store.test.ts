import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors/app-error';
import type { Feedback } from '../../src/core/feedback/feedback-schema';
import { deleteFeedback, markFeedbackSynced, pendingFeedback, pendingFeedbackCount, saveFeedback } from '../../src/db/feedback-store';
import type { LibraryDb } from '../../src/db/library-db';
import { openTestLibrary } from '../fixtures/library';

const opened: LibraryDb[] = [];
function library(): LibraryDb {
  const db = openTestLibrary('feedback');
  opened.push(db);
  return db;
}
afterEach(async () => {
  for (const db of opened.splice(0)) await db.delete();
});

function feedback(n: number, overrides: Partial<Feedback> = {}): Feedback {
  return {
    id: `00000000-0000-4000-8000-00000000000${n}`,
    question: 'Fever and a stiff neck in a child?',
    answers: [
      { text: 'Refer urgently.', model: 'meditron-7b', engine: 'clinic', excerptIds: ['who/doc1.overview.0'], criteria: { relevance: 4 } },
    ],
    createdAt: '2026-01-01T08:00:00.000Z',
    ...overrides,
  };
}

const put = (f: Feedback) => ({ kind: 'feedback', id: f.id, op: 'put', data: f });
const del = (id: string) => ({ kind: 'feedback', id, op: 'delete' });
const ids = async (db: LibraryDb) => (await pendingFeedback(db)).map((item) => item.id);

describe('feedback store', () => {
  it('keeps saved feedback pending until a push of it succeeds', async () => {
    const db = library();
    const a = feedback(1);
    const b = feedback(2, { comment: 'Clear and safe.' });
    await saveFeedback(db, a);
    await saveFeedback(db, b);
    expect(await pendingFeedbackCount(db)).toBe(2);
    expect(await pendingFeedback(db)).toEqual([put(a), put(b)]);

    await markFeedbackSynced(db, [a.id]);
    expect(await pendingFeedback(db)).toEqual([put(b)]);
    expect(await pendingFeedbackCount(db)).toBe(1);
    expect(await db.feedback.get(a.id)).toMatchObject({ syncState: 'synced' });

    // Edited after it was synced: pending again, with the new content.
    const edited = { ...a, comment: 'On second thought: also give antibiotics.' };
    await saveFeedback(db, edited);
    expect(await pendingFeedback(db)).toEqual([put(edited), put(b)]);
  });

  it('refuses feedback that is not valid, saving nothing', async () => {
    const db = library();
    const invalid = feedback(1, { answers: [{ ...feedback(1).answers[0]!, criteria: {} }] });
    await expect(saveFeedback(db, invalid)).rejects.toThrow(AppError);
    await expect(saveFeedback(db, invalid)).rejects.toThrow(/give at least one rating/);
    expect(await db.feedback.count()).toBe(0);
  });

  it('removes feedback never sent at once, and pushes the deletion of feedback sent', async () => {
    const db = library();
    const local = feedback(1);
    const sent = feedback(2);
    await saveFeedback(db, local);
    await deleteFeedback(db, local.id);
    expect(await db.feedback.count()).toBe(0);
    expect(await pendingFeedbackCount(db)).toBe(0);

    await saveFeedback(db, sent);
    await pendingFeedback(db);
    await markFeedbackSynced(db, [sent.id]);
    await deleteFeedback(db, sent.id);
    expect(await pendingFeedback(db)).toEqual([del(sent.id)]);
    expect(await pendingFeedbackCount(db)).toBe(1);

    await markFeedbackSynced(db, [sent.id]);
    expect(await db.feedback.count()).toBe(0);
  });

  it('leaves a row edited while its push was in flight pending, with the edit', async () => {
    const db = library();
    const original = feedback(1);
    await saveFeedback(db, original);
    const pushed = await pendingFeedback(db);
    const edited = { ...original, comment: 'Added while the push was on its way.' };
    await saveFeedback(db, edited);
    await markFeedbackSynced(
      db,
      pushed.map((item) => item.id),
    );

    expect(await pendingFeedback(db)).toEqual([put(edited)]);
    await markFeedbackSynced(db, await ids(db));
    expect(await pendingFeedbackCount(db)).toBe(0);
  });

  it('pushes the deletion of feedback deleted while its first push was in flight', async () => {
    const db = library();
    const f = feedback(1);
    await saveFeedback(db, f);
    const pushed = await pendingFeedback(db);
    // The server may have it now: the deletion must reach it too.
    await deleteFeedback(db, f.id);
    await markFeedbackSynced(
      db,
      pushed.map((item) => item.id),
    );

    expect(await pendingFeedback(db)).toEqual([del(f.id)]);
    await markFeedbackSynced(db, await ids(db));
    expect(await db.feedback.count()).toBe(0);
  });

  it('ignores ids it does not hold', async () => {
    const db = library();
    await markFeedbackSynced(db, [feedback(9).id]);
    await deleteFeedback(db, feedback(9).id);
    expect(await db.feedback.count()).toBe(0);
  });
});
