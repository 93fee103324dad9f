import { createOutboxItem, dueForSend } from '../core/outbox/outbox-item';
import { type Clock, type OutboxEvent, transition } from '../core/outbox/transition';
import type { LibraryDb, OutboxPrompt, OutboxRow } from './library-db';

export interface NewQuestion {
  question: string;
  prompt?: OutboxPrompt;
  options?: OutboxRow['options'];
  localOnly?: boolean;
  now: number;
}

/** Writes the question to the outbox; the app sends nothing before this resolves. */
export async function addQuestion(db: LibraryDb, { question, prompt, options, localOnly, now }: NewQuestion): Promise<OutboxRow> {
  const row: OutboxRow = {
    ...createOutboxItem({ id: crypto.randomUUID(), question, now }),
    ...(prompt ? { prompt } : {}),
    ...(options ? { options } : {}),
    ...(localOnly ? { localOnly: true } : {}),
  };
  await db.outbox.add(row);
  return row;
}

export interface Applied {
  item: OutboxRow;
  changed: boolean;
}

/** Read, transition and write in one transaction, so a feed page and a POST response cannot overwrite each other. */
export function applyEvent(db: LibraryDb, id: string, event: OutboxEvent, clock: Clock): Promise<Applied | undefined> {
  return db.transaction('rw', db.outbox, async () => {
    const item = await db.outbox.get(id);
    return item && (await save(db, item, event, clock));
  });
}

async function save(db: LibraryDb, item: OutboxRow, event: OutboxEvent, clock: Clock): Promise<Applied> {
  const next = transition(item, event, clock);
  if (next === item) return { item, changed: false };
  await db.outbox.put(next);
  return { item: next, changed: true };
}

/** Every question, oldest first. */
export function listItems(db: LibraryDb): Promise<OutboxRow[]> {
  return db.outbox.orderBy('createdAt').toArray();
}

/**
 * Removes a question from the tablet. One the clinic server may hold is also deleted there at the
 * next sync (its text erased): the first job id and the latest one (a retry's) are remembered until then.
 */
export async function deleteItem(db: LibraryDb, id: string): Promise<void> {
  await db.transaction('rw', db.outbox, db.settings, async () => {
    const item = await db.outbox.get(id);
    if (!item) return;
    await db.outbox.delete(id);
    if (item.localOnly || item.attempts === 0) return;
    const pending = new Set(await pendingJobDeletes(db));
    pending.add(item.id).add(item.jobId);
    await db.settings.put({ key: 'pendingJobDeletes', value: [...pending] });
  });
}

/** Job ids deleted on the tablet that the clinic server has not yet been told of. */
export async function pendingJobDeletes(db: LibraryDb): Promise<string[]> {
  return (await db.settings.get('pendingJobDeletes'))?.value ?? [];
}

/** The clinic server deleted these: nothing more to tell it. */
export async function clearJobDeletes(db: LibraryDb, done: readonly string[]): Promise<void> {
  if (done.length === 0) return;
  await db.transaction('rw', db.settings, async () => {
    const gone = new Set(done);
    await db.settings.put({ key: 'pendingJobDeletes', value: (await pendingJobDeletes(db)).filter((id) => !gone.has(id)) });
  });
}

/** On app start: whatever was sending or answering in the last session is in flight no more. */
export function recoverAfterCrash(db: LibraryDb, clock: Clock): Promise<number> {
  // An answer the tablet was writing for itself cannot be sent elsewhere: it ends, its partial answer kept.
  return applyToActive(db, (item) => (item.localOnly ? { type: 'cancel' } : { type: 'crashed' }), clock);
}

/** Gives up sends and answers past their deadline, so they are sent again (never a tablet-only one). */
export function expireOverdue(db: LibraryDb, clock: Clock): Promise<number> {
  return applyToActive(db, (item) => (item.localOnly ? undefined : { type: 'tick' }), clock);
}

async function applyToActive(db: LibraryDb, eventFor: (item: OutboxRow) => OutboxEvent | undefined, clock: Clock): Promise<number> {
  return db.transaction('rw', db.outbox, async () => {
    const active = await db.outbox.where('state').anyOf('sending', 'answering').toArray();
    let changed = 0;
    for (const item of active) {
      const event = eventFor(item);
      if (event && (await save(db, item, event, clock)).changed) changed += 1;
    }
    return changed;
  });
}

/** Queued items whose time has come, oldest first. */
export async function dueItems(db: LibraryDb, now: number): Promise<OutboxRow[]> {
  const queued = await db.outbox.where('state').equals('queued').toArray();
  return dueForSend(
    queued.filter((item) => !item.localOnly),
    now,
  );
}

/** Questions still waiting: queued, sending or answering. */
export function openItems(db: LibraryDb): Promise<OutboxRow[]> {
  return db.outbox.where('state').anyOf('queued', 'sending', 'answering').toArray();
}

export interface JobUpdate {
  jobId: string;
  event: OutboxEvent;
}

/**
 * Applies job states from the clinic server to the items with those job ids. Call inside a
 * transaction on `outbox` that also moves the sync checkpoint, so a crash cannot skip or repeat a page.
 */
export async function applyJobUpdates(db: LibraryDb, updates: readonly JobUpdate[], clock: Clock): Promise<OutboxRow[]> {
  const changed: OutboxRow[] = [];
  for (const { jobId, event } of updates) {
    // Jobs of deleted questions, or of a job a retry replaced, match nothing.
    const item = await db.outbox.where('jobId').equals(jobId).first();
    if (!item) continue;
    const applied = await save(db, item, event, clock);
    if (applied.changed) changed.push(applied.item);
  }
  return changed;
}
