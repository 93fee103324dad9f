import { canFetchWebllm, type ModelSource, requestModelAccess, sourceBase } from '../api/catalog-client';
import { browserFetch, type ClinicRequestOptions } from '../api/clinic-request';
import type { CatalogModel } from '../core/models/catalog';
import type { LibraryDb, StoredModel } from '../db/library-db';
import { activateModel, listModels, putModel, removeModel, updateModel } from '../db/model-store';
import { type DownloadProgress, deleteGgufFiles, downloadGguf } from './gguf-files';
import { OnDeviceError } from './on-device-runtime';

export interface ModelDownloadOptions {
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  request?: ClinicRequestOptions;
}

const defaultRequest: ClinicRequestOptions = { fetch: browserFetch, timeoutMs: 30_000 };

/**
 * Brings a model from its source (the clinic server's mirror, or the files beside the app) onto the tablet,
 * resuming an earlier partial download, and makes it the active one when none is. GGUF files go to the
 * origin private file system; a web-llm model is fetched into web-llm's own cache by loading it once.
 */
export async function downloadModel(
  db: LibraryDb,
  model: CatalogModel,
  source: ModelSource,
  options: ModelDownloadOptions = {},
): Promise<void> {
  if (model.kind === 'webllm' && !canFetchWebllm(source, location.origin)) {
    throw new OnDeviceError(
      'network',
      'web-llm models download from a clinic server only in the app opened from that server: its model files need a cookie browsers do not send to another site.',
    );
  }
  const base = sourceBase(source);
  const existing = (await listModels(db)).find((m) => m.id === model.id);
  // A model re-published with other files is a new download: what is here does not splice into it.
  const sameFiles = existing && JSON.stringify(existing.catalog.files) === JSON.stringify(model.files);
  if (existing && !sameFiles) await deleteModelFiles(existing);
  const row: StoredModel = {
    id: model.id,
    catalog: model,
    origin: base,
    state: 'partial',
    active: existing?.active ?? false,
    etags: sameFiles ? existing.etags : {},
    addedAt: existing?.addedAt ?? new Date().toISOString(),
  };
  await putModel(db, row);

  if (model.kind === 'gguf') {
    await downloadGguf(model, {
      base,
      ...(source.kind === 'clinic' ? { token: source.connection.token } : {}),
      etags: row.etags,
      onStart: (etags) => updateModel(db, model.id, { etags: { ...etags } }),
      onProgress: options.onProgress,
      signal: options.signal,
    }).catch(async (error: unknown) => {
      // A full disk removed the partial files: nothing of the model is left to resume.
      if (error instanceof OnDeviceError && error.kind === 'quota') await removeModel(db, model.id);
      throw error;
    });
    const { prefetchWllama } = await import('./wllama/wllama-runtime');
    await prefetchWllama().catch((error: unknown) => {
      throw error instanceof OnDeviceError
        ? error
        : new OnDeviceError('network', 'The model runtime could not be downloaded.', { cause: error });
    });
  } else {
    if (source.kind === 'clinic' && !(await requestModelAccess(source.connection, options.request ?? defaultRequest))) {
      throw new OnDeviceError(
        'network',
        'The clinic server could not be reached, or no longer knows this tablet. Try again when it is in reach.',
      );
    }
    const { createWebllmRuntime } = await import('./webllm/webllm-runtime');
    const runtime = createWebllmRuntime({ model, origin: base });
    const total = model.totalBytes;
    try {
      await runtime.load((p) => options.onProgress?.({ loadedBytes: Math.round(p.fraction * total), totalBytes: total }));
    } finally {
      await runtime.unload();
    }
  }
  await updateModel(db, model.id, { state: 'ready' });
  if (!(await listModels(db)).some((m) => m.active)) await activateModel(db, model.id);
}

async function deleteModelFiles(model: StoredModel): Promise<void> {
  if (model.catalog.kind === 'gguf') await deleteGgufFiles(model.id);
  else {
    const { deleteWebllmModel } = await import('./webllm/webllm-runtime');
    await deleteWebllmModel(model.catalog, model.origin);
  }
}

/** Removes a model and its files; the tablet then answers with another engine until one is activated. */
export async function deleteModel(db: LibraryDb, model: StoredModel): Promise<void> {
  await deleteModelFiles(model);
  await removeModel(db, model.id);
}
