import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cookieValue } from '../../server/src/auth/guards';
import { ModelCatalog } from '../../server/src/models/catalog';
import type { CatalogModel } from '../../src/core/models/catalog';
import { seededRandom } from '../fixtures/random';
import { tinyModelPath } from '../fixtures/tiny-model';
import { enrollDevice, startTestServer, type TestServer } from './support/test-server';

// The mirror serves bytes as they are; the catalog reads only GGUF headers and web-llm's config. So web-llm
// models are a fake layout of small files with a real-looking config, and GGUF models are the generated tiny
// models (`tiny` with a chat template, `base` without), whole, split, or cut short.
const MODEL = 'Tiny-q4f16_1-MLC';
const F32_MODEL = 'Tiny-q4f32_1-MLC';
const F16_CONFIG = {
  model_type: 'llama',
  quantization: 'q4f16_1',
  context_window_size: 8192,
  model_config: { num_hidden_layers: 4, hidden_size: 256, num_attention_heads: 8, num_key_value_heads: 2 },
};
// A sliding-window model (no fixed context window), without grouped-query attention, with its own head size.
const F32_CONFIG = {
  model_type: 'mistral',
  quantization: 'q4f32_1',
  context_window_size: -1,
  sliding_window_size: 1024,
  model_config: { num_hidden_layers: 2, hidden_size: 128, num_attention_heads: 4, head_dim: 64 },
};
const LAYOUT: Record<string, Buffer> = {
  [`${MODEL}/resolve/main/mlc-chat-config.json`]: Buffer.from(JSON.stringify(F16_CONFIG)),
  [`${MODEL}/resolve/main/tensor-cache.json`]: Buffer.from(JSON.stringify({ records: [{ dataPath: 'params_shard_0.bin' }] })),
  [`${MODEL}/resolve/main/params_shard_0.bin`]: randomBytes(300 * 1024, 1),
  [`${MODEL}/resolve/main/params_shard_1.bin`]: randomBytes(100 * 1024, 5),
  [`${MODEL}/resolve/main/tokenizer.json`]: Buffer.from(JSON.stringify({ model: { type: 'BPE' } })),
  [`${MODEL}/Tiny-q4f16_1-webgpu.wasm`]: Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]),
  [`${F32_MODEL}/resolve/main/mlc-chat-config.json`]: Buffer.from(JSON.stringify(F32_CONFIG)),
  [`${F32_MODEL}/resolve/main/params_shard_0.bin`]: randomBytes(50 * 1024, 6),
  [`${F32_MODEL}/Tiny-q4f32_1-webgpu.wasm`]: Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]),
  // Left out of the catalog: a config that is not JSON, and GGUF files that are cut short or not GGUF at all.
  'Broken-MLC/resolve/main/mlc-chat-config.json': Buffer.from('{"quantization": "q4f16_1", '),
  'Broken-MLC/resolve/main/params_shard_0.bin': randomBytes(1000, 7),
  'not-a-model.gguf': randomBytes(4096, 2),
  'big-00002-of-00002.gguf': randomBytes(1000, 4),
  'README.md': Buffer.from('Not a model file: never served.'),
};
const SHARD = `${MODEL}/resolve/main/params_shard_0.bin`;
const MiB = 2 ** 20;

function randomBytes(length: number, seed: number): Buffer {
  const random = seededRandom(seed);
  return Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
}

let server: TestServer;
let device: string;
let outside: string;

beforeAll(async () => {
  const tiny = readFileSync(await tinyModelPath('tiny'));
  LAYOUT['tiny-model.gguf'] = tiny;
  LAYOUT['base-model.gguf'] = readFileSync(await tinyModelPath('base'));
  LAYOUT['big-00001-of-00002.gguf'] = tiny;
  LAYOUT['truncated.gguf'] = tiny.subarray(0, 1000);
  server = await startTestServer();
  device = await enrollDevice(server);
  const { modelsDir, dataDir } = server.ctx.config;
  writeLayout(modelsDir, LAYOUT);
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

function writeLayout(dir: string, layout: Record<string, Buffer>): void {
  for (const [path, bytes] of Object.entries(layout)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
}

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

function filesOf(prefix: string): { path: string; size: number }[] {
  return Object.keys(LAYOUT)
    .filter((p) => p.startsWith(prefix))
    .sort()
    .map((path) => ({ path, size: LAYOUT[path]!.length }));
}

/** A GGUF model built from the tiny model's shape: KV cache 2 layers × 2 KV heads × (16 + 16) × 2 bytes × 4096 tokens = 1 MiB. */
function tinyGguf(id: string, paths: string[], promptProfile: 'chat' | 'completion' = 'chat'): CatalogModel {
  const files = paths.map((path) => ({ path, size: LAYOUT[path]?.length ?? LAYOUT['tiny-model.gguf']!.length }));
  const totalBytes = files.reduce((n, f) => n + f.size, 0);
  return {
    id,
    kind: 'gguf',
    files,
    totalBytes,
    url: `/models/${paths[0]}`,
    requirements: { memoryBytes: totalBytes + 1 * MiB + 256 * MiB, shaderF16: false, contextTokens: 4096, promptProfile },
  };
}

describe('model catalog', () => {
  it('lists web-llm and GGUF models with their files, sizes and requirements', async () => {
    const response = await get('/api/models/catalog');
    expect(response.status).toBe(200);
    const { models } = (await response.json()) as { models: CatalogModel[] };
    const f16Files = filesOf(`${MODEL}/`);
    const f32Files = filesOf(`${F32_MODEL}/`);
    expect(models).toEqual([
      {
        id: MODEL,
        kind: 'webllm',
        files: f16Files,
        totalBytes: f16Files.reduce((n, f) => n + f.size, 0),
        url: `/models/${MODEL}/`,
        modelLib: `${MODEL}/Tiny-q4f16_1-webgpu.wasm`,
        requirements: {
          // The .bin shards, the KV cache (2 × 4 layers × 2 KV heads × 32 per head × 2 bytes × 4096 tokens), overhead.
          memoryBytes: 400 * 1024 + 4 * MiB + 128 * MiB,
          shaderF16: true,
          contextTokens: 4096,
          promptProfile: 'chat',
        },
      },
      {
        id: F32_MODEL,
        kind: 'webllm',
        files: f32Files,
        totalBytes: f32Files.reduce((n, f) => n + f.size, 0),
        url: `/models/${F32_MODEL}/`,
        modelLib: `${F32_MODEL}/Tiny-q4f32_1-webgpu.wasm`,
        requirements: {
          // KV cache: 2 × 2 layers × 4 heads × 64 per head × 4 bytes (f32) × the 1024-token sliding window.
          memoryBytes: 50 * 1024 + 4 * MiB + 128 * MiB,
          shaderF16: false,
          contextTokens: 1024,
          promptProfile: 'chat',
        },
      },
      tinyGguf('base-model', ['base-model.gguf'], 'completion'),
      // A split model's requirements come from its first part; its memory counts every part.
      tinyGguf('big', ['big-00001-of-00002.gguf', 'big-00002-of-00002.gguf']),
      // A symlink that stays inside the directory is followed.
      tinyGguf('link-in', ['link-in.gguf']),
      tinyGguf('tiny-model', ['tiny-model.gguf']),
    ]);
  });
});

describe('model catalog requirements', () => {
  let dir: string;
  let warnings: Record<string, unknown>[];
  const log = {
    warn: (fields: Record<string, unknown>) => warnings.push(fields),
  } as unknown as FastifyBaseLogger;
  /** The catalog keeps a scan for 5 seconds: each call here looks again. */
  const rescan = (catalog: ModelCatalog) => {
    vi.setSystemTime(Date.now() + 6000);
    return catalog.models();
  };
  const ids = (models: CatalogModel[]) => models.map((m) => m.id);

  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterAll(() => vi.useRealTimers());
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves out a model it cannot read, warns once per version of its file, and lists it once fixed', async () => {
    dir = mkdtempSync(join(tmpdir(), 'meditron-catalog-'));
    warnings = [];
    const tiny = LAYOUT['tiny-model.gguf']!;
    writeLayout(dir, {
      'good.gguf': tiny,
      'cut.gguf': tiny.subarray(0, 5000),
      'Broken-MLC/resolve/main/mlc-chat-config.json': Buffer.from('{}'),
    });
    const catalog = new ModelCatalog(dir, log);

    for (let i = 0; i < 3; i++) expect(ids(await rescan(catalog))).toEqual(['good']);
    expect(warnings).toEqual([
      { model: 'Broken-MLC', file: 'Broken-MLC/resolve/main/mlc-chat-config.json', reason: expect.stringMatching(/no known quantization/) },
      { model: 'cut', file: 'cut.gguf', reason: expect.stringMatching(/ends inside its metadata.*copy it again/) },
    ]);

    writeLayout(dir, {
      'cut.gguf': tiny,
      'Broken-MLC/resolve/main/mlc-chat-config.json': Buffer.from(JSON.stringify({ ...F16_CONFIG, model_config: {} })),
    });
    expect(ids(await rescan(catalog))).toEqual(['cut', 'good']);
    expect(warnings.slice(2)).toEqual([
      {
        model: 'Broken-MLC',
        file: 'Broken-MLC/resolve/main/mlc-chat-config.json',
        reason: expect.stringMatching(/no model_config.*compile the model again/),
      },
    ]);
  });

  it('takes the context from the config, capped for tablets, with a fallback when it has none', async () => {
    dir = mkdtempSync(join(tmpdir(), 'meditron-catalog-'));
    warnings = [];
    const config = (extra: object) =>
      Buffer.from(JSON.stringify({ ...F32_CONFIG, context_window_size: -1, sliding_window_size: -1, ...extra }));
    writeLayout(dir, {
      'Capped-MLC/resolve/main/mlc-chat-config.json': config({ context_window_size: 32768 }),
      'None-MLC/resolve/main/mlc-chat-config.json': config({}),
      'Gpt2-MLC/resolve/main/mlc-chat-config.json': config({ quantization: 'q0f16', model_config: { n_layer: 2, n_embd: 64, n_head: 2 } }),
    });
    const models = await rescan(new ModelCatalog(dir, log));
    expect(models.map((m) => [m.id, m.requirements.contextTokens, m.requirements.shaderF16])).toEqual([
      ['Capped-MLC', 4096, false],
      ['Gpt2-MLC', 2048, true],
      ['None-MLC', 2048, false],
    ]);
    // No shards, so memory is the KV cache and the overhead: 2 × 2 layers × 2 heads × 32 per head × 2 bytes × 2048 tokens.
    expect(models[1]!.requirements.memoryBytes).toBe(1 * MiB + 128 * MiB);
    expect(warnings).toEqual([]);
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
    expect(await config.json()).toEqual(F16_CONFIG);
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

describe('model files for a web worker', () => {
  const COOKIE = /^meditron_models=([\w-]+); Path=\/models; HttpOnly; Secure; SameSite=Strict; Max-Age=2592000$/;

  async function accessCookie(token: string): Promise<string> {
    const response = await server.fetch('/api/models/access', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(204);
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(COOKIE);
    return setCookie.split(';')[0]!;
  }

  const withCookie = (cookie: string, path = `/models/${SHARD}`, init: { method?: string; headers?: Record<string, string> } = {}) =>
    server.fetch(path, { method: init.method ?? 'GET', headers: { cookie, ...init.headers } });

  it('gives a device a cookie that holds its token, for /models only', async () => {
    expect(COOKIE.exec(`${await accessCookie(device)}; Path=/models; HttpOnly; Secure; SameSite=Strict; Max-Age=2592000`)?.[1]).toBe(
      device,
    );
    expect((await server.fetch('/api/models/access', { method: 'POST' })).status).toBe(401);
    const admin = await server.fetch('/api/models/access', { method: 'POST', headers: { authorization: `Bearer ${server.adminToken}` } });
    expect(admin.status).toBe(401);
    expect(admin.headers.get('set-cookie')).toBeNull();
  });

  it('serves model files with the cookie alone, ranges and HEAD included', async () => {
    expect((await server.fetch(`/models/${SHARD}`)).status).toBe(401);
    const cookie = await accessCookie(device);
    const whole = await withCookie(cookie);
    expect(whole.status).toBe(200);
    expect((await bytesOf(whole)).equals(LAYOUT[SHARD]!)).toBe(true);
    const part = await withCookie(cookie, `/models/${SHARD}`, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${LAYOUT[SHARD]!.length}`);
    expect((await bytesOf(part)).equals(LAYOUT[SHARD]!.subarray(100, 200))).toBe(true);
    expect((await withCookie(cookie, '/models/tiny-model.gguf', { method: 'HEAD' })).status).toBe(200);
    // Among the page's other cookies, quoted or not.
    expect((await withCookie(`theme=dark; lang="fr"; ${cookie}; other=1`)).status).toBe(200);
    expect((await withCookie(`theme=dark;meditron_models="${device}"`)).status).toBe(200);
  });

  it('refuses a wrong cookie, and the cookie of a revoked device at once', async () => {
    const wrong = await withCookie('meditron_models=not-a-token');
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('auth/invalid-token');
    expect((await withCookie(`meditron_models=${server.adminToken}`)).status).toBe(401);
    expect((await withCookie(`other_models=${device}`)).status).toBe(401);

    const token = await enrollDevice(server, 'lost tablet');
    const cookie = await accessCookie(token);
    expect((await withCookie(cookie)).status).toBe(200);
    const { deviceId } = (await (await server.fetch('/api/devices/me', { headers: { authorization: `Bearer ${token}` } })).json()) as {
      deviceId: string;
    };
    const revoked = await server.fetch(`/api/admin/devices/${deviceId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(revoked.status).toBe(204);
    expect((await withCookie(cookie)).status).toBe(401);
  });

  it('accepts the cookie nowhere but /models', async () => {
    const cookie = await accessCookie(device);
    for (const [method, path] of [
      ['GET', '/api/jobs'],
      ['GET', '/v1/models'],
      ['GET', '/api/models/catalog'],
      ['GET', '/api/devices/me'],
      ['GET', '/api/packs'],
      ['POST', '/api/models/access'],
    ] as const) {
      const response = await withCookie(cookie, path, { method });
      expect(response.status, path).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code, path).toBe('auth/missing-token');
    }
  });

  it('reads a cookie from a Cookie header as browsers send it', () => {
    expect(cookieValue(undefined, 'meditron_models')).toBeUndefined();
    expect(cookieValue('', 'meditron_models')).toBeUndefined();
    expect(cookieValue('meditron_models=abc', 'meditron_models')).toBe('abc');
    expect(cookieValue('a=1;  meditron_models = abc ;b=2', 'meditron_models')).toBe('abc');
    expect(cookieValue('meditron_models="abc"', 'meditron_models')).toBe('abc');
    // The first of two counts (the longest path); an empty one or a name that only ends the same does not.
    expect(cookieValue('meditron_models=first; meditron_models=second', 'meditron_models')).toBe('first');
    expect(cookieValue('meditron_models=; x=1', 'meditron_models')).toBeUndefined();
    expect(cookieValue('old_meditron_models=abc; flag; =x', 'meditron_models')).toBeUndefined();
    expect(cookieValue('a=b=c', 'a')).toBe('b=c');
  });
});
