import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../server/src/admin/cli';
import { readPack } from '../../src/core/pack/pack-reader';
import { corpusFile, corpusRecord, markdownDoc } from '../fixtures/corpus';
import { lineAsJson, makeExcerpts, makePack, replaceLine } from '../fixtures/pack';
import { enrollDevice, startTestServer, type TestServer } from './support/test-server';

interface PackSummary {
  id: string;
  version: string;
  title: string;
  excerptCount: number;
  size: number;
  contentHash: string;
  demo: boolean;
  publishedAt: string | null;
}
interface AdminPack extends PackSummary {
  status: 'current' | 'published' | 'unpublished';
}
interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

let server: TestServer;
let device: string;
let files: string;

beforeAll(async () => {
  server = await startTestServer();
  device = await enrollDevice(server);
  files = mkdtempSync(join(tmpdir(), 'meditron-pack-files-'));
});

afterAll(async () => {
  await server?.close();
  rmSync(files, { recursive: true, force: true });
});

const dataDir = () => server.ctx.config.dataDir;

/** Runs an admin command as `npm run admin` would, on the server's data directory. */
async function admin(...args: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await runAdmin(['--data', dataDir(), ...args], (line) => lines.push(line));
  return { code, output: lines.join('\n') };
}

function writeTemp(name: string, content: string): string {
  const path = join(files, name);
  writeFileSync(path, content);
  return path;
}

const asDevice = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${device}`, ...extra });
const asAdmin = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${server.adminToken}`, ...extra });

async function devicePacks(): Promise<PackSummary[]> {
  const response = await server.fetch('/api/packs', { headers: asDevice() });
  expect(response.status).toBe(200);
  return ((await response.json()) as { packs: PackSummary[] }).packs;
}

async function adminPacks(): Promise<AdminPack[]> {
  const response = await server.fetch('/api/admin/packs', { headers: asAdmin() });
  expect(response.status).toBe(200);
  return ((await response.json()) as { packs: AdminPack[] }).packs;
}

function upload(body: string, query = '') {
  return server.fetch(`/api/admin/packs${query}`, {
    method: 'POST',
    headers: asAdmin({ 'content-type': 'application/x-ndjson' }),
    body,
  });
}

/** A raw request: undici's fetch would decompress the body and hide the encoding. */
async function rawGet(path: string, headers: Record<string, string>) {
  const response = await server.dispatcher.request({ origin: server.url, path, method: 'GET', headers });
  return { status: response.statusCode, headers: response.headers, body: Buffer.from(await response.body.arrayBuffer()) };
}

const storedFile = (id: string, version: string) => join(dataDir(), 'packs', id, `${version}.jsonl`);

describe('pack import with the admin command', () => {
  it('stores the canonical file, publishes it and offers it to tablets', async () => {
    const pack = makePack({ id: 'malaria', version: '1', excerpts: makeExcerpts(5) });
    // Key order and spacing differ from the writer's: the stored file is re-serialized anyway.
    const manifest = lineAsJson(pack, 1);
    const handWritten = replaceLine(pack, 1, JSON.stringify(Object.fromEntries(Object.entries(manifest).reverse()), null, 0));
    const file = writeTemp('malaria-1.jsonl', handWritten);

    const { code, output } = await admin('pack-import', file, '--publish');
    expect(code).toBe(0);
    expect(output).toContain('malaria 1: imported (5 excerpts)');
    expect(output).toContain('published');
    expect(readFileSync(storedFile('malaria', '1'), 'utf8')).toBe(pack);

    const listed = await devicePacks();
    expect(listed).toEqual([
      expect.objectContaining({ id: 'malaria', version: '1', excerptCount: 5, size: Buffer.byteLength(pack), demo: false }),
    ]);
    expect(listed[0]!.publishedAt).toEqual(expect.any(String));

    const again = await admin('pack-import', file);
    expect(again.code).toBe(0);
    expect(again.output).toContain('malaria 1: unchanged');
  });

  it('lists versions with their status', async () => {
    const { code, output } = await admin('packs');
    expect(code).toBe(0);
    expect(output).toMatch(/^id\s+version\s+excerpts\s+published/);
    expect(output).toMatch(/malaria\s+1\s+5\s+current/);
  });

  it('refuses a corrupt pack with the line and field, storing nothing', async () => {
    const good = makePack({ id: 'broken', version: '1', excerpts: makeExcerpts(4) });
    const badField = replaceLine(good, 3, JSON.stringify({ ...lineAsJson(good, 3), language: 'English' }));
    const cases: [string, string, RegExp][] = [
      ['bad-hash.jsonl', replaceLine(good, 2, JSON.stringify({ ...lineAsJson(good, 2), text: 'Altered text.' })), /content hash/],
      ['truncated.jsonl', good.split('\n').slice(0, 3).join('\n'), /ends after 2 of 4 excerpts/],
      ['bad-field.jsonl', badField, /Line 3, field "language"/],
    ];
    for (const [name, content, message] of cases) {
      const { code, output } = await admin('pack-import', writeTemp(name, content), '--publish');
      expect(code).toBe(1);
      expect(output).toMatch(message);
    }
    expect((await adminPacks()).map((p) => p.id)).not.toContain('broken');
    expect(existsSync(join(dataDir(), 'packs', 'broken'))).toBe(false);
  });

  it('chunks a guidelines corpus into excerpts whose ids survive a re-scrape', async () => {
    const records = [
      corpusRecord({ id: 'scrape1-a' }),
      corpusRecord({
        id: 'scrape1-b',
        source: 'WHO',
        title: 'Malaria treatment',
        url: 'https://www.who.int/malaria',
        clean_text: markdownDoc({ lead: 'Treat uncomplicated malaria with an ACT.', sections: [['Dosing', 'Dose by body weight.']] }),
      }),
    ];
    const first = await admin('pack-import', writeTemp('guidelines.jsonl', corpusFile(records)), '--version', '1', '--publish');
    expect(first.code).toBe(0);
    expect(first.output).toContain('guidelines 1: imported');

    // The next scrape renumbers its records: excerpt ids come from source, URL and section instead.
    const rescraped = records.map((r, i) => ({ ...r, id: `scrape2-${i}` }));
    const second = await admin(
      'pack-import',
      writeTemp('guidelines-2.jsonl', corpusFile(rescraped)),
      '--corpus',
      '--id',
      'guidelines',
      '--version',
      '2',
    );
    expect(second.code).toBe(0);

    const v1 = await readPack([readFileSync(storedFile('guidelines', '1'), 'utf8')]);
    const v2 = await readPack([readFileSync(storedFile('guidelines', '2'), 'utf8')]);
    expect(v1.excerpts.length).toBeGreaterThan(records.length);
    expect(v2.excerpts.map((e) => e.id)).toEqual(v1.excerpts.map((e) => e.id));
    expect(v1.manifest.sources.map((s) => s.name)).toEqual(['MedlinePlus', 'WHO']);

    // Version 2 is stored but not published: tablets still get version 1.
    expect((await devicePacks()).find((p) => p.id === 'guidelines')?.version).toBe('1');
  });

  it('refuses a corpus imported under an id that is not a pack id', async () => {
    const { code, output } = await admin('pack-import', writeTemp('c.jsonl', corpusFile([corpusRecord()])), '--id', '../escape');
    expect(code).toBe(1);
    expect(output).toContain('Pack id "../escape"');
    expect(existsSync(join(dataDir(), 'escape'))).toBe(false);
  });
});

describe('pack import over the admin API', () => {
  it('imports a raw pack body, then reports it unchanged', async () => {
    const pack = makePack({ id: 'cholera', version: '2', excerpts: makeExcerpts(3) });
    const created = await upload(pack);
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ id: 'cholera', version: '2', outcome: 'imported', status: 'unpublished' });

    const repeated = await upload(pack, '?publish=true');
    expect(repeated.status).toBe(200);
    expect(await repeated.json()).toEqual({ id: 'cholera', version: '2', outcome: 'unchanged', status: 'current' });
  });

  it('refuses other content under a stored version, leaving no file behind', async () => {
    const response = await upload(makePack({ id: 'cholera', version: '2', excerpts: makeExcerpts(3, { tag: 'b' }) }));
    expect(response.status).toBe(409);
    const body = (await response.json()) as ErrorBody;
    expect(body.error).toMatchObject({ code: 'request/conflict', details: { appCode: 'pack/version-conflict' } });
    expect(readdirSync(join(dataDir(), 'packs', 'cholera')).sort()).toEqual(['2.jsonl', '2.jsonl.br', '2.jsonl.gz']);
  });

  it('keeps an older version as history without making it current', async () => {
    const response = await upload(makePack({ id: 'cholera', version: '1', excerpts: makeExcerpts(2) }));
    expect(response.status).toBe(201);
    const cholera = (await adminPacks()).filter((p) => p.id === 'cholera').map((p) => [p.version, p.status]);
    expect(cholera).toEqual([
      ['2', 'current'],
      ['1', 'unpublished'],
    ]);
  });

  it('answers a bad field with its line and field, storing nothing', async () => {
    const good = makePack({ id: 'typhoid', version: '1', excerpts: makeExcerpts(3) });
    const response = await upload(replaceLine(good, 4, JSON.stringify({ ...lineAsJson(good, 4), url: 'not a url' })));
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('request/invalid');
    expect(body.error.message).toMatch(/^Line 4, field "url"/);
    expect(body.error.details).toMatchObject({ appCode: 'pack/invalid-field', line: 4, field: 'url' });
    expect((await adminPacks()).map((p) => p.id)).not.toContain('typhoid');
    expect(existsSync(join(dataDir(), 'packs', 'typhoid'))).toBe(false);
  });

  it('needs the admin token', async () => {
    const pack = makePack({ id: 'other', version: '1' });
    const asTablet = await server.fetch('/api/admin/packs', {
      method: 'POST',
      headers: asDevice({ 'content-type': 'application/x-ndjson' }),
      body: pack,
    });
    expect(asTablet.status).toBe(403);
    expect((await server.fetch('/api/admin/packs/cholera/1/publish', { method: 'POST' })).status).toBe(401);
  });
});

describe('pack publication and download', () => {
  it('offers only published versions, the one published last as current', async () => {
    await upload(makePack({ id: 'measles', version: '1', excerpts: makeExcerpts(2) }));
    await upload(makePack({ id: 'measles', version: '2', excerpts: makeExcerpts(3) }));
    expect((await devicePacks()).map((p) => p.id)).not.toContain('measles');
    expect((await server.fetch('/api/packs/measles/2', { headers: asDevice() })).status).toBe(404);

    const publish = (version: string) =>
      server.fetch(`/api/admin/packs/measles/${version}/publish`, { method: 'POST', headers: asAdmin() });
    expect((await publish('2')).status).toBe(200);
    expect((await devicePacks()).find((p) => p.id === 'measles')?.version).toBe('2');
    expect((await server.fetch('/api/packs/measles/1', { headers: asDevice() })).status).toBe(404);

    // Publishing the older version rolls back; version 2 stays downloadable for tablets halfway through it.
    const rollback = await publish('1');
    expect(rollback.status).toBe(200);
    expect(await rollback.json()).toMatchObject({ id: 'measles', version: '1', status: 'current' });
    expect((await devicePacks()).find((p) => p.id === 'measles')?.version).toBe('1');
    expect((await server.fetch('/api/packs/measles/2', { headers: asDevice() })).status).toBe(200);

    expect((await publish('9')).status).toBe(404);
  });

  it('serves the stored file with a strong ETag and answers revalidation with 304', async () => {
    const stored = readFileSync(storedFile('malaria', '1'));
    const first = await rawGet('/api/packs/malaria/1', asDevice());
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/x-ndjson');
    expect(first.headers['content-encoding']).toBeUndefined();
    expect(first.headers['content-length']).toBe(String(stored.length));
    expect(first.headers.vary).toBe('Accept-Encoding');
    expect(first.body.equals(stored)).toBe(true);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"sha256-[0-9a-f]{64}"$/);

    const again = await rawGet('/api/packs/malaria/1', asDevice({ 'if-none-match': etag }));
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
  });

  it('sends gzip or brotli copies to clients that accept them', async () => {
    const stored = readFileSync(storedFile('malaria', '1'));
    const gz = await rawGet('/api/packs/malaria/1', asDevice({ 'accept-encoding': 'gzip' }));
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['content-length']).toBe(String(gz.body.length));
    expect(gunzipSync(gz.body).equals(stored)).toBe(true);
    const parsed = await readPack([gunzipSync(gz.body).toString('utf8')]);
    expect(parsed.manifest).toMatchObject({ id: 'malaria', version: '1', excerptCount: 5 });

    const br = await rawGet('/api/packs/malaria/1', asDevice({ 'accept-encoding': 'gzip, deflate, br' }));
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).equals(stored)).toBe(true);
    // Each encoding is its own representation, with its own validator.
    expect(new Set([gz.headers.etag, br.headers.etag]).size).toBe(2);
    expect(
      (await rawGet('/api/packs/malaria/1', asDevice({ 'accept-encoding': 'gzip', 'if-none-match': gz.headers.etag as string }))).status,
    ).toBe(304);

    const refused = await rawGet('/api/packs/malaria/1', asDevice({ 'accept-encoding': 'br;q=0, gzip;q=0' }));
    expect(refused.headers['content-encoding']).toBeUndefined();
  });

  it('downloads as a tablet does: fetch decompresses and the app reader accepts the file', async () => {
    const response = await server.fetch('/api/packs/malaria/1', { headers: asDevice() });
    expect(response.status).toBe(200);
    const pack = await readPack([await response.text()]);
    expect(pack.excerpts).toHaveLength(5);
  });

  it('needs a device token', async () => {
    expect((await server.fetch('/api/packs')).status).toBe(401);
    const download = await server.fetch('/api/packs/malaria/1', { headers: { authorization: 'Bearer not-a-token' } });
    expect(download.status).toBe(401);
    expect(((await download.json()) as ErrorBody).error.code).toBe('auth/invalid-token');
    expect((await server.fetch('/api/packs/unknown/1', { headers: asDevice() })).status).toBe(404);
  });
});
