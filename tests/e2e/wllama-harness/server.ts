import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** The headers that make a page cross-origin isolated, so it has SharedArrayBuffer and wasm threads. */
export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

export interface HarnessServer {
  /** Origin, e.g. http://127.0.0.1:41234 */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the built harness and, under `/models/<name>`, model files from anywhere on disk, on a random
 * loopback port (127.0.0.1 is a secure context: OPFS and, isolated, SharedArrayBuffer are there).
 */
export async function serveHarness(
  root: string,
  models: ReadonlyMap<string, string>,
  { isolated }: { isolated: boolean },
): Promise<HarnessServer> {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const model = path.startsWith('/models/') ? models.get(path.slice('/models/'.length)) : undefined;
    const file = model ?? join(base, path.endsWith('/') ? `${path}index.html` : path);
    // join() normalizes "..": anything that lands outside the folder is not ours to serve.
    const allowed = model !== undefined || file.startsWith(base + sep);
    const info = allowed ? await stat(file).catch(() => null) : null;
    if (!info?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': 'no-store',
      ...(isolated ? ISOLATION_HEADERS : {}),
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
