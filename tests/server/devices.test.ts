import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnrollmentCode } from '../../server/src/routes/devices/enrollment';
import { enrollDevice, startTestServer, type TestServer } from './support/test-server';

/** Routes anyone may call: the app itself, the reachability probe, and the code-for-token exchange. */
const PUBLIC_ROUTES = new Set(['GET /*', 'GET /api/health', 'POST /api/devices/enroll']);

/**
 * Every registered route, read from Fastify's route tree so that routes other features add later are
 * covered too. Each line of the tree is one path segment; indentation gives its parent.
 */
function registeredRoutes(app: FastifyInstance): { method: string; url: string }[] {
  const routes: { method: string; url: string }[] = [];
  const path: string[] = [];
  for (const line of app.printRoutes().split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    path.length = match[1]!.length / 4;
    path.push(match[2]!);
    for (const method of match[3]?.split(', ') ?? []) routes.push({ method, url: path.join('') });
  }
  return routes.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');
}

describe('device enrollment', () => {
  let server: TestServer;
  let admin: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer();
    admin = { authorization: `Bearer ${server.adminToken}` };
  });
  afterAll(async () => {
    await server.close();
  });

  const enroll = (code: string, name = 'tablet') =>
    server.fetch('/api/devices/enroll', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, name }),
    });

  async function newCode(body?: object): Promise<{ code: string; expiresAt: string }> {
    const response = await server.fetch('/api/admin/enrollment-codes', {
      method: 'POST',
      headers: body ? { ...admin, 'content-type': 'application/json' } : admin,
      body: body && JSON.stringify(body),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { code: string; expiresAt: string };
  }

  it('trades a code for a device token exactly once', async () => {
    const { code, expiresAt } = await newCode();
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now() + 23 * 3600_000);

    // Typed as people type it: lower case, a space instead of the dash.
    const first = await enroll(code.toLowerCase().replace('-', ' '), '  Ward 3 tablet  ');
    expect(first.status).toBe(201);
    const { deviceId, token } = (await first.json()) as { deviceId: string; token: string };
    expect(deviceId).toMatch(/^[0-9a-f-]{36}$/);

    const me = await server.fetch('/api/devices/me', { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toEqual({ deviceId, name: 'Ward 3 tablet' });

    const second = await enroll(code);
    expect(second.status).toBe(403);
    const { error } = (await second.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('auth/invalid-enrollment');
    expect(error.message).toMatch(/admin/);
  });

  it('refuses an unknown or expired code', async () => {
    expect((await enroll('ABCD-EFGH')).status).toBe(403);
    const { code } = createEnrollmentCode(server.ctx.db, 1, new Date(Date.now() - 2 * 60_000));
    const response = await enroll(code);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('auth/invalid-enrollment');
  });

  it('validates the code lifetime and the device name', async () => {
    const { expiresAt } = await newCode({ ttlMinutes: 5 });
    expect(Date.parse(expiresAt)).toBeLessThanOrEqual(Date.now() + 5 * 60_000);
    for (const ttlMinutes of [0, 10081, 1.5]) {
      const response = await server.fetch('/api/admin/enrollment-codes', {
        method: 'POST',
        headers: { ...admin, 'content-type': 'application/json' },
        body: JSON.stringify({ ttlMinutes }),
      });
      expect(response.status).toBe(400);
    }
    const { code } = await newCode();
    expect((await enroll(code, '   ')).status).toBe(400);
    expect((await enroll(code, 'x'.repeat(81))).status).toBe(400);
    expect((await enroll(code, 'ok')).status).toBe(201);
  });

  it('lists devices without secrets and revokes them', async () => {
    const token = await enrollDevice(server, 'lost tablet');
    const device = { authorization: `Bearer ${token}` };
    const { deviceId } = (await (await server.fetch('/api/devices/me', { headers: device })).json()) as { deviceId: string };

    const revoked = await server.fetch(`/api/admin/devices/${deviceId}`, { method: 'DELETE', headers: admin });
    expect(revoked.status).toBe(204);
    const me = await server.fetch('/api/devices/me', { headers: device });
    expect(me.status).toBe(401);
    expect(((await me.json()) as { error: { code: string } }).error.code).toBe('auth/invalid-token');

    const list = (await (await server.fetch('/api/admin/devices', { headers: admin })).json()) as { devices: Record<string, unknown>[] };
    const entry = list.devices.find((d) => d.id === deviceId)!;
    expect(Object.keys(entry).sort()).toEqual(['createdAt', 'id', 'lastSeenAt', 'name', 'revokedAt']);
    expect(entry.name).toBe('lost tablet');
    expect(entry.lastSeenAt).toEqual(expect.any(String));
    expect(entry.revokedAt).toEqual(expect.any(String));
    expect(JSON.stringify(list)).not.toContain(token);

    expect((await server.fetch('/api/admin/devices/no-such-device', { method: 'DELETE', headers: admin })).status).toBe(404);
  });
});

describe('every protected route', () => {
  let server: TestServer;
  let routes: { method: string; url: string }[];
  let deviceToken: string;
  beforeAll(async () => {
    server = await startTestServer();
    deviceToken = await enrollDevice(server);
    routes = registeredRoutes(server.app)
      .filter((r) => !PUBLIC_ROUTES.has(`${r.method} ${r.url}`))
      .map((r) => ({ method: r.method, url: r.url.replace(/:[^/]+/g, 'x').replace(/\*$/, 'x') }));
  });
  afterAll(async () => {
    await server.close();
  });

  // A body only where one is expected, and an empty one: authentication must come before validation.
  const call = (route: { method: string; url: string }, token?: string) => {
    const withBody = !['GET', 'DELETE'].includes(route.method);
    return server.fetch(route.url, {
      method: route.method,
      headers: { ...(withBody ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: withBody ? '{}' : undefined,
    });
  };

  it('finds the routes of every feature', () => {
    const urls = routes.map((r) => `${r.method} ${r.url}`);
    expect(urls).toContain('GET /api/devices/me');
    expect(urls).toContain('POST /api/admin/enrollment-codes');
    expect(urls).toContain('DELETE /api/admin/devices/x');
    expect(routes.length).toBeGreaterThan(5);
  });

  /** Each route's answer as "METHOD URL: STATUS CODE", so one failure lists every offending route. */
  async function answers(list: { method: string; url: string }[], token?: string): Promise<string[]> {
    const out: string[] = [];
    for (const route of list) {
      const response = await call(route, token);
      const { error } = (await response.json()) as { error?: { code: string } };
      out.push(`${route.method} ${route.url}: ${response.status} ${error?.code}`);
    }
    return out;
  }

  it('answers 401 without a token', async () => {
    expect(await answers(routes)).toEqual(routes.map((r) => `${r.method} ${r.url}: 401 auth/missing-token`));
  });

  it('answers 401 to an unknown token (403 on admin routes)', async () => {
    expect(await answers(routes, 'bogus-token')).toEqual(
      routes.map((r) => `${r.method} ${r.url}: ${r.url.startsWith('/api/admin/') ? '403 auth/not-admin' : '401 auth/invalid-token'}`),
    );
  });

  it('keeps admin routes from device tokens', async () => {
    const adminRoutes = routes.filter((r) => r.url.startsWith('/api/admin/'));
    expect(await answers(adminRoutes, deviceToken)).toEqual(adminRoutes.map((r) => `${r.method} ${r.url}: 403 auth/not-admin`));
  });
});
