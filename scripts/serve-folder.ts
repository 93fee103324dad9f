import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

/** The headers that make a page cross-origin isolated, so it has SharedArrayBuffer and wasm threads. */
export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

export interface FolderServer {
  /** Origin, e.g. http://127.0.0.1:41234 (a secure context, as OPFS and SharedArrayBuffer need). */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a folder (a built bench or test page), plus extra URL paths mapped to files elsewhere (a corpus,
 * a model), on a random loopback port, with `headers` on every response.
 */
export async function serveFolder(
  root: string,
  extra: ReadonlyMap<string, string> = new Map(),
  headers: Record<string, string> = {},
): Promise<FolderServer> {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const mapped = extra.get(path);
    const file = mapped ?? join(base, path.endsWith('/') ? `${path}index.html` : path);
    // join() normalizes "..": anything that lands outside the folder is not ours to serve.
    const allowed = mapped !== undefined || file.startsWith(base + sep);
    const info = allowed ? await stat(file).catch(() => null) : null;
    if (!info?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': 'no-store',
      ...headers,
    });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
