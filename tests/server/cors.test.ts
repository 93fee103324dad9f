import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config';
import { enrollDevice, startTestServer, type TestServer } from './support/test-server';

const TRAINER = 'https://trainer.example';
const OTHER = 'https://elsewhere.example';

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer({ args: ['--allow-origin', TRAINER] });
  token = await enrollDevice(server);
});
afterAll(() => server?.close());

function preflight(path: string, origin: string, headers = 'authorization, content-type') {
  return server.fetch(path, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers },
  });
}

describe('CORS for the app hosted on another origin', () => {
  it('answers a preflight from an allowed origin with exactly that origin', async () => {
    for (const path of ['/api/sync/push', '/api/devices/enroll', '/v1/chat/completions', '/models/x.gguf']) {
      const response = await preflight(path, TRAINER, 'authorization, content-type, x-meditron-sync, range, if-range');
      expect(response.status, path).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(TRAINER);
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      expect(response.headers.get('vary')).toMatch(/origin/i);
      expect(response.headers.get('access-control-allow-methods')).toContain('POST');
      expect(response.headers.get('access-control-allow-headers')).toBe('authorization, content-type, x-meditron-sync, range, if-range');
      expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    }
  });

  it('allows no other origin', async () => {
    const response = await preflight('/api/sync/push', OTHER);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const actual = await server.fetch('/api/health', { headers: { origin: OTHER } });
    expect(actual.status).toBe(200);
    expect(actual.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('never opens the admin routes', async () => {
    const response = await preflight('/api/admin/enrollment-codes', TRAINER);
    expect(response.status).not.toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const actual = await server.fetch('/api/admin/devices', {
      headers: { origin: TRAINER, authorization: `Bearer ${server.adminToken}` },
    });
    expect(actual.status).toBe(200);
    expect(actual.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('marks actual responses, errors included, and exposes the headers the app reads', async () => {
    const ok = await server.fetch('/api/devices/me', { headers: { origin: TRAINER, authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(TRAINER);
    expect(ok.headers.get('vary')).toMatch(/origin/i);
    // Not barred by the same-origin resource policy the app's own pages get.
    expect(ok.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const exposed = ok.headers.get('access-control-expose-headers')?.split(/,\s*/);
    expect(exposed).toEqual(
      expect.arrayContaining(['etag', 'content-range', 'content-length', 'x-pack-signature', 'x-pack-delta-from', 'retry-after']),
    );

    const refused = await server.fetch('/api/devices/me', { headers: { origin: TRAINER } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(TRAINER);

    const packs = await server.fetch('/api/packs', { headers: { origin: TRAINER, authorization: `Bearer ${token}` } });
    expect(packs.status).toBe(200);
    expect(packs.headers.get('access-control-allow-origin')).toBe(TRAINER);
  });

  it('leaves the app itself and servers without --allow-origin alone', async () => {
    const page = await server.fetch('/', { headers: { origin: TRAINER } });
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
    expect(page.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    const plain = await startTestServer();
    try {
      const response = await plain.fetch('/api/health', { headers: { origin: TRAINER } });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await plain.close();
    }
  });
});

describe('--allow-origin', () => {
  const load = (args: string[], env: NodeJS.ProcessEnv = {}) => loadConfig(['--data', '/tmp/x', ...args], env);

  it('takes exact origins, repeated or from the environment', () => {
    expect(load(['--allow-origin', 'https://a.example', '--allow-origin', 'http://localhost:5173/'])).toMatchObject({
      allowOrigins: ['https://a.example', 'http://localhost:5173'],
    });
    expect(load([], { MEDITRON_ALLOW_ORIGIN: 'https://a.example, https://b.example:8443' })).toMatchObject({
      allowOrigins: ['https://a.example', 'https://b.example:8443'],
    });
  });

  it('refuses anything but an origin', () => {
    for (const bad of ['*', 'trainer.example', 'https://trainer.example/app', 'ftp://trainer.example']) {
      expect(() => load(['--allow-origin', bad]), bad).toThrow(/--allow-origin: .* is not an origin/);
    }
  });
});
