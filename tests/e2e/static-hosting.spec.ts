import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeStaticModels } from '../../scripts/static-models';
import { tinyModelPath } from '../fixtures/tiny-model';
import { startTestServer, type TestServer } from '../server/support/test-server';
import { launchBrowser, newContext } from './support/browser';
import { freePort, pinOf } from './support/clinic';
import { copyOfDist } from './support/dist';
import { type StaticServer, startStaticServer } from './support/static-server';

// The built app on a plain static host with no clinic API at all: the library, a model beside the app
// (`npm run static:models`) answering on the tablet, offline too; then the same app pointed at a real
// clinic server on another origin by its address, which allows the app's origin (--allow-origin).
const MODEL = 'meditron-tiny';

let site: StaticServer;
let dist: string;
let modelsDir: string;
let clinic: TestServer | undefined;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  dist = copyOfDist();
  modelsDir = mkdtempSync(join(tmpdir(), 'meditron-static-models-'));
  copyFileSync(await tinyModelPath(), join(modelsDir, `${MODEL}.gguf`));
  await writeStaticModels(modelsDir, dist);
  site = await startStaticServer(dist);
});

afterAll(async () => {
  await browser?.close();
  await clinic?.close();
  await site?.close();
  rmSync(dist, { recursive: true, force: true });
  rmSync(modelsDir, { recursive: true, force: true });
});

async function search(query: string) {
  await page.getByRole('searchbox').fill(query);
  await page.locator(`.results[data-query="${query}"]`).waitFor();
  await expect(page.locator('.hit-title').first().textContent()).resolves.toMatch(/\w/);
}

async function askOnTablet(question: string) {
  await page.getByLabel('Answer with').selectOption({ label: 'This tablet only' });
  await page.getByLabel('Question', { exact: true }).fill(question);
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  await page.getByText('Answered by the model on this tablet', { exact: false }).waitFor({ timeout: 60_000 });
  expect((await page.locator('.ask-result .ask-answer-text').textContent())?.length).toBeGreaterThan(0);
}

describe('the app on a static host', () => {
  it('searches the demo pack, downloads the model beside it, and answers on the tablet, offline too', { timeout: 180_000 }, async () => {
    // The clinic server is started later, but Chromium must trust its key from launch: start it now.
    clinic = await startTestServer({ args: ['--allow-origin', site.url] });
    browser = await launchBrowser([`--ignore-certificate-errors-spki-list=${pinOf(clinic)}`]);
    context = await newContext(browser);
    page = await context.newPage();
    await page.goto(site.url);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await search('oral rehydration zinc');

    await page.goto(`${site.url}/#/models`);
    await page.getByRole('heading', { name: 'Available beside this app' }).waitFor();
    const card = page.locator('.model-card', { has: page.getByRole('heading', { name: MODEL, exact: true }) });
    await card.getByText('Fits this tablet').waitFor();
    const fetched: { url: string; authorization?: string }[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/models/')) fetched.push({ url: request.url(), authorization: request.headers().authorization });
    });
    await page.getByRole('button', { name: `Download ${MODEL}` }).click();
    await page.getByText(`${MODEL} is on this tablet and ready to answer.`).waitFor({ timeout: 30_000 });
    // From the app's own host, with no token: there is none to send.
    expect(fetched).toContainEqual({ url: `${site.url}/models/${MODEL}.gguf`, authorization: undefined });

    await page.goto(`${site.url}/#/ask`);
    await page.waitForFunction(() => !!navigator.serviceWorker.controller);
    await askOnTablet('Fever and cough in a child of three: what to check first?');

    await context.setOffline(true);
    await page.reload();
    await askOnTablet('Diarrhoea for two days in an infant: which fluids?');
    await page.goto(`${site.url}/#/`);
    await search('magnesium sulfate eclampsia');
    await context.setOffline(false);
  });

  it('enrolls with a clinic server on another origin by its address, and syncs with it', async () => {
    const server = clinic!;
    await page.goto(`${site.url}/#/clinic`);
    // This host answers no /api/health: nothing to prefill.
    await page.getByText('This app is not served by a clinic server', { exact: false }).waitFor();
    await expect(page.getByLabel('Clinic server address').inputValue()).resolves.toBe('');

    const response = await server.fetch('/api/admin/enrollment-codes', {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    const { code } = (await response.json()) as { code: string };
    await page.getByLabel('Clinic server address').fill('http://192.168.1.10:8443');
    await page.getByLabel('Enrollment code').fill(code);
    await page.getByLabel('Name of this tablet').fill('Trainer tablet');
    await page.getByRole('button', { name: 'Enroll this tablet' }).click();
    await page.getByRole('alert').filter({ hasText: 'must start with https://' }).waitFor();

    await page.getByLabel('Clinic server address').fill(`https://127.0.0.1:${await freePort()}`);
    await page.getByRole('button', { name: 'Enroll this tablet' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: `--allow-origin ${site.url}` })
      .waitFor();

    await page.getByLabel('Clinic server address').fill(server.url);
    await page.getByRole('button', { name: 'Enroll this tablet' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `“Trainer tablet” with the clinic server at ${server.url}` })
      .waitFor();

    await page.goto(`${site.url}/#/sync`);
    await page.getByRole('status').filter({ hasText: 'Last successful sync' }).waitFor({ timeout: 30_000 });
    const devices = server.ctx.db.prepare('SELECT name, last_seen_at FROM devices').all() as {
      name: string;
      last_seen_at: string | null;
    }[];
    expect(devices).toEqual([{ name: 'Trainer tablet', last_seen_at: expect.any(String) }]);
  });
});
