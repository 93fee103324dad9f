import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../fixtures/random';
import { enrollDevice, startTestServer, type TestServer } from './support/test-server';

// The mirror serves bytes and never parses them, so a fake layout of small files stands in for
// real models: web-llm's directory tree, a model library, and GGUF files (one of them split).
const MODEL = 'Tiny-q4f16_1-MLC';
const LAYOUT: Record<string, Buffer> = {
  [`${MODEL}/resolve/main/mlc-chat-config.json`]: Buffer.from(JSON.stringify({ model_type: 'llama', context_window_size: 2048 })),
  [`${MODEL}/resolve/main/tensor-cache.json`]: Buffer.from(JSON.stringify({ records: [{ dataPath: 'params_shard_0.bin' }] })),
  [`${MODEL}/resolve/main/params_shard_0.bin`]: randomBytes(300 * 1024, 1),
  [`${MODEL}/resolve/main/tokenizer.json`]: Buffer.from(JSON.stringify({ model: { type: 'BPE' } })),
  [`${MODEL}/Tiny-q4f16_1-webgpu.wasm`]: Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]),
  'tiny-model.gguf': randomBytes(4096, 2),
  'big-00001-of-00002.gguf': randomBytes(2000, 3),
  'big-00002-of-00002.gguf': randomBytes(1000, 4),
  'README.md': Buffer.from('Not a model file: never served.'),
};
const SHARD = `${MODEL}/resolve/main/params_shard_0.bin`;

function randomBytes(length: number, seed: number): Buffer {
  const random = seededRandom(seed);
  return Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
}

let server: TestServer;
let device: string;
let outside: string;

beforeAll(async () => {
  server = await startTestServer();
  device = await enrollDevice(server);
  const { modelsDir, dataDir } = server.ctx.config;
  for (const [path, bytes] of Object.entries(LAYOUT)) {
    mkdirSync(dirname(join(modelsDir, path)), { recursive: true });
    writeFileSync(join(modelsDir, path), bytes);
  }
  // Files with a served extension beside and outside the models directory, for the escape attempts.
  writeFileSync(join(dataDir, 'secret.json'), '{"secret":true}');
  outside = mkdtempSync(join(tmpdir(), 'meditron-outside-'));
  writeFileSync(join(outside, 'elsewhere.json'), '{"elsewhere":true}');
  symlinkSync(join(outside, 'elsewhere.json'), join(modelsDir, 'link-out.json'));
  symlinkSync(outside, join(modelsDir, 'dir-out'));
  symlinkSync(join(modelsDir, 'tiny-model.gguf'), join(modelsDir, 'link-in.gguf'));
});

afterAll(async () => {
  await server?.close();
  rmSync(outside, { recursive: true, force: true });
});

const auth = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${device}`, ...extra });

function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
  return server.fetch(path, { method, headers: auth(headers) });
}

async function bytesOf(response: Response | Awaited<ReturnType<TestServer['fetch']>>): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

/** Sends the path exactly as written: fetch would resolve `..` and `%2e%2e` before sending. */
async function rawGet(path: string): Promise<{ status: number; message: string }> {
  const response = await server.dispatcher.request({ origin: server.url, path, method: 'GET', headers: auth() });
  const body = (await response.body.json()) as { error: { message: string } };
  return { status: response.statusCode, message: body.error.message };
}

describe('model catalog', () => {
  it('lists the web-llm model and the GGUF models with their files and sizes', async () => {
    const response = await get('/api/models/catalog');
    expect(response.status).toBe(200);
    const { models } = (await response.json()) as { models: Record<string, unknown>[] };
    const sizeOf = (path: string) => LAYOUT[path]!.length;
    const webllmFiles = Object.keys(LAYOUT)
      .filter((p) => p.startsWith(`${MODEL}/`))
      .sort()
      .map((path) => ({ path, size: sizeOf(path) }));
    expect(models).toEqual([
      {
        id: MODEL,
        kind: 'webllm',
        files: webllmFiles,
        totalBytes: webllmFiles.reduce((n, f) => n + f.size, 0),
        url: `/models/${MODEL}/`,
        modelLib: `${MODEL}/Tiny-q4f16_1-webgpu.wasm`,
      },
      {
        id: 'big',
        kind: 'gguf',
        files: [
          { path: 'big-00001-of-00002.gguf', size: 2000 },
          { path: 'big-00002-of-00002.gguf', size: 1000 },
        ],
        totalBytes: 3000,
        url: '/models/big-00001-of-00002.gguf',
      },
      // A symlink that stays inside the directory is followed.
      { id: 'link-in', kind: 'gguf', files: [{ path: 'link-in.gguf', size: 4096 }], totalBytes: 4096, url: '/models/link-in.gguf' },
      {
        id: 'tiny-model',
        kind: 'gguf',
        files: [{ path: 'tiny-model.gguf', size: 4096 }],
        totalBytes: 4096,
        url: '/models/tiny-model.gguf',
      },
    ]);
  });
});

describe('model files', () => {
  it('serves whole files with their content type, a strong ETag and no-cache', async () => {
    const response = await get(`/models/${SHARD}`);
    expect(response.status).toBe(200);
    expect((await bytesOf(response)).equals(LAYOUT[SHARD]!)).toBe(true);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('content-length')).toBe(String(LAYOUT[SHARD]!.length));
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);

    const wasm = await get(`/models/${MODEL}/Tiny-q4f16_1-webgpu.wasm`);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect((await bytesOf(wasm)).equals(LAYOUT[`${MODEL}/Tiny-q4f16_1-webgpu.wasm`]!)).toBe(true);
    const config = await get(`/models/${MODEL}/resolve/main/mlc-chat-config.json`);
    expect(config.headers.get('content-type')).toBe('application/json');
    expect(await config.json()).toEqual({ model_type: 'llama', context_window_size: 2048 });
    const gguf = await get('/models/tiny-model.gguf');
    expect((await bytesOf(gguf)).equals(LAYOUT['tiny-model.gguf']!)).toBe(true);
  });

  it('serves byte ranges: first bytes, middle, suffix and open-ended', async () => {
    const file = LAYOUT[SHARD]!;
    const size = file.length;
    const cases: [string, number, number][] = [
      ['bytes=0-99', 0, 99],
      ['bytes=1000-1999', 1000, 1999],
      ['bytes=-100', size - 100, size - 1],
      [`bytes=${size - 10}-`, size - 10, size - 1],
      // An end past the file is clamped to it.
      [`bytes=${size - 5}-${size + 500}`, size - 5, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const response = await get(`/models/${SHARD}`, { range });
      expect(response.status, range).toBe(206);
      expect(response.headers.get('content-range'), range).toBe(`bytes ${start}-${end}/${size}`);
      expect(response.headers.get('content-length'), range).toBe(String(end - start + 1));
      expect((await bytesOf(response)).equals(file.subarray(start, end + 1)), range).toBe(true);
    }
  });

  it('answers a range past the end with 416 and the size', async () => {
    const size = LAYOUT[SHARD]!.length;
    const response = await get(`/models/${SHARD}`, { range: `bytes=${size}-` });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${size}`);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('range/not-satisfiable');
  });

  it('ignores ranges it does not serve and sends the whole file', async () => {
    const response = await get(`/models/${SHARD}`, { range: 'bytes=0-1,5-6' });
    expect(response.status).toBe(200);
    expect((await bytesOf(response)).length).toBe(LAYOUT[SHARD]!.length);
  });

  it('revalidates with If-None-Match and honours If-Range only with the current ETag', async () => {
    const etag = (await get(`/models/${SHARD}`, {}, 'HEAD')).headers.get('etag')!;
    const revalidated = await get(`/models/${SHARD}`, { 'if-none-match': etag });
    expect(revalidated.status).toBe(304);
    expect((await bytesOf(revalidated)).length).toBe(0);

    const current = await get(`/models/${SHARD}`, { range: 'bytes=0-9', 'if-range': etag });
    expect(current.status).toBe(206);
    expect((await bytesOf(current)).length).toBe(10);
    // The file changed since the client's partial copy: it gets the whole new file, not a mixed one.
    const stale = await get(`/models/${SHARD}`, { range: 'bytes=0-9', 'if-range': '"0-0"' });
    expect(stale.status).toBe(200);
    expect((await bytesOf(stale)).equals(LAYOUT[SHARD]!)).toBe(true);
  });

  it('answers HEAD with the length and no body', async () => {
    const response = await get(`/models/${SHARD}`, {}, 'HEAD');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(LAYOUT[SHARD]!.length));
    expect((await bytesOf(response)).length).toBe(0);
  });

  it('never serves anything outside the models directory, or files that are not model files', async () => {
    const attempts = [
      '/models/../clinic.sqlite',
      '/models/../secret.json',
      '/models/%2e%2e/admin-token',
      '/models/%2e%2e/secret.json',
      '/models/..%2fsecret.json',
      `/models/${MODEL}/..%2f..%2fsecret.json`,
      `/models/%2F${encodeURIComponent(join(server.ctx.config.dataDir, 'secret.json').slice(1))}`,
      '/models//etc/passwd',
      '/models/link-out.json',
      '/models/dir-out/elsewhere.json',
      '/models/README.md',
      `/models/${MODEL}/resolve/main/`,
      '/models/missing.gguf',
    ];
    // Each answer comes from the mirror's own check, not from some other route.
    for (const path of attempts) expect(await rawGet(path), path).toEqual({ status: 404, message: 'No such model file.' });
  });

  it('needs a device token', async () => {
    expect((await server.fetch(`/models/${SHARD}`)).status).toBe(401);
    expect((await server.fetch('/api/models/catalog')).status).toBe(401);
    expect((await server.fetch('/models/tiny-model.gguf', { headers: { authorization: `Bearer ${server.adminToken}` } })).status).toBe(401);
  });
});
