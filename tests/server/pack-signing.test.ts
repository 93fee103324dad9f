import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoPack } from '../../scripts/demo-pack';
import { runAdmin } from '../../server/src/admin/cli';
import { openDatabase } from '../../server/src/db/database';
import { MIGRATIONS } from '../../server/src/db/migrations';
import { offerDemoPack } from '../../server/src/packs/demo-pack';
import { PackStore } from '../../server/src/packs/pack-store';
import { readPack } from '../../src/core/pack/pack-reader';
import {
  PACK_SIGNATURE_HEADER,
  type PackSignature,
  parsePackSignatureHeader,
  type TrustedKey,
  verifyPackSignature,
} from '../../src/core/pack/pack-signature';
import { makeExcerpts, makePack } from '../fixtures/pack';
import { enrollDevice, startTestServer, type TestServer } from './support/test-server';

interface PackSummary {
  id: string;
  version: string;
  signature: PackSignature | null;
}
interface PublisherKeyEntry extends TrustedKey {
  name: string;
  retired: boolean;
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Runs an admin command as `npm run admin` would, on a data directory. */
async function admin(dataDir: string, ...args: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await runAdmin(['--data', dataDir, ...args], (line) => lines.push(line));
  return { code, output: lines.join('\n') };
}

function packFile(id: string, version: string, tag = version): { path: string; content: string } {
  const content = makePack({ id, version, excerpts: makeExcerpts(3, { tag }) });
  const path = join(tempDir('meditron-signing-files-'), `${id}-${version}.jsonl`);
  writeFileSync(path, content);
  return { path, content };
}

/** A tablet's view of a server: the list, the trusted keys and a pack file with its header. */
function tablet(server: TestServer, token: string) {
  const headers = { authorization: `Bearer ${token}` };
  return {
    async packs(): Promise<PackSummary[]> {
      const response = await server.fetch('/api/packs', { headers });
      expect(response.status).toBe(200);
      return ((await response.json()) as { packs: PackSummary[] }).packs;
    },
    async keys(): Promise<PublisherKeyEntry[]> {
      const response = await server.fetch('/api/publisher-keys', { headers });
      expect(response.status).toBe(200);
      return ((await response.json()) as { keys: PublisherKeyEntry[] }).keys;
    },
    async download(id: string, version: string) {
      const response = await server.fetch(`/api/packs/${id}/${version}`, { headers });
      expect(response.status).toBe(200);
      return { header: response.headers.get(PACK_SIGNATURE_HEADER), text: await response.text() };
    },
  };
}

describe('publisher-key admin command', () => {
  it('creates a key pair once, refuses to overwrite it, and rotates it keeping the old public key as retired', async () => {
    const dataDir = tempDir('meditron-keys-');
    const none = await admin(dataDir, 'publisher-keys');
    expect(none.code).toBe(0);
    expect(none.output).toMatch(/No publisher key/);

    const created = await admin(dataDir, 'publisher-key', '--name', 'Base camp 3');
    expect(created.code).toBe(0);
    const keyId = /key id ([0-9a-f]{16})/.exec(created.output)?.[1];
    const publicKey = /Public key for tablets: ([A-Za-z0-9_-]{43})$/m.exec(created.output)?.[1];
    expect(keyId).toBeDefined();
    expect(publicKey).toBeDefined();
    expect(created.output).toContain('"Base camp 3"');
    const privateKeyFile = join(dataDir, 'publisher', 'private-key.pem');
    expect(readFileSync(privateKeyFile, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(statSync(privateKeyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dataDir, 'publisher', 'public-key.pem'), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);

    const before = readFileSync(privateKeyFile, 'utf8');
    const refused = await admin(dataDir, 'publisher-key');
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(new RegExp(`already exists \\(key id ${keyId}\\).*--rotate`));
    expect(readFileSync(privateKeyFile, 'utf8')).toBe(before);
    expect((await admin(dataDir, 'publisher-keys')).output).toContain(`${keyId}  active`);

    const rotated = await admin(dataDir, 'publisher-key', '--rotate', '--name', 'Base camp 3 (2027)');
    expect(rotated.code).toBe(0);
    expect(rotated.output).toContain(`Retired key ${keyId}`);
    const newKeyId = /key id ([0-9a-f]{16})/.exec(rotated.output)?.[1];
    expect(newKeyId).not.toBe(keyId);
    expect(readFileSync(privateKeyFile, 'utf8')).not.toBe(before);
    expect(statSync(privateKeyFile).mode & 0o777).toBe(0o600);

    const listed = (await admin(dataDir, 'publisher-keys')).output.split('\n');
    expect(listed).toHaveLength(2);
    expect(listed[0]).toMatch(new RegExp(`^${newKeyId}  active .*Base camp 3 \\(2027\\)$`));
    expect(listed[1]).toMatch(new RegExp(`^${keyId}  retired \\S+ .*${publicKey}  Base camp 3$`));
  });

  it('is listed in the admin help', async () => {
    const { output } = await admin(tempDir('meditron-keys-'), 'help');
    expect(output).toMatch(/publisher-key \[--name NAME\] \[--rotate\]/);
    expect(output).toMatch(/publisher-keys/);
  });
});

describe('a clinic without a publisher key', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer();
    token = await enrollDevice(server);
  });
  afterAll(() => server?.close());

  it('still publishes, unsigned, and says so', async () => {
    const dataDir = server.ctx.config.dataDir;
    const { code, output } = await admin(dataDir, 'pack-import', packFile('cholera', '1').path, '--publish');
    expect(code).toBe(0);
    expect(output).toContain('cholera 1: published');
    expect(output).toMatch(/cholera 1 unsigned: this clinic has no publisher key.*publisher-key/);
    expect((await admin(dataDir, 'packs')).output).toMatch(/cholera\s+1\s+3\s+current\s+unsigned/);

    const device = tablet(server, token);
    expect(await device.keys()).toEqual([]);
    expect(await device.packs()).toEqual([expect.objectContaining({ id: 'cholera', version: '1', signature: null })]);
    const { header, text } = await device.download('cholera', '1');
    expect(header).toBeNull();
    const { manifest } = await readPack([text]);
    await expect(verifyPackSignature(manifest, parsePackSignatureHeader(header), [])).rejects.toMatchObject({ code: 'pack/unsigned' });
  });

  it('signs on the next publication once a key is made while the server runs, and signs what is already published', async () => {
    const dataDir = server.ctx.config.dataDir;
    const created = await admin(dataDir, 'publisher-key');
    expect(created.output).toContain('Signed 1 published pack version with it');
    const device = tablet(server, token);
    const keys = await device.keys();
    expect(keys).toEqual([expect.objectContaining({ retired: false })]);
    const [cholera] = await device.packs();
    expect(cholera?.signature?.keyId).toBe(keys[0]!.keyId);

    const response = await server.fetch('/api/admin/packs?publish=true', {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/x-ndjson' },
      body: packFile('cholera', '2').content,
    });
    expect(response.status).toBe(201);
    const listed = await device.packs();
    expect(listed).toEqual([expect.objectContaining({ id: 'cholera', version: '2' })]);
    const { header, text } = await device.download('cholera', '2');
    const { manifest } = await readPack([text]);
    await expect(verifyPackSignature(manifest, parsePackSignatureHeader(header), keys)).resolves.toMatchObject({ ok: true });
    await expect(verifyPackSignature(manifest, listed[0]!.signature, keys)).resolves.toMatchObject({ ok: true });
  });
});

describe('a clinic with a publisher key', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer();
    token = await enrollDevice(server);
    expect((await admin(server.ctx.config.dataDir, 'publisher-key', '--name', 'Clinic A')).code).toBe(0);
  });
  afterAll(() => server?.close());

  it('signs with pack-import --publish; the list and the header carry a signature the published keys accept', async () => {
    const dataDir = server.ctx.config.dataDir;
    const { code, output } = await admin(dataDir, 'pack-import', packFile('malaria', '1').path, '--publish');
    expect(code).toBe(0);
    const device = tablet(server, token);
    const keys = await device.keys();
    expect(keys).toEqual([
      { keyId: expect.stringMatching(/^[0-9a-f]{16}$/), publicKey: expect.any(String), name: 'Clinic A', retired: false },
    ]);
    expect(output).toContain(`malaria 1: signed with publisher key ${keys[0]!.keyId}`);
    expect((await admin(dataDir, 'packs')).output).toMatch(new RegExp(`malaria\\s+1\\s+3\\s+current\\s+key ${keys[0]!.keyId}`));

    const [listed] = await device.packs();
    const { header, text } = await device.download('malaria', '1');
    expect(header).toBe(`${listed!.signature!.keyId}.${listed!.signature!.signature}`);
    const { manifest } = await readPack([text]);
    await expect(verifyPackSignature(manifest, listed!.signature, keys)).resolves.toEqual({ ok: true, key: { ...keys[0] } });
    // The signature belongs to this manifest only.
    await expect(verifyPackSignature({ ...manifest, title: 'Changed' }, listed!.signature, keys)).rejects.toMatchObject({
      code: 'pack/bad-signature',
    });
  });

  it('signs with pack-publish and the admin publish route, rollbacks included', async () => {
    const dataDir = server.ctx.config.dataDir;
    expect((await admin(dataDir, 'pack-import', packFile('malaria', '2').path)).code).toBe(0);
    const published = await admin(dataDir, 'pack-publish', 'malaria', '2');
    expect(published.output).toMatch(/malaria 2: signed with publisher key/);

    const response = await server.fetch('/api/admin/packs/malaria/1/publish', {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as PackSummary & { status: string };
    expect(body).toMatchObject({ version: '1', status: 'current', signature: { keyId: expect.any(String) } });

    const device = tablet(server, token);
    const keys = await device.keys();
    for (const version of ['1', '2']) {
      const { header, text } = await device.download('malaria', version);
      const { manifest } = await readPack([text]);
      await expect(verifyPackSignature(manifest, parsePackSignatureHeader(header), keys)).resolves.toMatchObject({ ok: true });
    }
  });

  it('after a rotation, re-signs published versions with the new key and lists the old one as retired', async () => {
    const dataDir = server.ctx.config.dataDir;
    const device = tablet(server, token);
    const [oldKey] = await device.keys();
    const { header: oldHeader } = await device.download('malaria', '1');
    const rotated = await admin(dataDir, 'publisher-key', '--rotate');
    expect(rotated.output).toContain('Signed 2 published pack versions with it');

    const keys = await device.keys();
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatchObject({ retired: false });
    expect(keys[1]).toMatchObject({ keyId: oldKey!.keyId, publicKey: oldKey!.publicKey, retired: true });
    const { header, text } = await device.download('malaria', '1');
    const { manifest } = await readPack([text]);
    expect(parsePackSignatureHeader(header)?.keyId).toBe(keys[0]!.keyId);
    await expect(verifyPackSignature(manifest, parsePackSignatureHeader(header), [keys[0]!])).resolves.toMatchObject({ ok: true });
    // A tablet still holding the old signature and only the old key keeps accepting it.
    await expect(verifyPackSignature(manifest, parsePackSignatureHeader(oldHeader), [oldKey!])).resolves.toMatchObject({ ok: true });
    // A tablet given only the new key refuses the old signature.
    await expect(verifyPackSignature(manifest, parsePackSignatureHeader(oldHeader), [keys[0]!])).rejects.toMatchObject({
      code: 'pack/untrusted-key',
    });
  });

  it('needs a device token for the keys', async () => {
    expect((await server.fetch('/api/publisher-keys')).status).toBe(401);
  });
});

describe('the demo pack at first start', () => {
  const stores: { close(): void }[] = [];
  afterEach(() => {
    for (const db of stores.splice(0)) db.close();
  });

  function setUp() {
    const dataDir = tempDir('meditron-demo-signing-');
    const staticDir = tempDir('meditron-static-');
    mkdirSync(join(staticDir, 'packs'));
    writeFileSync(join(staticDir, 'packs', 'demo.pack.jsonl'), buildDemoPack());
    const db = openDatabase(join(dataDir, 'clinic.sqlite'));
    stores.push(db);
    return { dataDir, staticDir, store: new PackStore(db, dataDir) };
  }

  it('is published unsigned with a log line when there is no key', async () => {
    const { store, staticDir } = setUp();
    const lines: string[] = [];
    expect(await offerDemoPack(store, staticDir, (line) => lines.push(line))).toBe(true);
    expect(store.current()[0]?.signature).toBeNull();
    expect(lines).toEqual([expect.stringMatching(/demo pack .* unsigned.*publisher-key/)]);
  });

  it('is signed when a key exists', async () => {
    const { store, staticDir } = setUp();
    store.keys.create({ name: 'Trainer laptop' });
    const lines: string[] = [];
    expect(await offerDemoPack(store, staticDir, (line) => lines.push(line))).toBe(true);
    const [demo] = store.current();
    expect(lines).toEqual([]);
    const trusted = store.keys.list().map(({ keyId, publicKey }) => ({ keyId, publicKey }));
    await expect(verifyPackSignature(demo!.manifest, demo!.signature, trusted)).resolves.toMatchObject({ ok: true });
  });
});

describe('the signature migration', () => {
  it('adds the column to an existing database and keeps its packs, unsigned', () => {
    const dataDir = tempDir('meditron-migration-');
    const file = join(dataDir, 'clinic.sqlite');
    const old = new Database(file);
    for (const sql of MIGRATIONS.slice(0, 3)) old.exec(sql);
    old.pragma('user_version = 3');
    old
      .prepare('INSERT INTO packs (id, version, manifest, file, size, etag, imported_at, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(
        'old',
        '1',
        JSON.stringify({ id: 'old', version: '1' }),
        'packs/old/1.jsonl',
        10,
        '"e"',
        '2026-01-01T00:00:00Z',
        '2026-01-02T00:00:00Z',
      );
    old.close();

    const db = openDatabase(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(db.prepare('SELECT id, version, published_at, signature FROM packs').all()).toEqual([
        { id: 'old', version: '1', published_at: '2026-01-02T00:00:00Z', signature: null },
      ]);
      const [stored] = new PackStore(db, dataDir).current();
      expect(stored).toMatchObject({ status: 'current', signature: null });
    } finally {
      db.close();
    }
  });
});
