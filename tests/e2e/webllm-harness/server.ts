import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

export interface HarnessServer {
  /** http://127.0.0.1:PORT — an absolute URL without "localhost", which web-llm caches model libraries for. */
  url: string;
  /** The same server as http://localhost:PORT, where web-llm does not cache them. */
  localhostUrl: string;
  /** "GET /models/…" for each request to the mirror, in order. */
  mirrorRequests: string[];
  /** While true, the mirror drops every connection, as an unreachable clinic server would. */
  offline: boolean;
  close(): Promise<void>;
}

/**
 * Serves the built harness page and, under `/models/`, a mirror directory laid out as the clinic
 * server's (`<Model-MLC>/resolve/main/…`, the model library in `<Model-MLC>/`), on one loopback origin
 * as the app and its mirror are. GET and HEAD; a missing file is a 404.
 */
export async function serveWebllmHarness(pageDir: string, mirrorDir: string): Promise<HarnessServer> {
  const roots = { page: resolve(pageDir), mirror: resolve(mirrorDir) };
  const state: Pick<HarnessServer, 'mirrorRequests' | 'offline'> = { mirrorRequests: [], offline: false };
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const inMirror = path.startsWith('/models/');
    if (inMirror) {
      state.mirrorRequests.push(`${req.method} ${path}`);
      if (state.offline) {
        req.socket.destroy();
        return;
      }
    }
    const root = inMirror ? roots.mirror : roots.page;
    const relative = inMirror ? path.slice('/models/'.length) : path.endsWith('/') ? `${path}index.html` : path;
    const file = join(root, relative);
    // join() normalizes "..": anything that lands outside the folder is not ours to serve.
    const info = file.startsWith(root + sep) ? await stat(file).catch(() => null) : null;
    if (!info?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': 'no-cache',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    localhostUrl: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  });
}
