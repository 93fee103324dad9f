/// <reference lib="webworker" />
import { LibraryDb } from '../db/library-db';
import type { ImportEvent, ImportRequest } from './import-protocol';
import { runImport } from './run-import';

// Parsing, indexing and writing a pack takes seconds: here, the UI stays responsive meanwhile.
const db = new LibraryDb();
self.onmessage = (event: MessageEvent<ImportRequest>) => {
  void runImport(db, event.data.source, (e: ImportEvent) => self.postMessage(e));
};
