// The web-llm runtime (src/models/webllm) in Chromium with --enable-unsafe-webgpu (SwiftShader's
// WebGPU adapter, which has no shader-f16): everything that needs no model library runs for real —
// adapter detection, the AppConfig, web-llm's Cache Storage, its real load failing on the model
// libraries we can have (broken, foreign, missing) — and the worker protocol runs against an ENGINE
// DOUBLE (webllm-harness/page/engine-double.ts) behind web-llm's own WebWorkerMLCEngineHandler,
// since no model library for web-llm 0.2.86 can be had to generate with.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStandalonePage } from '../../scripts/build-page';
import type { CatalogModel } from '../../src/core/models/catalog';
import { MISSING_MODEL_LIBRARY_MESSAGE } from '../../src/models/webllm/webllm-errors';
import { launchBrowser } from './support/browser';
import { distDir } from './support/dist';
import { startStaticServer } from './support/static-server';
import { WEBLLM_FILES, writeMirrorModel } from './webllm-harness/mirror';
import type { AnswerSpec, DoubleEvent, Outcome, PageError } from './webllm-harness/protocol';
import { type HarnessServer, serveWebllmHarness } from './webllm-harness/server';

let dir: string;
let browser: Browser;
let server: HarnessServer;
let f16: CatalogModel;
let f32: CatalogModel;
let foreign: CatalogModel;
let missing: CatalogModel;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'webllm-harness-'));
  const mirror = join(dir, 'mirror');
  f16 = await writeMirrorModel(mirror, 'Tiny-q4f16_1-MLC', { quantization: 'q4f16_1', library: 'broken' });
  f32 = await writeMirrorModel(mirror, 'Tiny-q4f32_1-MLC', { quantization: 'q4f32_1', library: 'broken' });
  foreign = await writeMirrorModel(mirror, 'Foreign-q4f32_1-MLC', { quantization: 'q4f32_1', library: 'foreign' });
  missing = await writeMirrorModel(mirror, 'NoLib-q4f32_1-MLC', { quantization: 'q4f32_1', library: 'missing' });
  await buildStandalonePage(fileURLToPath(new URL('./webllm-harness/page', import.meta.url)), join(dir, 'page'));
  server = await serveWebllmHarness(join(dir, 'page'), mirror);
  browser = await launchBrowser(['--enable-unsafe-webgpu']);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A fresh browser context (its own Cache Storage) on the harness, at `origin`. */
async function openHarness(origin = server.url): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => 'webllmHarness' in window);
  return page;
}

const mirrorUrl = (origin: string, model: CatalogModel, path: string) => `${origin}/models/${model.id}/${path}`;

function failure<T>(outcome: Outcome<T>): PageError {
  if (outcome.ok) throw new Error('expected a failure, got a success');
  return outcome.error;
}

function value<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`${outcome.error.name} (${outcome.error.kind}): ${outcome.error.message}`);
  return outcome.value;
}

/** One sentence for a person: no stack trace, no web-llm class name, no advice about Chrome flags. */
function expectPlainMessage(message: string): void {
  expect(message.length).toBeLessThan(200);
  expect(message).not.toMatch(/\n|\bat \S+:\d+|Error\b|WebAssembly|undefined|--enable|Canary/);
}

describe('WebGPU adapter and model choice (SwiftShader)', () => {
  it('detects the adapter with its limits and no shader-f16, and chooses the q4f32 variant', async () => {
    const page = await openHarness();
    const [report, raw] = await Promise.all([
      page.evaluate(() => window.webllmHarness.detect()),
      page.evaluate(() => window.webllmHarness.rawAdapter()),
    ]);
    expect(raw).not.toBeNull();
    expect(report).toMatchObject({
      available: true,
      shaderF16: raw!.features.includes('shader-f16'),
      maxStorageBufferBindingSize: raw!.maxStorageBufferBindingSize,
      maxBufferSize: raw!.maxBufferSize,
      lowResource: raw!.maxStorageBufferBindingSize < 2 ** 30,
    });
    // What this test is about: Chromium's software adapter, like many tablets' GPUs, has no shader-f16.
    expect(report.available && report.shaderF16).toBe(false);
    expect(await page.evaluate((models) => window.webllmHarness.choose(models), [f16, f32])).toBe(f32.id);
    expect(await page.evaluate((models) => window.webllmHarness.choose(models), [f16])).toBeUndefined();
    await page.context().close();
  });
});

describe('AppConfig', () => {
  it('points web-llm at the mirror on the page’s own origin, with absolute URLs', async () => {
    const page = await openHarness();
    const config = await page.evaluate((models) => window.webllmHarness.appConfig(models), [f16, f32]);
    expect(config.model_list.map((r) => r.model_id)).toEqual([f16.id, f32.id]);
    for (const record of config.model_list) {
      expect(record.model).toBe(`${server.url}/models/${record.model_id}/`);
      expect(record.model_lib).toBe(`${server.url}/models/${record.model_id}/lib.wasm`);
      expect(record.overrides?.context_window_size).toBe(2048);
    }
    expect(config.model_list[0]!.required_features).toEqual(['shader-f16']);
    expect(config.model_list[1]!.required_features).toBeUndefined();
    await page.context().close();
  });
});

describe('web-llm’s Cache Storage', () => {
  it('tells a cached model from one that is not, and deletes every file of it', async () => {
    const page = await openHarness();
    const url = (path: string) => mirrorUrl(server.url, f32, path);
    const check = async () => ({
      webllm: await page.evaluate((m) => window.webllmHarness.hasModelInCache(m), f32),
      offline: await page.evaluate((m) => window.webllmHarness.isWebllmModelCached(m), f32),
    });
    expect(await check()).toEqual({ webllm: false, offline: false });

    // The weights, as web-llm's fetchTensorCache stores them.
    const weights = [WEBLLM_FILES.tensorIndex, ...WEBLLM_FILES.shards].map((p) => ({ cache: 'webllm/model', url: url(p) }));
    await page.evaluate((entries) => window.webllmHarness.cacheLikeWebllm(entries), weights);
    // web-llm's check looks at the weights only; loading offline also needs the config, tokenizer and library.
    expect(await check()).toEqual({ webllm: true, offline: false });

    await page.evaluate(
      (entries) => window.webllmHarness.cacheLikeWebllm(entries),
      [
        { cache: 'webllm/config', url: url(WEBLLM_FILES.config) },
        { cache: 'webllm/model', url: url(WEBLLM_FILES.tokenizer) },
        { cache: 'webllm/wasm', url: url(WEBLLM_FILES.library) },
      ],
    );
    expect(await check()).toEqual({ webllm: true, offline: true });

    const before = server.mirrorRequests.length;
    await page.evaluate((m) => window.webllmHarness.deleteWebllmModel(m), f32);
    expect(await check()).toEqual({ webllm: false, offline: false });
    const left = Object.values(await page.evaluate(() => window.webllmHarness.cacheKeys())).flat();
    expect(left.filter((key) => key.includes(f32.id))).toEqual([]);
    // Deleting reads nothing from the clinic server: it works offline.
    expect(server.mirrorRequests.slice(before)).toEqual([]);
    await page.context().close();
  });
});

describe('loading with web-llm for real, without a usable model library', () => {
  it('caches the config and the model library before compiling it, and loads them again offline', async () => {
    const page = await openHarness();
    const first = failure(await page.evaluate((m) => window.webllmHarness.loadWithWebllm(m), f32));
    expect(first.message).toMatch(/CompileError/);
    const keys = await page.evaluate(() => window.webllmHarness.cacheKeys());
    expect(keys['webllm/config']).toContain(mirrorUrl(server.url, f32, WEBLLM_FILES.config));
    expect(keys['webllm/wasm']).toContain(mirrorUrl(server.url, f32, WEBLLM_FILES.library));

    server.offline = true;
    try {
      const before = server.mirrorRequests.length;
      const again = failure(await page.evaluate((m) => window.webllmHarness.loadWithWebllm(m), f32));
      // The same failure, from web-llm's caches: nothing was asked of the (unreachable) mirror.
      expect(again.message).toMatch(/CompileError/);
      expect(server.mirrorRequests.slice(before)).toEqual([]);
    } finally {
      server.offline = false;
    }
    await page.context().close();
  });

  it('does not cache the model library on a "localhost" URL (web-llm’s own rule)', async () => {
    const page = await openHarness(server.localhostUrl);
    failure(await page.evaluate((m) => window.webllmHarness.loadWithWebllm(m), f32));
    const keys = await page.evaluate(() => window.webllmHarness.cacheKeys());
    expect(keys['webllm/config']).toContain(mirrorUrl(server.localhostUrl, f32, WEBLLM_FILES.config));
    expect(keys['webllm/wasm'] ?? []).toEqual([]);
    await page.context().close();
  });

  it('reports a broken model library as model-library, and forgets it so a fixed file is fetched', async () => {
    const page = await openHarness();
    const error = failure(await page.evaluate((m) => window.webllmHarness.loadWithRuntime(m), f32));
    expect(error).toMatchObject({ name: 'OnDeviceError', kind: 'model-library' });
    expect(error.cause).toMatch(/CompileError/);
    expectPlainMessage(error.message);
    const keys = await page.evaluate(() => window.webllmHarness.cacheKeys());
    expect(keys['webllm/wasm'] ?? []).not.toContain(mirrorUrl(server.url, f32, WEBLLM_FILES.library));
    await page.context().close();
  });

  it('reports a model library that is not one of web-llm’s as model-library', async () => {
    const page = await openHarness();
    const error = failure(await page.evaluate((m) => window.webllmHarness.loadWithRuntime(m), foreign));
    expect(error).toMatchObject({ name: 'OnDeviceError', kind: 'model-library' });
    expectPlainMessage(error.message);
    await page.context().close();
  });

  it('reports a missing model library as model-library, saying so', async () => {
    const page = await openHarness();
    const error = failure(await page.evaluate((m) => window.webllmHarness.loadWithRuntime(m), missing));
    expect(error).toMatchObject({ name: 'OnDeviceError', kind: 'model-library', message: MISSING_MODEL_LIBRARY_MESSAGE });
    await page.context().close();
  });

  it('reports an unreachable mirror as network', async () => {
    const page = await openHarness();
    server.offline = true;
    try {
      const error = failure(await page.evaluate((m) => window.webllmHarness.loadWithRuntime(m), f32));
      expect(error).toMatchObject({ name: 'OnDeviceError', kind: 'network' });
      expectPlainMessage(error.message);
    } finally {
      server.offline = false;
    }
    await page.context().close();
  });
});

describe('the worker protocol, with an ENGINE DOUBLE behind web-llm’s WebWorkerMLCEngineHandler', () => {
  let page: Page;
  const events = async (): Promise<DoubleEvent[]> => page.evaluate(() => window.webllmHarness.double.events());
  const answer = async (spec: AnswerSpec) => value(await page.evaluate((s) => window.webllmHarness.double.answer(s), spec));
  const MESSAGES = [
    { role: 'system' as const, content: 'Answer from the excerpts.' },
    { role: 'user' as const, content: 'A child has fever and cough: what should the health worker do?' },
  ];

  beforeAll(async () => {
    page = await openHarness();
  });

  afterAll(async () => {
    await page.context().close();
  });

  it('loads through the worker with our AppConfig, reporting progress that never goes back', async () => {
    const progress = value(await page.evaluate((m) => window.webllmHarness.double.load(m), f32));
    const fractions = progress.map((p) => p.fraction);
    expect(fractions.length).toBeGreaterThan(1);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);
    const seen = await events();
    const appConfig = seen.find((e) => e.event === 'setAppConfig');
    expect(appConfig?.event === 'setAppConfig' && appConfig.appConfig.model_list[0]?.model_lib).toBe(
      `${server.url}/models/${f32.id}/lib.wasm`,
    );
    expect(seen.find((e) => e.event === 'reload')).toEqual({ event: 'reload', modelId: [f32.id] });
  });

  it('streams a chat answer piece by piece, with the request’s limits', async () => {
    const run = await answer({ request: { messages: MESSAGES, maxTokens: 64, temperature: 0.2, stop: ['###'] } });
    expect(run.pieces.length).toBeGreaterThan(3);
    expect(run.result).toEqual({ text: run.pieces.join(''), model: f32.id, finishReason: 'stop' });
    expect(run.result.text).toBe('Reply to: what should the health worker do?');
    const request = (await events()).findLast((e) => e.event === 'chatCompletion');
    expect(request).toMatchObject({ request: { stream: true, messages: MESSAGES, max_tokens: 64, temperature: 0.2, stop: ['###'] } });
  });

  it('answers a completion request as a completion, cut at maxTokens', async () => {
    const prompt = 'Question: what treats dehydration in a child?\nAnswer:';
    const run = await answer({ request: { prompt, stop: ['\nQuestion:'], maxTokens: 3 } });
    expect(run.result).toEqual({ text: 'Reply to: treats', model: f32.id, finishReason: 'length' });
    const request = (await events()).findLast((e) => e.event === 'completion');
    expect(request).toMatchObject({ request: { stream: true, prompt, stop: ['\nQuestion:'], max_tokens: 3 } });
  });

  it('stops mid-stream when aborted: the pieces so far, and web-llm’s interruptGenerate', async () => {
    const run = await answer({ request: { messages: MESSAGES, maxTokens: 64 }, abortAfterPieces: 2 });
    expect(run.result).toEqual({ text: run.pieces.slice(0, 2).join(''), model: f32.id, finishReason: 'aborted' });
    await expect.poll(async () => (await events()).findLast((e) => e.event === 'streamEnd')).toMatchObject({ finish: 'abort' });
    const ended = (await events()).findLast((e) => e.event === 'streamEnd');
    expect(ended?.event === 'streamEnd' && ended.yielded).toBeLessThan(8);
    expect((await events()).some((e) => e.event === 'interrupt')).toBe(true);

    // The engine is free for the next question.
    const next = await answer({ request: { messages: MESSAGES, maxTokens: 64 } });
    expect(next.result.finishReason).toBe('stop');
  });

  it('unloads the engine and ends its worker', async () => {
    const { workersTerminated } = await page.evaluate(() => window.webllmHarness.double.unload());
    expect(workersTerminated).toBe(1);
    expect((await events()).at(-1)).toEqual({ event: 'unload' });
  });
});

describe('the app’s service worker (the production build in dist/)', () => {
  it('keeps web-llm’s code out of the precache, then keeps it for offline use once fetched, newest version only', async () => {
    const dist = distDir();
    const assets = await readdir(join(dist, 'assets'));
    const code = assets.filter((name) => /^webllm-(?:runtime|worker)-.+\.js$/.test(name));
    expect(code.map((name) => name.split('-')[1]).sort()).toEqual(['runtime', 'worker']);
    const app = await startStaticServer(dist);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(app.url);
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
      await page.reload();
      await page.waitForFunction(() => !!navigator.serviceWorker.controller);
      const precached = await page.evaluate(async () => {
        const names = (await caches.keys()).filter((n) => n.startsWith('workbox-precache'));
        return (await Promise.all(names.map(async (n) => (await (await caches.open(n)).keys()).map((r) => r.url)))).flat();
      });
      const entry = /<script type="module"[^>]*\ssrc="([^"]+)"/.exec(await readFile(join(dist, 'index.html'), 'utf8'))?.[1];
      expect(precached).toContain(`${app.url}${entry}`);
      expect(precached.filter((url) => url.includes('/assets/webllm-'))).toEqual([]);

      // An older version kept from an earlier deployment: replaced when the current one is kept.
      const stale = `${app.url}/assets/webllm-worker-0ld-hash.js`;
      await page.evaluate((url) => caches.open('model-runtime-code').then((c) => c.put(url, new Response('old'))), stale);
      const fetchAll = () =>
        page.evaluate(
          (names) => Promise.all(names.map(async (n) => (await fetch(`/assets/${n}`)).arrayBuffer().then((b) => b.byteLength))),
          code,
        );
      const sizes = await Promise.all(code.map(async (name) => (await readFile(join(dist, 'assets', name))).length));
      expect(await fetchAll()).toEqual(sizes);
      const kept = await page.evaluate(async () =>
        (await (await caches.open('model-runtime-code')).keys()).map((r) => new URL(r.url).pathname),
      );
      expect(kept.sort()).toEqual(code.map((name) => `/assets/${name}`).sort());

      await context.setOffline(true);
      expect(await fetchAll()).toEqual(sizes);
    } finally {
      await context.close();
      await app.close();
    }
  });
});
