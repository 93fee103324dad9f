import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Agent, type Dispatcher, fetch as undiciFetch } from 'undici';
import { ensureAdminToken } from '../../../server/src/admin/admin-token';
import { build } from '../../../server/src/app';
import { type Config, loadConfig } from '../../../server/src/config';
import type { ServerContext } from '../../../server/src/context';
import { openDatabase } from '../../../server/src/db/database';
import type { InferenceEngine } from '../../../server/src/inference/engine';
import { ensureLocalCertificate } from '../../../server/src/tls/local-ca';

export interface TestServer {
  /** https://127.0.0.1:PORT */
  url: string;
  app: FastifyInstance;
  ctx: ServerContext;
  adminToken: string;
  /** PEM of the local CA the server's certificate chains to. */
  caCert: string;
  /** PEM of the server's certificate (its chain, leaf first). */
  cert: string;
  /** fetch that trusts the server's local CA, as an enrolled tablet does. */
  fetch(path: string, init?: Parameters<typeof undiciFetch>[1]): ReturnType<typeof undiciFetch>;
  dispatcher: Dispatcher;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Extra flags, as given after `npm start --`. */
  args?: string[];
  engine?: InferenceEngine | null;
  /** Reuse a data directory (to restart a server on the same data). */
  dataDir?: string;
  /** A fixed port, to restart a server where tablets already know it; default: any free port. */
  port?: number;
}

/** A real clinic server on loopback over HTTPS, with a temporary data directory. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'meditron-clinic-'));
  const config = loadConfig(['--data', dataDir, '--host', '127.0.0.1', '--port', '0', ...(options.args ?? [])], {}) as Config;
  const db = openDatabase(join(dataDir, 'clinic.sqlite'));
  const adminToken = ensureAdminToken(dataDir);
  const tls = await ensureLocalCertificate(dataDir);
  const ctx: ServerContext = { config, db, engine: options.engine ?? null, adminToken };
  const app = await build(ctx, { https: tls });
  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const port = (app.server.address() as { port: number }).port;
  const url = `https://127.0.0.1:${port}`;
  const dispatcher = new Agent({ connect: { ca: tls.caCert } });
  return {
    url,
    app,
    ctx,
    adminToken,
    caCert: tls.caCert,
    cert: tls.cert,
    dispatcher,
    fetch: (path, init) => undiciFetch(new URL(path, url), { dispatcher, ...init }),
    close: async () => {
      await app.close();
      await dispatcher.close();
      db.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Enrolls a tablet through the API and returns its device token. */
export async function enrollDevice(server: TestServer, name = 'tablet'): Promise<string> {
  const codeResponse = await server.fetch('/api/admin/enrollment-codes', {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminToken}` },
  });
  const { code } = (await codeResponse.json()) as { code: string };
  const response = await server.fetch('/api/devices/enroll', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, name }),
  });
  const { token } = (await response.json()) as { token: string };
  return token;
}
