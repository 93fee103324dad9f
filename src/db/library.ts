import { IndexedDbPostingStore } from './indexeddb-posting-store';
import { LibraryDb } from './library-db';

/** The app's one connection to its library, opened on first use. */
let instance: { db: LibraryDb; store: IndexedDbPostingStore } | undefined;

export function library() {
  if (!instance) {
    const db = new LibraryDb();
    instance = { db, store: new IndexedDbPostingStore(db) };
  }
  return instance;
}
