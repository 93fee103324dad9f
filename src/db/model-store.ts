import type { LibraryDb, StoredModel } from './library-db';

export function listModels(db: LibraryDb): Promise<StoredModel[]> {
  return db.models.toArray();
}

/** The model the tablet answers with, if one is chosen and fully downloaded. */
export async function activeModel(db: LibraryDb): Promise<StoredModel | undefined> {
  return (await db.models.toArray()).find((m) => m.active && m.state === 'ready');
}

export async function putModel(db: LibraryDb, model: StoredModel): Promise<void> {
  await db.models.put(model);
}

/** Merges `changes` into the row, if it still exists (it may have been deleted meanwhile). */
export async function updateModel(db: LibraryDb, id: string, changes: Partial<Omit<StoredModel, 'id'>>): Promise<void> {
  await db.models.update(id, changes);
}

/** Makes `id` the one active model, in one transaction so two are never active at once. */
export async function activateModel(db: LibraryDb, id: string | undefined): Promise<void> {
  await db.transaction('rw', db.models, async () => {
    await db.models.toCollection().modify((m) => {
      m.active = m.id === id;
    });
  });
}

export async function removeModel(db: LibraryDb, id: string): Promise<void> {
  await db.models.delete(id);
}
