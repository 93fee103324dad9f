import type { CatalogFile, CatalogModel } from '../core/models/catalog';
import { STORAGE_MARGIN } from '../core/models/fit';
import { OnDeviceError } from './on-device-runtime';

/**
 * GGUF model files on the tablet, in the origin private file system. Each file is kept as numbered
 * segments: a segment is committed when its writable closes, so a download cut off (connection lost,
 * app closed, tablet off) resumes from the last committed byte with a Range request, and never
 * rewrites what it already has (a writable that keeps existing data copies the whole file first).
 */

/** A segment is committed at most this far apart: what a killed tab can lose. */
const SEGMENT_BYTES = 16 * 1024 * 1024;
const ROOT = 'models';

export interface DownloadProgress {
  loadedBytes: number;
  totalBytes: number;
}

export interface DownloadOptions {
  /** Where `models/<path>` resolves: the clinic server's origin, or the app's own directory on a static host. */
  base: string;
  /** The clinic server's device token (its `/models/*` needs it); none for files beside the app. */
  token?: string;
  /** ETags known from an earlier attempt; updated in place as files start. */
  etags: Record<string, string>;
  /** After each file starts, so the caller can save the ETags before bytes arrive. */
  onStart?: (etags: Record<string, string>) => void | Promise<void>;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** Free storage, for the check before a byte is written (default: navigator.storage.estimate()). */
  freeBytes?: () => Promise<number | undefined>;
}

async function modelDir(modelId: string, create: boolean): Promise<FileSystemDirectoryHandle | undefined> {
  try {
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(ROOT, { create });
    return await root.getDirectoryHandle(encodeURIComponent(modelId), { create });
  } catch (error) {
    if ((error as DOMException)?.name === 'NotFoundError') return undefined;
    throw error;
  }
}

/** A file's committed segments in order; the name of each is `<file>.<n>`. */
async function segments(dir: FileSystemDirectoryHandle, file: CatalogFile): Promise<File[]> {
  const prefix = `${encodeURIComponent(file.path)}.`;
  const found: { n: number; handle: FileSystemFileHandle }[] = [];
  for await (const [name, handle] of dir.entries()) {
    if (handle.kind === 'file' && name.startsWith(prefix)) found.push({ n: Number(name.slice(prefix.length)), handle });
  }
  found.sort((a, b) => a.n - b.n);
  return Promise.all(found.map(({ handle }) => handle.getFile()));
}

const sizeOf = (parts: File[]) => parts.reduce((sum, part) => sum + part.size, 0);

/** Bytes of the model already on the tablet. */
export async function storedBytes(model: CatalogModel): Promise<number> {
  const dir = await modelDir(model.id, false);
  if (!dir) return 0;
  let total = 0;
  for (const file of model.files) total += sizeOf(await segments(dir, file));
  return total;
}

/** The model's files, each one Blob over its segments (no copy), for wllama to load. */
export async function ggufBlobs(model: CatalogModel): Promise<Blob[]> {
  const dir = await modelDir(model.id, false);
  if (!dir) throw new OnDeviceError('load-failed', 'The model is not on this tablet. Download it again from the model list.');
  const blobs: Blob[] = [];
  for (const file of model.files) {
    const parts = await segments(dir, file);
    if (sizeOf(parts) !== file.size)
      throw new OnDeviceError('load-failed', 'The model download is incomplete. Resume it from the model list.');
    blobs.push(new Blob(parts));
  }
  return blobs;
}

export async function deleteGgufFiles(modelId: string): Promise<void> {
  const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(ROOT, { create: true });
  await root.removeEntry(encodeURIComponent(modelId), { recursive: true }).catch((error: DOMException) => {
    if (error?.name !== 'NotFoundError') throw error;
  });
}

function isQuotaError(error: unknown): boolean {
  return (error as DOMException)?.name === 'QuotaExceededError';
}

const quotaError = () =>
  new OnDeviceError('quota', 'There is not enough storage on this tablet for this model. Free some space, or choose a smaller model.');

async function estimateFree(): Promise<number | undefined> {
  const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
  return estimate?.quota === undefined || estimate.usage === undefined ? undefined : estimate.quota - estimate.usage;
}

/**
 * Downloads what is missing of the model's files, resuming each from its last committed segment.
 * Rejects with an {@link OnDeviceError}: `quota` (checked first, and if the disk fills meanwhile — the
 * partial files are then removed, so the library and the outbox keep their room), `network` (the
 * partial download is kept, to resume). An abort rejects with the signal's reason and keeps it too.
 */
export async function downloadGguf(model: CatalogModel, options: DownloadOptions): Promise<void> {
  const doFetch = options.fetch ?? fetch.bind(globalThis);
  const dir = (await modelDir(model.id, true))!;
  let loaded = await storedBytes(model);
  const free = await (options.freeBytes ?? estimateFree)();
  if (free !== undefined && model.totalBytes - loaded + STORAGE_MARGIN > free) throw quotaError();

  const report = () => options.onProgress?.({ loadedBytes: loaded, totalBytes: model.totalBytes });
  report();
  try {
    for (const file of model.files) {
      const parts = await segments(dir, file);
      let have = sizeOf(parts);
      if (have === file.size) continue;
      const etag = options.etags[file.path];
      // Resume only what the server still has as it was: If-Range answers the whole file otherwise.
      const resume = have > 0 && etag !== undefined;
      const response = await doFetch(new URL(`models/${file.path.split('/').map(encodeURIComponent).join('/')}`, options.base), {
        headers: {
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(resume ? { range: `bytes=${have}-`, 'if-range': etag } : {}),
        },
        signal: options.signal,
      }).catch((error: unknown) => {
        if (options.signal?.aborted) throw options.signal.reason;
        throw new OnDeviceError('network', 'The server of the model could not be reached. The download resumes when it is.', {
          cause: error,
        });
      });
      if (response.status !== 206 && response.status !== 200) throw httpError(response.status);
      if (response.status === 200 && have > 0) {
        // The server sent the whole file: it changed, or it ignores ranges. Start it over.
        loaded -= have;
        have = 0;
        await removeSegments(dir, file);
      }
      options.etags[file.path] = response.headers.get('etag') ?? '';
      await options.onStart?.(options.etags);
      await writeSegments(dir, file, response, parts.length, (bytes) => {
        loaded += bytes;
        have += bytes;
        report();
      });
      if (options.signal?.aborted) throw options.signal.reason;
      if (have !== file.size) {
        throw new OnDeviceError('network', 'The download was cut off. It resumes from where it stopped when the server is back.');
      }
    }
  } catch (error) {
    if (isQuotaError(error) || (error instanceof OnDeviceError && error.kind === 'quota')) {
      await deleteGgufFiles(model.id);
      throw quotaError();
    }
    throw error;
  }
}

function httpError(status: number): OnDeviceError {
  if (status === 401) return new OnDeviceError('network', 'The clinic server no longer knows this tablet. Enroll it again, then resume.');
  if (status === 404) return new OnDeviceError('network', 'The server no longer offers this model. Refresh the model list.');
  return new OnDeviceError('network', `The server of the model answered HTTP ${status}. Try again later.`);
}

async function removeSegments(dir: FileSystemDirectoryHandle, file: CatalogFile): Promise<void> {
  const prefix = `${encodeURIComponent(file.path)}.`;
  const names: string[] = [];
  for await (const name of dir.keys()) if (name.startsWith(prefix)) names.push(name);
  for (const name of names) await dir.removeEntry(name);
}

/** Streams the body into new segments from number `next` on, committing each as it fills. */
async function writeSegments(
  dir: FileSystemDirectoryHandle,
  file: CatalogFile,
  response: Response,
  next: number,
  onBytes: (bytes: number) => void,
): Promise<void> {
  const reader = (response.body as ReadableStream<Uint8Array<ArrayBuffer>>).getReader();
  let writable: FileSystemWritableFileStream | undefined;
  let inSegment = 0;
  let n = next;
  const commit = async () => {
    await writable?.close();
    writable = undefined;
    inSegment = 0;
  };
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array<ArrayBuffer>>;
      try {
        chunk = await reader.read();
      } catch {
        // The connection dropped, or the user stopped it: keep what arrived, committed below.
        break;
      }
      if (chunk.done) break;
      let bytes = chunk.value;
      while (bytes.length > 0) {
        writable ??= await (await dir.getFileHandle(`${encodeURIComponent(file.path)}.${n++}`, { create: true })).createWritable();
        const take = bytes.subarray(0, SEGMENT_BYTES - inSegment);
        await writable.write(take);
        inSegment += take.length;
        onBytes(take.length);
        bytes = bytes.subarray(take.length);
        if (inSegment === SEGMENT_BYTES) await commit();
      }
    }
    await commit();
  } catch (error) {
    await writable?.abort().catch(() => undefined);
    throw error;
  }
}
