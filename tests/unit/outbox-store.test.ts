import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import type { LibraryDb } from '../../src/db/library-db';
import { addQuestion, applyEvent, deleteItem, dueItems, expireOverdue, listItems, recoverAfterCrash } from '../../src/db/outbox-store';
import { openTestLibrary } from '../fixtures/library';

const clock = (now: number) => ({ now, random: () => 0.5 });

const opened: LibraryDb[] = [];
function library(): LibraryDb {
  const db = openTestLibrary('outbox');
  opened.push(db);
  return db;
}

afterEach(async () => {
  for (const db of opened.splice(0)) {
    db.close();
    await Dexie.delete(db.name);
  }
});

/** Counts the rows Dexie writes to the outbox from now on. */
function countWrites(db: LibraryDb): { writes: number } {
  const counter = { writes: 0 };
  db.outbox.hook('creating', () => {
    counter.writes += 1;
  });
  db.outbox.hook('updating', () => {
    counter.writes += 1;
  });
  return counter;
}

describe('outbox store', () => {
  it('writes a new question queued, under a fresh id that is also its job id', async () => {
    const db = library();
    const prompt = { messages: [{ role: 'user' as const, content: 'Fever in a child?' }], sources: [{ n: 1, excerptId: 'e1' }] };
    const item = await addQuestion(db, { question: 'Fever in a child?', prompt, now: 1_000 });
    const other = await addQuestion(db, { question: 'Cough?', now: 2_000 });
    expect(item).toMatchObject({ jobId: item.id, state: 'queued', attempts: 0, nextAttemptAt: 1_000, createdAt: 1_000, prompt });
    expect(other.id).not.toBe(item.id);
    expect(await listItems(db)).toEqual([item, other]);
  });

  it('persists each transition', async () => {
    const db = library();
    const { id } = await addQuestion(db, { question: 'Cough?', now: 1_000 });
    await applyEvent(db, id, { type: 'send-started' }, clock(2_000));
    await applyEvent(db, id, { type: 'accepted-by-server', jobId: id, seq: 3 }, clock(2_100));
    const applied = await applyEvent(
      db,
      id,
      { type: 'server-answered', jobId: id, answer: 'Give fluids.', model: 'tiny', seq: 5 },
      clock(2_200),
    );
    expect(applied).toMatchObject({ changed: true, item: { state: 'answered', answer: 'Give fluids.', serverSeq: 5, attempts: 1 } });
    expect(await listItems(db)).toEqual([applied!.item]);
  });

  it('does not write when the event changes nothing', async () => {
    const db = library();
    const { id } = await addQuestion(db, { question: 'Cough?', now: 1_000 });
    await applyEvent(db, id, { type: 'send-started' }, clock(2_000));
    await applyEvent(db, id, { type: 'server-answered', jobId: id, answer: 'Give fluids.', model: 'tiny', seq: 5 }, clock(2_100));
    const before = await listItems(db);
    const counter = countWrites(db);

    const again = await applyEvent(
      db,
      id,
      { type: 'server-answered', jobId: id, answer: 'Something else.', model: 'tiny', seq: 6 },
      clock(3_000),
    );
    const stale = await applyEvent(db, id, { type: 'send-started' }, clock(3_000));
    expect(again).toEqual({ changed: false, item: before[0] });
    expect(stale?.changed).toBe(false);
    expect(await applyEvent(db, 'no-such-id', { type: 'cancel' }, clock(3_000))).toBeUndefined();
    expect(counter.writes).toBe(0);
    expect(await listItems(db)).toEqual(before);
  });

  it('puts items that were in flight at a crash back in the queue, and leaves the others', async () => {
    const db = library();
    const sending = await addQuestion(db, { question: 'One?', now: 1_000 });
    const answering = await addQuestion(db, { question: 'Two?', now: 1_001 });
    const answered = await addQuestion(db, { question: 'Three?', now: 1_002 });
    const queued = await addQuestion(db, { question: 'Four?', now: 1_003 });
    for (const { id } of [sending, answering, answered]) await applyEvent(db, id, { type: 'send-started' }, clock(2_000));
    await applyEvent(db, answering.id, { type: 'accepted-by-server', jobId: answering.jobId, seq: 1 }, clock(2_000));
    await applyEvent(
      db,
      answered.id,
      { type: 'server-answered', jobId: answered.jobId, answer: 'Yes.', model: 'tiny', seq: 2 },
      clock(2_000),
    );

    expect(await recoverAfterCrash(db, clock(5_000))).toBe(2);
    const items = await listItems(db);
    expect(items.map((i) => [i.id, i.state])).toEqual([
      [sending.id, 'queued'],
      [answering.id, 'queued'],
      [answered.id, 'answered'],
      [queued.id, 'queued'],
    ]);
    expect(items[0]).toMatchObject({ attempts: 1, nextAttemptAt: 5_000 });
    expect(await recoverAfterCrash(db, clock(6_000))).toBe(0);
  });

  it('deletes an item', async () => {
    const db = library();
    const kept = await addQuestion(db, { question: 'One?', now: 1_000 });
    const gone = await addQuestion(db, { question: 'Two?', now: 1_001 });
    await deleteItem(db, gone.id);
    expect(await listItems(db)).toEqual([kept]);
  });
});

describe('a question asked for this tablet only', () => {
  it('is never due for the clinic server, and ends at a crash instead of going back to the queue', async () => {
    const db = library();
    const local = await addQuestion(db, { question: 'Local?', localOnly: true, now: 1000 });
    const shared = await addQuestion(db, { question: 'Shared?', now: 1000 });
    expect((await dueItems(db, 2000)).map((i) => i.id)).toEqual([shared.id]);

    for (const item of [local, shared]) {
      await applyEvent(db, item.id, { type: 'send-started', engine: 'on-device' }, clock(1000));
      await applyEvent(db, item.id, { type: 'stream-chunk', text: 'Give' }, clock(1100));
    }
    // Past every deadline: the tablet-only answer is still its own, not expired for a resend.
    await expireOverdue(db, clock(10 * 60_000));
    expect((await db.outbox.get(local.id))?.state).toBe('answering');

    await recoverAfterCrash(db, clock(20 * 60_000));
    expect(await db.outbox.get(local.id)).toMatchObject({ state: 'cancelled', partialAnswer: 'Give' });
    expect(await db.outbox.get(shared.id)).toMatchObject({ state: 'queued' });
  });
});
