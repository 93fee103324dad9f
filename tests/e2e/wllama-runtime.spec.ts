// The wllama runtime (src/models/wllama) for real in Chromium: the module bundled by Vite with its .wasm,
// llama.cpp running the generated GGUF models, in a cross-origin isolated page (wasm threads) and a plain one.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStandalonePage } from '../../scripts/build-page';
import { type FolderServer, ISOLATION_HEADERS, serveFolder } from '../../scripts/serve-folder';
import type { ModelRequirements } from '../../src/core/models/catalog';
import type { AnswerRequest } from '../../src/engines/engine';
import { tinyModelPath } from '../fixtures/tiny-model';
import { launchBrowser } from './support/browser';
import type { AnswerRun, AnswerSpec, LoadFigures, LoadSpec, Outcome, PageError } from './wllama-harness/protocol';

const CHAT: ModelRequirements = { memoryBytes: 16 * 2 ** 20, shaderF16: false, contextTokens: 1024, promptProfile: 'chat' };
const BASE: ModelRequirements = { ...CHAT, promptProfile: 'completion' };
const TINY: LoadSpec = { urls: ['/models/tiny.gguf'], requirements: CHAT };
const BASE_MODEL: LoadSpec = { urls: ['/models/base.gguf'], requirements: BASE };

const MESSAGES = [
  { role: 'system' as const, content: 'Answer from the excerpts.' },
  { role: 'user' as const, content: 'A child has fever and cough. What should the health worker do?' },
];
// MESSAGES as the tiny model's ChatML template renders them, to prompt it by completion.
const MESSAGES_AS_CHATML =
  '<|im_start|>system\nAnswer from the excerpts.<|im_end|>\n' +
  '<|im_start|>user\nA child has fever and cough. What should the health worker do?<|im_end|>\n' +
  '<|im_start|>assistant\n';
const PROMPT = 'Question: a child has fever and cough. What should the health worker do?\nAnswer:';

const greedy = (request: Omit<AnswerRequest, 'maxTokens'>, maxTokens = 24): AnswerSpec => ({
  request: { ...request, maxTokens, temperature: 0 },
});

/** The harness page, bundled with the real wllama runtime module (and its .wasm, through the app's `?url` import). */
const HARNESS_PAGE = fileURLToPath(new URL('./wllama-harness/page', import.meta.url));

let dir: string;
let browser: Browser;
const servers: FolderServer[] = [];

async function openPage(isolated: boolean): Promise<Page> {
  const models = new Map([
    ['/models/tiny.gguf', await tinyModelPath('tiny')],
    ['/models/base.gguf', await tinyModelPath('base')],
  ]);
  const server = await serveFolder(dir, models, isolated ? ISOLATION_HEADERS : {});
  servers.push(server);
  const page = await browser.newPage();
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => 'harness' in window);
  return page;
}

function value<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`${outcome.error.name} (${outcome.error.kind}): ${outcome.error.message}`);
  return outcome.value;
}

function failure<T>(outcome: Outcome<T>): PageError {
  if (outcome.ok) throw new Error('expected a failure, got a success');
  return outcome.error;
}

const load = async (page: Page, name: string, spec: LoadSpec): Promise<Outcome<LoadFigures>> =>
  page.evaluate(([n, s]) => window.harness.load(n, s), [name, spec] as const);

const answer = async (page: Page, name: string, spec: AnswerSpec): Promise<AnswerRun> =>
  value(await page.evaluate(([n, s]) => window.harness.answer(n, s), [name, spec] as const));

const joined = (run: AnswerRun) => run.chunks.map((c) => c.text).join('');

/** One sentence for a person: no stack trace, no object dump, no missing value. */
function expectPlainMessage(message: string): void {
  expect(message.length).toBeLessThan(300);
  expect(message).not.toMatch(/\n|\bat \S+:\d+|\[object|undefined|null/);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wllama-harness-'));
  await buildStandalonePage(HARNESS_PAGE, dir);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('wllama runtime, cross-origin isolated page (wasm threads)', () => {
  let page: Page;

  beforeAll(async () => {
    page = await openPage(true);
  });

  it('is isolated, loads the tiny GGUF on two threads and reports progress up to 1', async () => {
    expect((await page.evaluate(() => window.harness.info())).crossOriginIsolated).toBe(true);
    const { progress } = value(await load(page, 'tiny', { ...TINY, threads: 2 }));
    expect(progress.at(-1)).toEqual({ fraction: 1, detail: 'loaded, 2 threads' });
    expect(progress.map((p) => p.fraction)).toEqual([...progress.map((p) => p.fraction)].sort((a, b) => a - b));
  });

  it('streams a chat answer in several pieces that add up to the final text', async () => {
    const run = await answer(page, 'tiny', greedy({ messages: MESSAGES }));
    expect(run.chunks.length).toBeGreaterThan(3);
    expect(run.result.text.length).toBeGreaterThan(0);
    expect(joined(run)).toBe(run.result.text);
    expect(run.result).toMatchObject({ model: 'tiny', finishReason: 'length' });
    // Pieces arrive as they are generated, not all at once at the end.
    expect(run.chunks[0]!.atMs).toBeLessThan(run.chunks.at(-1)!.atMs);
  });

  it("prompts a chat request through the model's own chat template", async () => {
    const chat = await answer(page, 'tiny', greedy({ messages: MESSAGES }));
    const byHand = await answer(page, 'tiny', greedy({ prompt: MESSAGES_AS_CHATML }));
    expect(chat.result.text).toBe(byHand.result.text);
    const plain = await answer(page, 'tiny', greedy({ prompt: MESSAGES.map((m) => m.content).join('\n') }));
    expect(plain.result.text).not.toBe(chat.result.text);
  });

  it('ends a completion at a stop string, which it leaves out', async () => {
    const full = await answer(page, 'tiny', greedy({ prompt: PROMPT }));
    // A piece from the middle of the greedy answer: the same request with it as a stop string ends before it.
    const stop = full.chunks.slice(3).find((c) => c.text.trim().length > 1)!.text;
    const expected = full.result.text.slice(0, full.result.text.indexOf(stop));
    const stopped = await answer(page, 'tiny', greedy({ prompt: PROMPT, stop: [stop] }));
    expect(stopped.result).toEqual({ text: expected, model: 'tiny', finishReason: 'stop' });
    expect(stopped.result.text.length).toBeLessThan(full.result.text.length);
  });

  it('stops at maxTokens with finishReason length', async () => {
    const long = await answer(page, 'tiny', greedy({ prompt: PROMPT }, 24));
    const short = await answer(page, 'tiny', greedy({ prompt: PROMPT }, 4));
    expect(short.result.finishReason).toBe('length');
    expect(short.chunks.length).toBeGreaterThan(0);
    expect(short.chunks.length).toBeLessThanOrEqual(4);
    expect(long.result.text.startsWith(short.result.text)).toBe(true);
    expect(short.result.text.length).toBeLessThan(long.result.text.length);
  });

  it('resolves an aborted answer with the text so far', async () => {
    const full = await answer(page, 'tiny', greedy({ prompt: PROMPT }, 200));
    const aborted = await answer(page, 'tiny', { ...greedy({ prompt: PROMPT }, 200), abortAfterChunks: 3 });
    expect(aborted.result.finishReason).toBe('aborted');
    expect(aborted.result.text).toBe(joined(aborted));
    expect(aborted.chunks.length).toBeGreaterThanOrEqual(3);
    expect(aborted.chunks.length).toBeLessThan(full.chunks.length);
    expect(full.result.text.startsWith(aborted.result.text)).toBe(true);
    // The runtime is still usable after an abort.
    const next = await answer(page, 'tiny', greedy({ prompt: PROMPT }, 200));
    expect(next.result.text).toBe(full.result.text);
  });

  it('resolves an answer aborted before its first token, and answers the next one', async () => {
    // A prompt that fills most of the context: the abort lands while llama.cpp is still reading it.
    const long = greedy({ prompt: PROMPT.repeat(30) }, 200);
    const aborted = await answer(page, 'tiny', { ...long, abortAfterMs: 0 });
    expect(aborted.result).toEqual({ text: joined(aborted), model: 'tiny', finishReason: 'aborted' });
    expect(aborted.chunks.length).toBeLessThan(200);
    const next = await answer(page, 'tiny', greedy({ prompt: PROMPT }, 4));
    expect(next.result.finishReason).toBe('length');
  });

  it('rejects a prompt longer than the context with a plain message, and answers the next one', async () => {
    const tooLong = { request: { prompt: PROMPT.repeat(60), maxTokens: 8, temperature: 0 } };
    const error = failure(await page.evaluate((s) => window.harness.answer('tiny', s), tooLong));
    expect(error).toMatchObject({ name: 'OnDeviceError', kind: 'load-failed' });
    expect(error.message).toMatch(/^tiny failed while answering: request \(\d+ tokens\) exceeds the available context size/);
    expectPlainMessage(error.message);
    const next = await answer(page, 'tiny', greedy({ prompt: PROMPT }, 4));
    expect(next.result.finishReason).toBe('length');
  });

  it('unloads, then loads again and answers the same', async () => {
    const before = await answer(page, 'tiny', greedy({ messages: MESSAGES }));
    await page.evaluate(() => window.harness.unload('tiny'));
    await expect(page.evaluate(() => window.harness.answer('tiny', { request: { prompt: 'x', maxTokens: 2 } }))).resolves.toMatchObject({
      ok: false,
      error: { kind: 'load-failed' },
    });
    value(await load(page, 'tiny', TINY));
    const after = await answer(page, 'tiny', greedy({ messages: MESSAGES }));
    expect(after.result.text).toBe(before.result.text);
  });

  it('runs a base model (no chat template) by completion, and by chat', async () => {
    value(await load(page, 'base', BASE_MODEL));
    expect(await page.evaluate(() => window.harness.promptTarget('base'))).toEqual({ profile: 'completion', contextTokens: 1024 });
    expect(await page.evaluate(() => window.harness.promptTarget('tiny'))).toEqual({ profile: 'chat', contextTokens: 1024 });
    const full = await answer(page, 'base', greedy({ prompt: PROMPT }));
    expect(full.result.finishReason).toBe('length');
    const stop = full.chunks.slice(3).find((c) => c.text.trim().length > 1)!.text;
    const stopped = await answer(page, 'base', greedy({ prompt: PROMPT, stop: [stop] }));
    expect(stopped.result).toEqual({
      text: full.result.text.slice(0, full.result.text.indexOf(stop)),
      model: 'base',
      finishReason: 'stop',
    });
    const chat = await answer(page, 'base', greedy({ messages: MESSAGES }));
    expect(chat.chunks.length).toBeGreaterThan(3);
    expect(joined(chat)).toBe(chat.result.text);
    await page.evaluate(() => window.harness.unload('base'));
  });

  it.each([
    ['cut short', 'truncate', /corrupted or incomplete/],
    ['not a GGUF', 'garbage', /GGUF/],
  ] as const)('refuses a model file %s with load-failed and a plain message', async (_, corrupt, reason) => {
    const error = failure(await load(page, `corrupt-${corrupt}`, { ...TINY, corrupt }));
    expect(error).toMatchObject({ name: 'OnDeviceError', kind: 'load-failed' });
    expect(error.message).toMatch(reason);
    expect(error.message).toMatch(/^corrupt-\w+ could not be loaded: /);
    expectPlainMessage(error.message);
  });

  it('reports out-of-memory for a context that does not fit, and for a model past 4 GiB before loading it', async () => {
    const huge = failure(await load(page, 'huge-context', { ...TINY, requirements: { ...CHAT, contextTokens: 2 ** 24 } }));
    expect(huge).toMatchObject({ kind: 'out-of-memory', message: expect.stringMatching(/insufficient memory/) });
    const tooBig = failure(await load(page, 'too-big', { ...TINY, requirements: { ...CHAT, memoryBytes: 5 * 2 ** 30 } }));
    expect(tooBig).toMatchObject({ kind: 'out-of-memory', message: expect.stringMatching(/4 GiB/) });
  });
});

describe('wllama runtime, page not isolated (one thread)', () => {
  let page: Page;

  beforeAll(async () => {
    page = await openPage(false);
  });

  it('loads on one thread whatever it is asked, and streams a chat answer', async () => {
    expect((await page.evaluate(() => window.harness.info())).crossOriginIsolated).toBe(false);
    const { progress } = value(await load(page, 'tiny', { ...TINY, threads: 2 }));
    expect(progress.at(-1)).toEqual({ fraction: 1, detail: 'loaded, 1 thread' });
    const run = await answer(page, 'tiny', greedy({ messages: MESSAGES }));
    expect(run.chunks.length).toBeGreaterThan(3);
    expect(joined(run)).toBe(run.result.text);
    expect(run.result).toMatchObject({ model: 'tiny', finishReason: 'length' });
    await page.evaluate(() => window.harness.unload('tiny'));
  });
});
