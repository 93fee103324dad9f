import { useSyncExternalStore } from 'react';
import type { ModelSource } from '../../api/catalog-client';
import type { CatalogModel } from '../../core/models/catalog';
import { library } from '../../db/library';
import { appEngines } from '../../engines/app-engines';
import type { DownloadProgress } from '../../models/gguf-files';
import { downloadModel } from '../../models/model-downloads';
import { OnDeviceError, type OnDeviceErrorKind } from '../../models/on-device-runtime';

export type DownloadState =
  | { status: 'downloading'; progress: DownloadProgress; cancel: () => void }
  | { status: 'done' }
  | { status: 'failed'; kind: OnDeviceErrorKind };

/**
 * Downloads in progress, kept outside React: leaving the models screen does not stop one, and coming
 * back shows its progress.
 */
let downloads: ReadonlyMap<string, DownloadState> = new Map();
const listeners = new Set<() => void>();

function set(id: string, state: DownloadState | undefined): void {
  const next = new Map(downloads);
  if (state) next.set(id, state);
  else next.delete(id);
  downloads = next;
  for (const listener of listeners) listener();
}

export function startDownload(model: CatalogModel, source: ModelSource, onDone: () => void): void {
  if (downloads.get(model.id)?.status === 'downloading') return;
  const controller = new AbortController();
  const cancel = () => controller.abort();
  set(model.id, { status: 'downloading', progress: { loadedBytes: 0, totalBytes: model.totalBytes }, cancel });
  downloadModel(library().db, model, source, {
    signal: controller.signal,
    onProgress: (progress) => set(model.id, { status: 'downloading', progress, cancel }),
  })
    .then(
      async () => {
        // Downloaded again (a fixed file, say): the engine tries it afresh.
        await appEngines().onDevice.forget(model.id);
        set(model.id, { status: 'done' });
      },
      (error: unknown) => {
        // Cancelled: what came stays on the tablet, to resume; no error to show.
        if (controller.signal.aborted) set(model.id, undefined);
        else set(model.id, { status: 'failed', kind: error instanceof OnDeviceError ? error.kind : 'load-failed' });
      },
    )
    .finally(onDone);
}

export function useDownloads(): ReadonlyMap<string, DownloadState> {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => downloads,
  );
}
