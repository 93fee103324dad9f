import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../server/src/admin/cli';
import { PackDeltas } from '../../server/src/packs/pack-deltas';
import { PackStore } from '../../server/src/packs/pack-store';
import { applyDelta, readDelta } from '../../src/core/pack/pack-delta';
import { contentHash, writePack } from '../../src/core/pack/pack-reader';
import type { Excerpt } from '../../src/core/pack/pack-schema';
import { makeExcerpts, makePackParts } from '../fixtures/pack';
import { enrollDevice, startTestServer, type TestServer } from './support/test-server';

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

let server: TestServer;
let device: string;
let files: string;

const ID = 'delta-pack';
/** Excerpts of a realistic length: a guideline paragraph each. */
const paragraph = 'Check for danger signs, weigh the child and record the findings before giving any treatment. ';
const v1Excerpts = makeExcerpts(200).map((e) => ({ ...e, text: `${e.text} ${paragraph.repeat(4)}` }));
/** Version 2: 5% of the excerpts revised. */
const v2Excerpts = v1Excerpts.map((e, i) => (i % 20 === 7 ? { ...e, text: `${e.text} Revised in 2026.` } : e));
const v1 = makePackParts({ id: ID, version: '1', excerpts: v1Excerpts });
const v2 = makePackParts({ id: ID, version: '2', excerpts: v2Excerpts });

const dataDir = () => server.ctx.config.dataDir;
const deltaDir = () => join(dataDir(), 'packs', ID, 'deltas');
const asDevice = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${device}`, ...extra });

async function admin(...args: string[]): Promise<void> {
  const lines: string[] = [];
  const code = await runAdmin(['--data', dataDir(), ...args], (line) => lines.push(line));
  expect(code, lines.join('\n')).toBe(0);
}

async function importPack(version: string, excerpts: Excerpt[], publish = true): Promise<void> {
  const file = join(files, `${ID}-${version}.jsonl`);
  const { manifest } = makePackParts({ id: ID, version, excerpts });
  writeFileSync(file, writePack(manifest, excerpts));
  await admin('pack-import', file, ...(publish ? ['--publish'] : []));
}

/** A raw request: undici's fetch would decompress the body and hide the encoding. */
async function rawGet(path: string, headers: Record<string, string>) {
  const response = await server.dispatcher.request({ origin: server.url, path, method: 'GET', headers });
  return { status: response.statusCode, headers: response.headers, body: Buffer.from(await response.body.arrayBuffer()) };
}

async function noDelta(from: string, to = '2'): Promise<ErrorBody['error']> {
  const response = await rawGet(`/api/packs/${ID}/${to}/delta?from=${from}`, asDevice());
  expect(response.status).toBe(404);
  return (JSON.parse(response.body.toString('utf8')) as ErrorBody).error;
}

beforeAll(async () => {
  server = await startTestServer();
  device = await enrollDevice(server);
  files = await mkdtemp(join(tmpdir(), 'meditron-delta-files-'));
  await admin('publisher-key', '--name', 'Delta clinic');
  await importPack('1', v1Excerpts);
  await importPack('2', v2Excerpts);
});

afterAll(async () => {
  await server?.close();
  rmSync(files, { recursive: true, force: true });
});

describe('pack delta route', () => {
  it('is made when the version is published, before any tablet asks', () => {
    expect(readdirSync(deltaDir()).sort()).toEqual(['1-2.ndjson', '1-2.ndjson.br', '1-2.ndjson.gz']);
  });

  it('sends what changed since v1, which turns v1 into v2', async () => {
    const response = await rawGet(`/api/packs/${ID}/2/delta?from=1`, asDevice());
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-ndjson');
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers['x-pack-delta-from']).toBe('1');
    expect(response.headers.etag).toMatch(/^"sha256-[0-9a-f]{64}"$/);

    const delta = await readDelta([response.body.toString('utf8')]);
    const result = applyDelta(v1.manifest, v1.excerpts, delta);
    expect(contentHash(result.excerpts)).toBe(v2.manifest.contentHash);
    expect(result.manifest).toEqual(v2.manifest);
    expect(result.stats).toEqual({ kept: 190, added: 0, changed: 10, removed: 0 });
    // 10 excerpts of 200 and the manifest: a small fraction of the full pack.
    const full = Buffer.byteLength(writePack(v2.manifest, v2.excerpts));
    expect(response.body.length).toBeLessThan(full * 0.1);
  });

  it("carries the target version's signature, as the full pack does", async () => {
    const full = await rawGet(`/api/packs/${ID}/2`, asDevice());
    const delta = await rawGet(`/api/packs/${ID}/2/delta?from=1`, asDevice());
    expect(full.headers['x-pack-signature']).toMatch(/^[0-9a-f]{16}\./);
    expect(delta.headers['x-pack-signature']).toBe(full.headers['x-pack-signature']);
  });

  it('is sent as gzip or brotli when the client accepts them', async () => {
    const identity = await rawGet(`/api/packs/${ID}/2/delta?from=1`, asDevice());
    const gz = await rawGet(`/api/packs/${ID}/2/delta?from=1`, asDevice({ 'accept-encoding': 'gzip' }));
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toBe('Accept-Encoding');
    expect(gunzipSync(gz.body).equals(identity.body)).toBe(true);
    const br = await rawGet(`/api/packs/${ID}/2/delta?from=1`, asDevice({ 'accept-encoding': 'gzip, deflate, br' }));
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).equals(identity.body)).toBe(true);
    expect(new Set([identity.headers.etag, gz.headers.etag, br.headers.etag]).size).toBe(3);
    expect(
      (await rawGet(`/api/packs/${ID}/2/delta?from=1`, asDevice({ 'accept-encoding': 'br', 'if-none-match': br.headers.etag as string })))
        .status,
    ).toBe(304);
  });

  it('is made once and kept on disk', async () => {
    const first = await rawGet(`/api/packs/${ID}/2/delta?from=1`, asDevice());
    const second = await rawGet(`/api/packs/${ID}/2/delta?from=1`, asDevice());
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(readdirSync(deltaDir()).sort()).toEqual(['1-2.ndjson', '1-2.ndjson.br', '1-2.ndjson.gz']);
    expect(readFileSync(join(deltaDir(), '1-2.ndjson')).equals(first.body)).toBe(true);
  });

  it('is made once when many tablets ask at the same moment', async () => {
    await importPack('3', [...v2Excerpts.slice(0, 150), ...makeExcerpts(5, { from: 900 }), ...v2Excerpts.slice(150)]);
    const responses = await Promise.all(Array.from({ length: 6 }, () => rawGet(`/api/packs/${ID}/3/delta?from=2`, asDevice())));
    expect(responses.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(new Set(responses.map((r) => r.headers.etag)).size).toBe(1);
    expect(readdirSync(deltaDir()).filter((f) => f.startsWith('2-3.'))).toHaveLength(3);

    // The same outcome object for simultaneous callers: one computation, shared.
    const store = new PackStore(server.ctx.db, dataDir());
    const deltas = new PackDeltas(store);
    const to = store.get(ID, '3')!;
    const [a, b] = await Promise.all([deltas.delta(to, '1'), deltas.delta(to, '1')]);
    expect(a).toBe(b);
    expect(a).toMatchObject({ delta: { path: join(deltaDir(), '1-3.ndjson') } });
  });

  it('is not offered from a version the server does not have, or one not older', async () => {
    expect(await noDelta('0.5')).toMatchObject({
      code: 'request/not-found',
      message: expect.stringMatching(/does not have that version\. Download the full pack instead\.$/),
      details: { reason: 'from-unknown', from: '0.5' },
    });
    expect(await noDelta('2')).toMatchObject({ details: { reason: 'from-not-older' } });
    expect(await noDelta('3')).toMatchObject({ details: { reason: 'from-not-older' } });
  });

  it('is not offered when it would be more than half the full pack', async () => {
    await importPack(
      '0.9',
      makeExcerpts(200, { tag: 'old' }).map((e) => ({ ...e, text: `${e.text} ${paragraph.repeat(4)}` })),
    );
    expect(await noDelta('0.9')).toMatchObject({
      message: expect.stringMatching(/more than half the pack\. Download the full pack instead\.$/),
      details: { reason: 'too-large' },
    });
    expect(readdirSync(deltaDir()).filter((f) => f.startsWith('0.9-'))).toEqual([]);
  });

  it('is only offered to a published version', async () => {
    await importPack('4', v2Excerpts.slice(1), false);
    expect(await noDelta('2', '4')).toMatchObject({ code: 'request/not-found', message: `No published pack ${ID} version 4.` });
    expect((await rawGet(`/api/packs/${ID}/2/delta`, asDevice())).status).toBe(400);
    expect((await rawGet(`/api/packs/${ID}/2/delta?from=..%2F1`, asDevice())).status).toBe(400);
  });

  it('needs a device token', async () => {
    const response = await rawGet(`/api/packs/${ID}/2/delta?from=1`, {});
    expect(response.status).toBe(401);
    expect((await rawGet(`/api/packs/${ID}/2/delta?from=1`, { authorization: 'Bearer not-a-token' })).status).toBe(401);
  });
});

describe('resuming a download through compression', () => {
  for (const [what, path] of [
    ['a pack', `/api/packs/${ID}/2`],
    ['a delta', `/api/packs/${ID}/2/delta?from=1`],
  ] as const) {
    it(`sends ${what} from an offset of the decoded bytes, the brotli ETag holding for If-Range`, async () => {
      const br = await rawGet(path, asDevice({ 'accept-encoding': 'gzip, deflate, br' }));
      expect(br.headers['content-encoding']).toBe('br');
      const decoded = brotliDecompressSync(br.body);
      const offset = Math.floor(decoded.length / 3);

      const resumed = await rawGet(
        path,
        asDevice({ 'accept-encoding': 'gzip, deflate, br', range: `bytes=${offset}-`, 'if-range': br.headers.etag as string }),
      );
      expect(resumed.status).toBe(206);
      expect(resumed.headers['content-encoding']).toBeUndefined();
      expect(resumed.headers['content-range']).toBe(`bytes ${offset}-${decoded.length - 1}/${decoded.length}`);
      expect(Buffer.concat([decoded.subarray(0, offset), resumed.body]).equals(decoded)).toBe(true);

      const identity = await rawGet(path, asDevice());
      const gz = await rawGet(path, asDevice({ 'accept-encoding': 'gzip' }));
      for (const etag of [identity.headers.etag, gz.headers.etag] as string[]) {
        expect((await rawGet(path, asDevice({ 'accept-encoding': 'br', range: 'bytes=0-9', 'if-range': etag }))).status).toBe(206);
      }
    });
  }

  it('sends the whole identity file when If-Range names another version', async () => {
    const stale = await rawGet(
      `/api/packs/${ID}/2`,
      asDevice({ 'accept-encoding': 'br', range: 'bytes=100-', 'if-range': `"${v1.manifest.contentHash}.br"` }),
    );
    expect(stale.status).toBe(200);
    expect(stale.headers['content-encoding']).toBeUndefined();
    expect(stale.body.equals(readFileSync(join(dataDir(), 'packs', ID, '2.jsonl')))).toBe(true);
  });
});
