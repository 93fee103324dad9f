import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext } from './support/browser';
import { distDir } from './support/dist';
import { type StaticServer, startStaticServer } from './support/static-server';

let browser: Browser;
let server: StaticServer;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  server = await startStaticServer(distDir());
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Types a query and waits for its own results, not those of the previous query. */
async function search(query: string) {
  await page.getByRole('searchbox').fill(query);
  await page.locator(`.results[data-query="${query}"]`).waitFor();
}

describe('the guideline library offline', () => {
  it('installs the demo pack on the first visit and activates the service worker', async () => {
    await page.goto(server.url);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await search('oral rehydration zinc');
    await expect(page.locator('.hit-title').first().textContent()).resolves.toMatch(/diarrh|cholera/i);
  });

  it('reloads, searches and opens an excerpt with the network off', async () => {
    // The first visit is not controlled by the worker it installed; after a reload it is.
    await page.reload();
    await page.waitForFunction(() => !!navigator.serviceWorker.controller);
    await context.setOffline(true);
    await page.reload();
    await expect(page.getByRole('status').filter({ hasText: 'Offline' }).count()).resolves.toBe(1);

    await search('magnesium sulfate eclampsia');
    const first = page.locator('.hit-link').first();
    const title = (await first.locator('.hit-title').textContent()) ?? '';
    expect(title).toMatch(/eclampsia/i);
    await expect(first.locator('mark').count()).resolves.toBeGreaterThan(0);

    await first.click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    const opened = page.locator('[aria-current="true"]');
    await expect(opened.count()).resolves.toBe(1);
    await expect(opened.locator('mark').count()).resolves.toBeGreaterThan(0);
    await expect(page.getByRole('note').textContent()).resolves.toMatch(/not for clinical use/i);

    await page.getByRole('link', { name: 'Back to results' }).click();
    await page.locator('.hit').first().waitFor();
    await expect(page.getByRole('searchbox').inputValue()).resolves.toBe('magnesium sulfate eclampsia');
    await context.setOffline(false);
  });

  it('filters by source', async () => {
    await search('wound');
    const all = await page.locator('.hit-meta').allTextContents();
    expect(all.some((m) => !m.includes('MSF'))).toBe(true);
    await page.getByLabel('Source').selectOption('MSF');
    await page.waitForFunction(() => {
      const metas = [...document.querySelectorAll('.hit-meta')];
      return metas.length > 0 && metas.every((m) => m.textContent?.includes('MSF'));
    });
    const metas = await page.locator('.hit-meta').allTextContents();
    expect(metas.length).toBeGreaterThan(0);
    for (const m of metas) expect(m).toContain('MSF');
  });
});
