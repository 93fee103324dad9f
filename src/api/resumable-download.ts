import Dexie from 'dexie';
import { AppError } from '../core/errors/app-error';
import type { DownloadRow, LibraryDb } from '../db/library-db';

/** The part of `fetch` a download uses, so tests and callers can pass their own. */
export type DownloadFetch = (
  url: string,
  init: { headers: Record<string, string>; signal?: AbortSignal; cache?: RequestCache },
) => Promise<Response>;

export interface ResumableDownloadOptions {
  fetch?: DownloadFetch;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  onProgress?: (received: number, total: number | undefined) => void;
}

/** Stored bytes are committed in parts of about this size: a dropped connection loses at most one. */
const COMMIT_BYTES = 1024 * 1024;

/** Called late, so tests can stub the global. */
const globalFetch: DownloadFetch = (url, init) => fetch(url, init);

/**
 * Downloads a file into the library database as it arrives, resuming an earlier attempt with a Range
 * request guarded by its ETag (If-Range): a file changed on the server starts over, never splices.
 * The rows stay after a complete download, which a later call returns without the network; the
 * caller calls discardDownload once it has used the file. One download of a URL at a time.
 */
export async function resumableDownload(db: LibraryDb, url: string, options: ResumableDownloadOptions = {}): Promise<Blob> {
  const key = downloadKey(url);
  const stored = await db.downloads.get(key);
  if (stored?.total !== undefined && stored.received === stored.total) return assemble(db, key);

  let from = stored && stored.received > 0 && stored.etag ? stored : undefined;
  for (;;) {
    const response = await send(url, key, options, from);
    if (response.status === 200) {
      await receive(db, await restart(db, key, response), 0, response, options);
      return assemble(db, key);
    }
    const range = contentRange(response);
    if (from && response.status === 206 && range?.start === from.received) {
      const state = { ...from, total: range.total ?? from.total };
      await receive(db, state, await nextIndex(db, key), response, options);
      return assemble(db, key);
    }
    await response.body?.cancel();
    // 416, or a range other than the one asked for: what is stored no longer fits the file.
    if (from && (response.status === 416 || response.status === 206)) {
      from = undefined;
      continue;
    }
    throw new AppError('network/failed', `Downloading ${key} failed with HTTP ${response.status}.`, { url: key, status: response.status });
  }
}

/** Removes a download's stored bytes and its record. */
export async function discardDownload(db: LibraryDb, url: string): Promise<void> {
  const key = downloadKey(url);
  await db.transaction('rw', db.downloads, db.downloadParts, async () => {
    await partsOf(db, key).delete();
    await db.downloads.delete(key);
  });
}

/** Removes every stored download but those of `keep`: partial files of versions the clinic no longer offers. */
export async function discardDownloadsExcept(db: LibraryDb, keep: readonly string[]): Promise<void> {
  const kept = new Set(keep.map(downloadKey));
  const stale = (await db.downloads.toCollection().primaryKeys()).filter((key) => !kept.has(key));
  for (const key of stale) await discardDownload(db, key);
}

/** The URL without its origin: the same file from the same clinic server under another address stays one download. */
function downloadKey(url: string): string {
  const { pathname, search } = new URL(url, 'http://localhost');
  return pathname + search;
}

async function send(url: string, key: string, options: ResumableDownloadOptions, from: DownloadRow | undefined): Promise<Response> {
  const headers = { ...options.headers, ...(from ? { range: `bytes=${from.received}-`, 'if-range': from.etag } : {}) };
  try {
    return await (options.fetch ?? globalFetch)(url, { headers, signal: options.signal, cache: 'no-store' });
  } catch (error) {
    throw interrupted(key, error, from?.received ?? 0);
  }
}

/** A whole file is coming: what was stored is of another version, or of none the server still knows. */
async function restart(db: LibraryDb, key: string, response: Response): Promise<DownloadRow> {
  // A compressed body's Content-Length counts the compressed bytes, not the ones stored.
  const length = response.headers.get('content-encoding') ? Number.NaN : Number(response.headers.get('content-length') ?? Number.NaN);
  const row: DownloadRow = {
    key,
    etag: response.headers.get('etag') ?? '',
    received: 0,
    ...(Number.isSafeInteger(length) ? { total: length } : {}),
    startedAt: new Date().toISOString(),
  };
  await db.transaction('rw', db.downloads, db.downloadParts, async () => {
    await partsOf(db, key).delete();
    await db.downloads.put(row);
  });
  return row;
}

/**
 * Stores the body in parts, each written with the new byte count in one transaction: what is stored
 * is always a prefix of the file. An interrupted body keeps what arrived, for the next call to resume.
 */
async function receive(
  db: LibraryDb,
  state: DownloadRow,
  firstIndex: number,
  response: Response,
  options: ResumableDownloadOptions,
): Promise<void> {
  const { key } = state;
  let index = firstIndex;
  let received = state.received;
  let buffered: Uint8Array[] = [];
  let bufferedBytes = 0;
  const commit = async (complete: boolean) => {
    const bytes = concat(buffered, bufferedBytes);
    buffered = [];
    bufferedBytes = 0;
    await db.transaction('rw', db.downloads, db.downloadParts, async () => {
      if (bytes.byteLength > 0) await db.downloadParts.add({ key, index: index++, bytes });
      await db.downloads.update(key, { received, total: complete ? received : state.total });
    });
  };

  const reader = response.body?.getReader();
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = reader ? await reader.read() : { done: true, value: undefined };
    } catch (error) {
      await commit(false);
      throw interrupted(key, error, received);
    }
    if (chunk.done) break;
    received += chunk.value.byteLength;
    buffered.push(chunk.value);
    bufferedBytes += chunk.value.byteLength;
    if (bufferedBytes >= COMMIT_BYTES) await commit(false);
    options.onProgress?.(received, state.total);
  }
  if (state.total !== undefined && received !== state.total) {
    await commit(false);
    throw new AppError('network/failed', `Downloading ${key} stopped after ${received} of ${state.total} bytes.`, { url: key, received });
  }
  await commit(true);
}

/** The stored parts, in order, as one file. */
async function assemble(db: LibraryDb, key: string): Promise<Blob> {
  const parts = await partsOf(db, key).toArray();
  return new Blob(parts.map((p) => p.bytes));
}

async function nextIndex(db: LibraryDb, key: string): Promise<number> {
  const last = await partsOf(db, key).last();
  return last ? last.index + 1 : 0;
}

function partsOf(db: LibraryDb, key: string) {
  return db.downloadParts.where('[key+index]').between([key, Dexie.minKey], [key, Dexie.maxKey]);
}

/** `Content-Range: bytes <start>-<end>/<total>`: where the body starts, and the file's size if given. */
function contentRange(response: Response): { start: number; total?: number } | undefined {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get('content-range')?.trim() ?? '');
  if (!match) return undefined;
  return { start: Number(match[1]), ...(match[2] === '*' ? {} : { total: Number(match[2]) }) };
}

function concat(chunks: Uint8Array[], size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

function interrupted(key: string, error: unknown, received: number): AppError {
  const aborted = (error as { name?: unknown })?.name === 'AbortError';
  const message = aborted
    ? `The download of ${key} was stopped; trying again resumes it where it stopped.`
    : `The download of ${key} was interrupted (the connection dropped); trying again resumes it where it stopped.`;
  return new AppError('network/failed', message, { url: key, received, aborted });
}
