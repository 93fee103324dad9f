import type { AppErrorData } from '../core/errors/app-error';
import type { ImportEvent, ImportSource } from './import-protocol';

export type ImportResult = Extract<ImportEvent, { type: 'done' }>;

/** Runs one import in a fresh worker; resolves when installed, rejects with AppErrorData. */
export function importInWorker(source: ImportSource, onProgress?: (e: Extract<ImportEvent, { type: 'progress' }>) => void) {
  return new Promise<ImportResult>((resolve, reject: (e: AppErrorData) => void) => {
    const worker = new Worker(new URL('./import.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<ImportEvent>) => {
      const e = event.data;
      if (e.type === 'progress') return onProgress?.(e);
      worker.terminate();
      if (e.type === 'done') resolve(e);
      else reject(e.error);
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject({ code: 'unknown', message: event.message || 'The import worker failed to start.' });
    };
    worker.postMessage({ type: 'import', source });
  });
}
