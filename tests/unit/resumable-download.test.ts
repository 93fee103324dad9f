import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { discardDownload, discardDownloadsExcept, resumableDownload } from '../../src/api/resumable-download';
import { AppError } from '../../src/core/errors/app-error';
import type { LibraryDb } from '../../src/db/library-db';
import { openTestLibrary } from '../fixtures/library';
import { seededRandom } from '../fixtures/random';

const MiB = 1024 * 1024;
const PATH = '/api/packs/who/2';

function fileOf(size: number, seed: number): Uint8Array {
  const random = seededRandom(seed);
  return Uint8Array.from({ length: size }, () => Math.floor(random() * 256));
}

/**
 * A file server on loopback that honours Range and If-Range (strong ETag match) as the clinic server
 * does, and can be told to cut the connection after a number of body bytes, or to answer a status.
 */
const served = {
  body: fileOf(5 * MiB, 1),
  etag: '"v1"',
  /** Cut the next response after this many body bytes. */
  cutAfter: undefined as number | undefined,
  status: undefined as number | undefined,
  requests: [] as { range?: string; ifRange?: string; status: number }[],
};

function handle(request: IncomingMessage, response: ServerResponse): void {
  const range = request.headers.range;
  const ifRange = request.headers['if-range'] as string | undefined;
  const log = (status: number) => served.requests.push({ range, ifRange, status });
  if (request.url !== PATH || served.status) {
    log(served.status ?? 404);
    response.writeHead(served.status ?? 404).end('not here');
    return;
  }
  const { body, etag } = served;
  const match = range && (ifRange === undefined || ifRange === etag) ? /^bytes=(\d+)-$/.exec(range) : null;
  const start = match ? Number(match[1]) : 0;
  if (match && start >= body.length) {
    log(416);
    response.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
    return;
  }
  const part = body.subarray(start);
  const headers: Record<string, string | number> = { etag, 'content-length': part.length, 'accept-ranges': 'bytes' };
  if (match) headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
  log(match ? 206 : 200);
  response.writeHead(match ? 206 : 200, headers);
  const cut = served.cutAfter;
  served.cutAfter = undefined;
  if (cut === undefined) {
    response.end(part);
    return;
  }
  // Sent, given time to arrive, then the connection drops as a lost Wi-Fi link would.
  response.write(part.subarray(0, cut), () => setTimeout(() => response.destroy(), 50));
}

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${PATH}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const opened: LibraryDb[] = [];
function library(): LibraryDb {
  const db = openTestLibrary('download');
  opened.push(db);
  return db;
}
afterEach(async () => {
  for (const db of opened.splice(0)) await db.delete();
  Object.assign(served, { body: fileOf(5 * MiB, 1), etag: '"v1"', cutAfter: undefined, status: undefined, requests: [] });
});

/** A digest of the bytes: comparing megabytes element by element in an assertion is slow. */
const bytesOf = async (blob: Blob | Uint8Array) =>
  createHash('sha256')
    .update(blob instanceof Blob ? new Uint8Array(await blob.arrayBuffer()) : blob)
    .digest('hex');
const stored = async (db: LibraryDb) => (await db.downloads.get(PATH))?.received ?? 0;

/** The AppError a promise rejects with. */
async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('resumableDownload', () => {
  it('downloads a whole file, reporting increasing progress, and keeps it until discarded', async () => {
    const db = library();
    const progress: [number, number | undefined][] = [];
    const blob = await resumableDownload(db, url, { onProgress: (received, total) => progress.push([received, total]) });

    expect(await bytesOf(blob)).toBe(await bytesOf(served.body));
    expect(served.requests).toEqual([{ range: undefined, ifRange: undefined, status: 200 }]);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.every(([received], i) => i === 0 || received > progress[i - 1]![0])).toBe(true);
    expect(progress.at(-1)).toEqual([served.body.length, served.body.length]);
    // Committed in parts of about 1 MiB, under the URL without its origin.
    expect(await db.downloads.get(PATH)).toMatchObject({ etag: '"v1"', received: served.body.length, total: served.body.length });
    expect(await db.downloadParts.count()).toBeGreaterThanOrEqual(4);

    // Done but not yet used (say the app closed before installing): no second download.
    expect(await bytesOf(await resumableDownload(db, url))).toBe(await bytesOf(served.body));
    expect(served.requests).toHaveLength(1);

    await discardDownload(db, url);
    expect(await db.downloads.count()).toBe(0);
    expect(await db.downloadParts.count()).toBe(0);
  });

  it('resumes after connections cut at several points, each from what was stored, to the same bytes', async () => {
    const db = library();
    const cuts = [1.5 * MiB, 10, 2 * MiB + 7, 0];
    const storedBefore: number[] = [];
    for (const cut of cuts) {
      served.cutAfter = cut;
      storedBefore.push(await stored(db));
      const error = await refusal(resumableDownload(db, url));
      expect(error.code).toBe('network/failed');
      expect(await stored(db)).toBeGreaterThanOrEqual(storedBefore.at(-1)!);
    }
    storedBefore.push(await stored(db));
    const blob = await resumableDownload(db, url);

    expect(await bytesOf(blob)).toBe(await bytesOf(served.body));
    expect(storedBefore.at(-1)).toBeGreaterThan(MiB);
    expect(served.requests.map((r) => r.range)).toEqual(storedBefore.map((at) => (at > 0 ? `bytes=${at}-` : undefined)));
    expect(served.requests.slice(1).every((r) => r.ifRange === '"v1"' && r.status === 206)).toBe(true);
  });

  it('starts over when the file changed on the server meanwhile (a new ETag)', async () => {
    const db = library();
    served.cutAfter = 2 * MiB;
    await refusal(resumableDownload(db, url));
    expect(await stored(db)).toBeGreaterThan(0);

    served.body = fileOf(3 * MiB, 2);
    served.etag = '"v2"';
    const blob = await resumableDownload(db, url);

    expect(await bytesOf(blob)).toBe(await bytesOf(served.body));
    expect(served.requests.at(-1)).toMatchObject({ ifRange: '"v1"', status: 200 });
    expect(await db.downloads.get(PATH)).toMatchObject({ etag: '"v2"', received: 3 * MiB });
  });

  it('starts over when what is stored no longer fits the file (416)', async () => {
    const db = library();
    served.cutAfter = 2 * MiB;
    await refusal(resumableDownload(db, url));
    // A server that kept the ETag for a shorter file: the stored range is past its end.
    served.body = fileOf(MiB, 3);
    const blob = await resumableDownload(db, url);

    expect(await bytesOf(blob)).toBe(await bytesOf(served.body));
    expect(served.requests.slice(1).map((r) => r.status)).toEqual([416, 200]);
  });

  it('throws with the status on an HTTP error, keeping what was stored', async () => {
    const db = library();
    served.cutAfter = 2 * MiB;
    await refusal(resumableDownload(db, url));
    const before = { received: await stored(db), parts: await db.downloadParts.count() };

    served.status = 404;
    const error = await refusal(resumableDownload(db, url));
    expect(error.code).toBe('network/failed');
    expect(error.details).toMatchObject({ status: 404 });
    expect(error.message).toMatch(/HTTP 404/);
    expect({ received: await stored(db), parts: await db.downloadParts.count() }).toEqual(before);

    served.status = undefined;
    expect(await bytesOf(await resumableDownload(db, url))).toBe(await bytesOf(served.body));
  });

  it('throws network/failed when stopped, keeping what was stored', async () => {
    const db = library();
    const controller = new AbortController();
    const error = await refusal(
      resumableDownload(db, url, {
        signal: controller.signal,
        onProgress: (received) => {
          if (received > 2 * MiB) controller.abort();
        },
      }),
    );
    expect(error.code).toBe('network/failed');
    expect(error.details).toMatchObject({ aborted: true });
    expect(await stored(db)).toBeGreaterThan(MiB);
    expect(await bytesOf(await resumableDownload(db, url))).toBe(await bytesOf(served.body));
  });

  it('forgets downloads of files no longer wanted, and keeps the others', async () => {
    const db = library();
    await resumableDownload(db, url);
    const other = `${url.replace('/2', '/1')}`;
    await db.downloads.put({ key: '/api/packs/who/1', etag: '"old"', received: 3, startedAt: '2026-01-01T00:00:00.000Z' });
    await db.downloadParts.put({ key: '/api/packs/who/1', index: 0, bytes: new Uint8Array([1, 2, 3]) });
    await discardDownloadsExcept(db, [url]);
    expect(await db.downloads.toCollection().primaryKeys()).toEqual([PATH]);
    expect((await db.downloadParts.toArray()).every((part) => part.key === PATH)).toBe(true);
    await discardDownloadsExcept(db, [other]);
    expect(await db.downloads.count()).toBe(0);
    expect(await db.downloadParts.count()).toBe(0);
  });
});
