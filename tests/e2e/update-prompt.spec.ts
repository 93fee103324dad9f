import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext } from './support/browser';
import { copyOfDist } from './support/dist';
import { type StaticServer, startStaticServer } from './support/static-server';

let browser: Browser;
let server: StaticServer;

beforeAll(async () => {
  server = await startStaticServer(copyOfDist());
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('a new deployment', () => {
  it('is offered with a prompt and applied only when the user accepts', async () => {
    const page = await (await newContext(browser)).newPage();
    await page.goto(server.url);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.reload();
    await page.waitForFunction(() => !!navigator.serviceWorker.controller);
    await page.getByRole('searchbox').fill('snakebite');

    // Deploy: a rebuilt service worker differs byte for byte from the installed one.
    const next = copyOfDist();
    appendFileSync(join(next, 'service-worker.js'), '\n// next deployment\n');
    server.serve(next);
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.update()));

    const updateNow = page.getByRole('button', { name: /update now/i });
    await updateNow.waitFor();
    // The user's typing survives: nothing reloads until they choose to.
    await page.evaluate(() => {
      (window as unknown as { marker: boolean }).marker = true;
    });
    await page.waitForTimeout(1500);
    expect(await page.evaluate(() => (window as unknown as { marker?: boolean }).marker)).toBe(true);
    expect(await page.getByRole('searchbox').inputValue()).toBe('snakebite');

    await Promise.all([page.waitForEvent('load'), updateNow.click()]);
    await page.waitForFunction(() => !!navigator.serviceWorker.controller);
    expect(await page.evaluate(() => (window as unknown as { marker?: boolean }).marker)).toBeUndefined();
    const waiting = await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => !!r?.waiting));
    expect(waiting).toBe(false);
  });
});
