import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../server/src/config';
import { buildHttpApp } from '../../server/src/http-app';
import { ensureLocalCertificate } from '../../server/src/tls/local-ca';
import * as x509 from '../../server/src/tls/x509';
import { startTestServer, type TestServer } from './support/test-server';

describe('HTTPS with the local certificate authority', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('is trusted by a client that trusts only the CA file', async () => {
    const dispatcher = new Agent({ connect: { ca: readFileSync(join(server.ctx.config.dataDir, 'tls', 'ca.crt')) } });
    try {
      const response = await fetch(`${server.url}/api/health`, { dispatcher });
      expect(response.status).toBe(200);
    } finally {
      await dispatcher.close();
    }
  });

  it('is refused by a client with the default trust store', async () => {
    const error = await fetch(`${server.url}/api/health`).then(
      () => null,
      (e: Error & { cause?: { code?: string } }) => e,
    );
    expect(error?.cause?.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
  });

  it('names loopback and this machine in the server certificate, signed by a CA certificate', () => {
    const cert = new x509.X509Certificate(readFileSync(join(server.ctx.config.dataDir, 'tls', 'server.crt'), 'utf8'));
    const names = cert.getExtension(x509.SubjectAlternativeNameExtension)!.names.toJSON();
    expect(names).toContainEqual({ type: 'ip', value: '127.0.0.1' });
    expect(names).toContainEqual({ type: 'dns', value: 'localhost' });
    const ca = new x509.X509Certificate(server.caCert);
    expect(ca.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(true);
    expect(cert.issuer).toBe(ca.subject);
    expect(cert.notAfter.getTime() - cert.notBefore.getTime()).toBeLessThanOrEqual(827 * 24 * 3600 * 1000);
  });
});

describe('ensureLocalCertificate', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'meditron-tls-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('makes the CA and certificate once and reuses them', async () => {
    const first = await ensureLocalCertificate(dataDir);
    const second = await ensureLocalCertificate(dataDir);
    expect(second).toEqual(first);
    expect(first.caFile).toBe(join(dataDir, 'tls', 'ca.crt'));
    expect(first.cert).toContain(first.caCert.trim());
  });

  it('keeps private keys readable by the owner only', () => {
    for (const file of ['ca.key', 'server.key']) {
      expect(statSync(join(dataDir, 'tls', file)).mode & 0o777).toBe(0o600);
    }
  });

  it('re-issues only the server certificate, under the same CA, when a name is missing', async () => {
    const before = await ensureLocalCertificate(dataDir);
    const after = await ensureLocalCertificate(dataDir, ['clinic.example']);
    expect(after.caCert).toBe(before.caCert);
    expect(after.key).not.toBe(before.key);
    const names = new x509.X509Certificate(after.cert).getExtension(x509.SubjectAlternativeNameExtension)!.names.toJSON();
    expect(names).toContainEqual({ type: 'dns', value: 'clinic.example' });
  });
});

describe('plain HTTP listener', () => {
  let dataDir: string;
  let config: Config;
  let caFile: string;
  let caCert: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'meditron-http-'));
    config = loadConfig(['--data', dataDir, '--port', '8443'], {}) as Config;
    ({ caFile, caCert } = await ensureLocalCertificate(dataDir));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  async function listen(caCertFile: string | undefined): Promise<{ url: string; close: () => Promise<void> }> {
    const app = await buildHttpApp({ config, caCertFile });
    await app.listen({ host: '127.0.0.1', port: 0 });
    return { url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, close: () => app.close() };
  }

  it('redirects everything else to the same path over HTTPS on the configured port', async () => {
    const http = await listen(caFile);
    try {
      for (const method of ['GET', 'POST']) {
        const response = await fetch(`${http.url}/anything?x=1`, { method, redirect: 'manual' });
        expect(response.status).toBe(308);
        expect(response.headers.get('location')).toBe('https://127.0.0.1:8443/anything?x=1');
      }
      expect((await fetch(`${http.url}/api/jobs`, { redirect: 'manual' })).status).toBe(308);
      const health = await fetch(`${http.url}/api/health`);
      expect(await health.json()).toEqual({ status: 'ok' });
    } finally {
      await http.close();
    }
  });

  it('serves the setup page and the CA certificate to download', async () => {
    const http = await listen(caFile);
    try {
      const page = await fetch(`${http.url}/setup`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await page.text();
      expect(html).toContain('href="/setup/ca.crt"');
      expect(html).toContain('Install a certificate');
      expect(html).toContain('https://127.0.0.1:8443/');
      expect(html).toContain('Certificate Trust Settings');

      const cert = await fetch(`${http.url}/setup/ca.crt`);
      expect(cert.headers.get('content-type')).toBe('application/x-x509-ca-cert');
      expect(cert.headers.get('content-disposition')).toBe('attachment; filename="meditron-field-ca.crt"');
      expect(await cert.text()).toBe(caCert);
    } finally {
      await http.close();
    }
  });

  it('offers no download when the admin manages the certificate', async () => {
    const http = await listen(undefined);
    try {
      const html = await (await fetch(`${http.url}/setup`)).text();
      expect(html).toContain('managed by its administrator');
      expect(html).not.toContain('/setup/ca.crt');
      expect((await fetch(`${http.url}/setup/ca.crt`)).status).toBe(404);
    } finally {
      await http.close();
    }
  });
});
