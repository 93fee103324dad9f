import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitConcurrency } from '../../server/src/inference/concurrency';
import { createLlamaEngine } from '../../server/src/inference/llama-engine';
import { tinyModelPath } from '../fixtures/tiny-model';
import { startTestServer, type TestServer } from '../server/support/test-server';
import { seriousViolations } from './support/axe';
import { launchBrowser } from './support/browser';
import { enrolledTablet, freePort, pinOf } from './support/clinic';
import { distDir } from './support/dist';

// The app downloads models from a real clinic server's mirror into the origin private file system and
// answers with wllama (llama.cpp in WebAssembly) in Chromium, on generated random-weight GGUF files: the
// answers are gibberish, so these tests check the flow, not the wording. The clinic server answers with
// real llama.cpp too, for the fallback.
const MODEL = 'meditron-tiny';
const BROKEN = 'meditron-broken';
const BIG = 'meditron-bench';

let server: TestServer;
let browser: Browser;
let engine: Awaited<ReturnType<typeof createLlamaEngine>>;
let modelsDir: string;
let modelBytes: Buffer;

beforeAll(async () => {
  modelsDir = mkdtempSync(join(tmpdir(), 'meditron-mirror-'));
  const tiny = await tinyModelPath();
  modelBytes = readFileSync(tiny);
  copyFileSync(tiny, join(modelsDir, `${MODEL}.gguf`));
  // A header that reads well and tensors cut short: listed in the catalog, fails in wllama.
  writeFileSync(join(modelsDir, `${BROKEN}.gguf`), modelBytes.subarray(0, Math.floor(modelBytes.length * 0.6)));
  engine = await createLlamaEngine({ modelPath: tiny, parallel: 1, threads: 1 });
  server = await startTestServer({
    args: ['--static-dir', distDir(), '--models-dir', modelsDir],
    engine: limitConcurrency(engine, { parallel: 1, queueLimit: 16, timeoutMs: 60_000 }),
  });
  browser = await launchBrowser([`--ignore-certificate-errors-spki-list=${pinOf(server)}`]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await engine?.close();
});

const card = (page: Page, name: string) => page.locator('.model-card', { has: page.getByRole('heading', { name, exact: true }) });

async function download(page: Page, name: string) {
  await page.getByRole('button', { name: `Download ${name}` }).click();
}

async function ask(page: Page, question: string, policy: string) {
  await page.getByLabel('Answer with').selectOption({ label: policy });
  await page.getByLabel('Question', { exact: true }).fill(question);
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
}

function jobsOnServer(question: string): number {
  return (
    server.ctx.db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE json_extract(request, '$.question') = ?").get(question) as { n: number }
  ).n;
}

describe('a model on the tablet', () => {
  it('downloads from the clinic mirror, answers on the tablet, and answers again offline after a reload', async () => {
    const page = await enrolledTablet(browser, server, '#/models');
    await expect.poll(() => page.getByTestId('threads').textContent()).toMatch(/multi-threaded/);
    await card(page, MODEL).getByText('Fits this tablet').waitFor();
    await download(page, MODEL);
    await page.getByText(`${MODEL} is on this tablet and ready to answer.`).waitFor({ timeout: 30_000 });
    await card(page, MODEL).getByText('Answers questions').waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.goto(`${server.url}/#/ask`);
    const question = 'Fever and cough in a child of three: what to check first?';
    await ask(page, question, 'This tablet only');
    await page.getByText('Answered by the model on this tablet', { exact: false }).waitFor({ timeout: 60_000 });
    expect((await page.locator('.ask-result .ask-answer-text').textContent())?.length).toBeGreaterThan(0);
    expect(jobsOnServer(question)).toBe(0);

    await page.context().setOffline(true);
    await page.reload();
    const offlineQuestion = 'Diarrhoea for two days in an infant: which fluids?';
    await ask(page, offlineQuestion, 'The best available (this tablet, the clinic server, or excerpts)');
    await page.getByText('Answered by the model on this tablet', { exact: false }).waitFor({ timeout: 60_000 });
    await page.context().setOffline(false);
    expect(jobsOnServer(offlineQuestion)).toBe(0);
    await page.context().close();
  });

  it('resumes a download cut off half-way by a server restart, from where it stopped', { timeout: 120_000 }, async () => {
    // Large enough (90 MB) that the cut comes mid-file: a small one sits whole in the sockets' buffers.
    const bigDir = mkdtempSync(join(tmpdir(), 'meditron-mirror-big-'));
    const bigPath = await tinyModelPath('bench');
    copyFileSync(bigPath, join(bigDir, `${BIG}.gguf`));
    const dataDir = mkdtempSync(join(tmpdir(), 'meditron-clinic-resume-'));
    const port = await freePort();
    const start = () => startTestServer({ args: ['--static-dir', distDir(), '--models-dir', bigDir], dataDir, port });
    let clinic = await start();
    const tablet = await launchBrowser([`--ignore-certificate-errors-spki-list=${pinOf(clinic)}`]);
    try {
      const page = await enrolledTablet(tablet, clinic, '#/models');
      const ranges: string[] = [];
      page.on('request', (request) => {
        if (request.url().includes(`/models/${BIG}.gguf`)) ranges.push(request.headers().range ?? 'whole file');
      });
      // Slow enough to stop half-way: the file takes about 9 s.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: 10_000_000,
        uploadThroughput: -1,
      });
      await download(page, BIG);
      const bar = card(page, BIG).getByRole('progressbar');
      await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 30_000 }).toBeGreaterThanOrEqual(10);
      await clinic.close();
      await card(page, BIG).getByRole('alert').filter({ hasText: 'download' }).waitFor({ timeout: 30_000 });

      clinic = await start();
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      await page.getByRole('button', { name: `Resume ${BIG}` }).click();
      await page.getByText(`${BIG} is on this tablet and ready to answer.`).waitFor({ timeout: 30_000 });
      expect(ranges[0]).toBe('whole file');
      expect(ranges[1]).toMatch(/^bytes=[1-9]\d*-$/);
      const stored = await page.evaluate(async (id) => {
        const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('models');
        const dir = await root.getDirectoryHandle(encodeURIComponent(id));
        const parts: File[] = [];
        for await (const handle of dir.values()) if (handle.kind === 'file') parts.push(await handle.getFile());
        parts.sort((a, b) => Number(a.name.split('.').pop()) - Number(b.name.split('.').pop()));
        const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
        return Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
      }, BIG);
      expect(stored).toBe(createHash('sha256').update(readFileSync(bigPath)).digest('hex'));
      await page.context().close();
    } finally {
      await tablet.close();
      await clinic.close();
    }
  });

  it('checks storage before a download, stops one that fills it, and keeps the library and the queued questions', async () => {
    const page = await enrolledTablet(browser, server, '#/ask');
    await page.context().setOffline(true);
    const question = 'Severe acute malnutrition in a child of two: first steps?';
    await ask(page, question, 'The clinic server only');
    await page.getByText('Queued: it will be answered', { exact: false }).waitFor();
    // Online again, but the server refuses pushes for now (a 503 keeps them queued): the queue is what is checked.
    await page.route('**/api/sync/push', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: '{}' }));
    await page.context().setOffline(false);

    // Faked at the boundary, because Chromium's quota cannot be shrunk here (CDP's quota override does not
    // reach Playwright's browser contexts): estimate() reports the free space a test sets, and writes to the
    // origin private file system fail as a full disk fails them, once the test says the disk is full.
    await page.context().addInitScript(() => {
      const setting = (key: string) => sessionStorage.getItem(key);
      const estimate = StorageManager.prototype.estimate;
      StorageManager.prototype.estimate = async function (this: StorageManager) {
        const real = await estimate.call(this);
        const free = setting('test-free-bytes');
        return free === null ? real : { ...real, quota: (real.usage ?? 0) + Number(free) };
      };
      const write = FileSystemWritableFileStream.prototype.write;
      FileSystemWritableFileStream.prototype.write = function (this: FileSystemWritableFileStream, data: FileSystemWriteChunkType) {
        if (setting('test-disk-full')) return Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
        return write.call(this, data);
      };
    });
    await page.evaluate(() => sessionStorage.setItem('test-free-bytes', String(1_000_000)));
    await page.goto(`${server.url}/#/models`);
    await page.reload();
    await card(page, MODEL).getByText('there is not enough free storage', { exact: false }).waitFor();
    expect(
      await card(page, MODEL)
        .getByRole('button', { name: `Download ${MODEL}` })
        .isDisabled(),
    ).toBe(true);

    // Room at the start, none left half-way: the write fails, and the partial files go.
    await page.evaluate(() => sessionStorage.setItem('test-free-bytes', String(200_000_000)));
    await page.reload();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: 100_000, uploadThroughput: -1 });
    await download(page, MODEL);
    const bar = card(page, MODEL).getByRole('progressbar');
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 30_000 }).toBeGreaterThanOrEqual(10);
    await page.evaluate(() => sessionStorage.setItem('test-disk-full', 'yes'));
    await card(page, MODEL).getByRole('alert').filter({ hasText: 'not enough storage' }).waitFor({ timeout: 30_000 });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    expect(await page.locator('[data-model]').count()).toBe(0);
    const leftInStorage = await page.evaluate(async () => {
      const root = await navigator.storage.getDirectory();
      const models = await root.getDirectoryHandle('models', { create: true });
      const names: string[] = [];
      for await (const name of models.keys()) names.push(name);
      return names;
    });
    expect(leftInStorage).toEqual([]);

    await page.goto(`${server.url}/#/?q=malaria`);
    await page.locator('.hit').first().waitFor();
    await page.goto(`${server.url}/#/ask`);
    await page.locator('.ask-history-item', { hasText: question }).getByText('Queued').waitFor();
    await page.context().close();
  });

  it('falls back to the clinic server when the model on the tablet cannot load, and says why', async () => {
    const page = await enrolledTablet(browser, server, '#/models');
    await download(page, BROKEN);
    await page.getByText(`${BROKEN} is on this tablet and ready to answer.`).waitFor({ timeout: 30_000 });
    await card(page, BROKEN).getByText('Answers questions').waitFor();

    await page.goto(`${server.url}/#/ask`);
    await ask(
      page,
      'Neck stiffness and fever in an adult: what to do?',
      'The best available (this tablet, the clinic server, or excerpts)',
    );
    await page.getByText('The model on this tablet could not answer', { exact: false }).waitFor({ timeout: 60_000 });
    await page.getByText('Answered by the clinic server', { exact: false }).waitFor({ timeout: 60_000 });

    await page.goto(`${server.url}/#/models`);
    await card(page, BROKEN).getByRole('alert').filter({ hasText: 'could not run on this tablet' }).waitFor();
    await page.context().close();
  });

  it('has a models screen usable on a phone in Arabic, right to left, with no serious accessibility violation', async () => {
    const page = await enrolledTablet(browser, server, '?lang=ar#/models');
    await page.setViewportSize({ width: 360, height: 740 });
    await page.locator('.model-card').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    expect(await seriousViolations(page)).toEqual([]);
    // Nothing wider than the phone: the cards and the capability report wrap.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.context().close();
  });
});
