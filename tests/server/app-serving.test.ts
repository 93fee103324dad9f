import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/test-server';

const INDEX = '<!doctype html><html lang="en"><head><title>Meditron Field</title></head><body><div id="root"></div></body></html>';

describe('serving the built app', () => {
  let staticDir: string;
  let server: TestServer;
  beforeAll(async () => {
    staticDir = mkdtempSync(join(tmpdir(), 'meditron-dist-'));
    mkdirSync(join(staticDir, 'assets'));
    writeFileSync(join(staticDir, 'index.html'), INDEX);
    writeFileSync(join(staticDir, 'service-worker.js'), 'self.addEventListener("fetch", () => {});');
    writeFileSync(join(staticDir, 'manifest.webmanifest'), '{"name":"Meditron Field"}');
    writeFileSync(join(staticDir, 'assets', 'app-abc123.js'), 'console.log("app");');
    writeFileSync(join(staticDir, 'assets', 'wllama-def456.wasm'), Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));
    writeFileSync(join(staticDir, 'demo.pack.jsonl'), '{"id":"demo"}\n');
    server = await startTestServer({ args: ['--static-dir', staticDir] });
  });
  afterAll(async () => {
    await server.close();
    rmSync(staticDir, { recursive: true, force: true });
  });

  it('caches hashed assets for good and revalidates everything else', async () => {
    const asset = await server.fetch('/assets/app-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const path of ['/', '/index.html', '/service-worker.js', '/manifest.webmanifest', '/demo.pack.jsonl']) {
      const response = await server.fetch(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('cache-control'), path).toBe('no-cache');
    }
    expect(await (await server.fetch('/')).text()).toBe(INDEX);
  });

  it('sends the content types the browser needs', async () => {
    const types = {
      '/manifest.webmanifest': 'application/manifest+json',
      '/assets/wllama-def456.wasm': 'application/wasm',
      '/demo.pack.jsonl': 'application/x-ndjson',
      '/': 'text/html',
    };
    for (const [path, type] of Object.entries(types)) {
      expect((await server.fetch(path)).headers.get('content-type'), path).toMatch(new RegExp(`^${type.replace('+', '\\+')}`));
    }
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await server.fetch('/assets/app-abc123.js');
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    await first.arrayBuffer();
    // As a browser revalidates; without a Cache-Control header, fetch adds "no-cache", which asks for a full reload.
    const second = await server.fetch('/assets/app-abc123.js', { headers: { 'if-none-match': etag!, 'cache-control': 'max-age=0' } });
    expect(second.status).toBe(304);
  });

  it('sends the security headers, cross-origin isolation included', async () => {
    for (const path of ['/', '/assets/app-abc123.js', '/api/nope']) {
      const headers = (await server.fetch(path)).headers;
      expect(headers.get('content-security-policy'), path).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(headers.get('content-security-policy'), path).toContain("worker-src 'self' blob:");
      expect(headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(headers.get('cross-origin-embedder-policy'), path).toBe('require-corp');
      expect(headers.get('cross-origin-resource-policy'), path).toBe('same-origin');
      expect(headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(headers.get('strict-transport-security'), path).toBe('max-age=31536000');
      expect(headers.get('permissions-policy'), path).toContain('camera=()');
    }
  });

  it('opens the app on a deep link, but never answers the API or a missing file with the page', async () => {
    const deep = await server.fetch('/some/deep/link?x=1');
    expect(deep.status).toBe(200);
    expect(await deep.text()).toBe(INDEX);
    for (const path of ['/api/nope', '/v1/nope', '/assets/gone-000000.js']) {
      const response = await server.fetch(path);
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code, path).toBe('request/not-found');
    }
  });

  it('never serves a file outside the built app', async () => {
    for (const path of [
      '/..%2f..%2fetc%2fpasswd',
      '/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/%2e%2e/package.json',
      '/assets/..%2f..%2fpackage.json',
    ]) {
      const response = await server.fetch(path);
      const body = await response.text();
      // Either refused, or taken as a deep link into the app: never the file itself.
      expect(response.status >= 400 || body === INDEX, `${path}: ${response.status}`).toBe(true);
    }
  });
});

describe('without a built app', () => {
  it('says how to build it', async () => {
    const emptyDir = mkdtempSync(join(tmpdir(), 'meditron-nodist-'));
    const server = await startTestServer({ args: ['--static-dir', emptyDir] });
    try {
      const response = await server.fetch('/');
      expect(response.status).toBe(503);
      const { error } = (await response.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('app/not-built');
      expect(error.message).toContain('npm run build');
      expect((await server.fetch('/api/health')).status).toBe(200);
    } finally {
      await server.close();
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });
});
