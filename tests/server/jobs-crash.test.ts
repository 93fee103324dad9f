import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Job } from '../../server/src/jobs/job-store';
import { tinyModelPath } from '../fixtures/tiny-model';

const ROOT = join(import.meta.dirname, '../..');

/** Any answer of the jobs API: the fields present depend on the route and the outcome. */
interface ApiBody {
  job: Job;
  jobs: Job[];
  checkpoint: number;
  error: { code: string; message: string };
  code: string;
  token: string;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

interface ChildServer {
  process: ChildProcess;
  call(method: string, path: string, token: string, body?: object): Promise<{ status: number; body: ApiBody }>;
  exited: Promise<number | null>;
  close(): Promise<void>;
}

/** The clinic server as a separate process, as `npm start` runs it, so it can be killed for real. */
async function startChild(dataDir: string, modelPath: string): Promise<ChildServer> {
  const [port, httpPort] = [await freePort(), await freePort()];
  const args = ['--import', 'tsx', 'server/src/main.ts', '--data', dataDir, '--host', '127.0.0.1', '--port', `${port}`];
  args.push('--http-port', `${httpPort}`, '--model', modelPath, '--parallel', '1', '--log-level', 'warn');
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // The CA is made at first start, before the server listens.
  const caFile = join(dataDir, 'tls', 'ca.crt');
  await vi.waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
      expect(existsSync(caFile)).toBe(true);
    },
    { timeout: 60_000, interval: 50 },
  );
  const agent = new Agent({ connect: { ca: readFileSync(caFile, 'utf8') } });
  const call = async (method: string, path: string, token: string, body?: object) => {
    const response = await undiciFetch(`https://127.0.0.1:${port}${path}`, {
      method,
      dispatcher: agent,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body && JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as ApiBody };
  };
  await vi.waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
      expect((await call('GET', '/api/health', '')).status).toBe(200);
    },
    { timeout: 60_000, interval: 100 },
  );
  return {
    process: child,
    call,
    exited,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      await agent.destroy();
    },
  };
}

async function enroll(server: ChildServer, adminToken: string): Promise<string> {
  const { body: code } = await server.call('POST', '/api/admin/enrollment-codes', adminToken);
  const response = await server.call('POST', '/api/devices/enroll', '', { code: code.code, name: 'tablet' });
  return response.body.token;
}

describe('question jobs across a server crash', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'meditron-crash-'));
  const children: ChildServer[] = [];

  afterAll(async () => {
    for (const child of children) await child.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a job interrupted by kill -9 again after restart, and stores its answer once', { timeout: 180_000 }, async () => {
    const modelPath = await tinyModelPath();
    const first = await startChild(dataDir, modelPath);
    children.push(first);
    const token = await enroll(first, readFileSync(join(dataDir, 'admin-token'), 'utf8').trim());
    const id = randomUUID();
    // Long enough to be caught running: hundreds of tokens take seconds even on the tiny model.
    const submitted = await first.call('POST', '/api/jobs', token, {
      id,
      question: 'How is severe pneumonia treated in a child under five?',
      options: { maxTokens: 450 },
    });
    expect(submitted.status).toBe(202);

    const feed: Job[] = [];
    let checkpoint = 0;
    const pull = async (server: ChildServer) => {
      const { body } = await server.call('GET', `/api/jobs?since=${checkpoint}`, token);
      feed.push(...body.jobs);
      checkpoint = body.checkpoint;
    };
    await vi.waitFor(
      async () => {
        await pull(first);
        expect(feed.at(-1)?.status).toBe('running');
      },
      { timeout: 60_000, interval: 20 },
    );

    first.process.kill('SIGKILL');
    await first.exited;
    expect(first.process.signalCode).toBe('SIGKILL');

    const second = await startChild(dataDir, modelPath);
    children.push(second);
    await vi.waitFor(
      async () => {
        await pull(second);
        expect(feed.at(-1)?.status).toBe('done');
      },
      { timeout: 120_000, interval: 50 },
    );
    // Resubmitting the answered job (the tablet never saw the 202, say) runs nothing.
    expect((await second.call('POST', '/api/jobs', token, { id, question: 'again?' })).status).toBe(200);
    await second.close();

    const states = feed.filter((job) => job.id === id);
    expect(states.filter((job) => job.status === 'done')).toHaveLength(1);
    expect(states.at(-1)!.answer!.length).toBeGreaterThan(0);
    const seqs = feed.map((job) => job.seq);
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));

    const db = new Database(join(dataDir, 'clinic.sqlite'), { readonly: true });
    try {
      const rows = db.prepare('SELECT status, attempts, answer FROM jobs WHERE id = ?').all(id) as {
        status: string;
        attempts: number;
        answer: string;
      }[];
      expect(rows).toHaveLength(1);
      expect(rows[0]).toEqual({ status: 'done', attempts: 2, answer: states.at(-1)!.answer });
    } finally {
      db.close();
    }
  });
});
