import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeExcerpts, makePack } from '../fixtures/pack';
import { launchBrowser, newContext } from './support/browser';
import { distDir } from './support/dist';
import { type StaticServer, startStaticServer } from './support/static-server';

let browser: Browser;
let server: StaticServer;
let page: Page;

beforeAll(async () => {
  server = await startStaticServer(distDir());
  browser = await launchBrowser();
  page = await (await newContext(browser)).newPage();
  await page.goto(`${server.url}/#/packs`);
  await page.locator('.pack-title', { hasText: 'Humanitarian essentials (demo)' }).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A 30-excerpt pack whose documents are "Condition number N". */
const fieldPack = () => makePack({ id: 'field-test', version: '1', excerpts: makeExcerpts(30) });

async function importFile(name: string, text: string) {
  await page.getByLabel('File', { exact: true }).setInputFiles({ name, mimeType: 'application/x-ndjson', buffer: Buffer.from(text) });
  await page.getByRole('button', { name: 'Import' }).click();
}

describe('importing a guideline pack', () => {
  it('refuses a damaged file, naming the line and field, and leaves the library as it was', async () => {
    const good = fieldPack();
    const lines = good.trimEnd().split('\n');
    const broken = JSON.parse(lines[7]!);
    delete broken.text;
    lines[7] = JSON.stringify(broken);
    await importFile('broken.jsonl', `${lines.join('\n')}\n`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Line 8.*text/);
    expect(await page.locator('.pack').count()).toBe(1);
  });

  it('installs a valid pack with progress, then finds its excerpts', async () => {
    await importFile('field-test.jsonl', fieldPack());
    await page.getByRole('status').filter({ hasText: 'is installed' }).waitFor();
    expect(await page.locator('.pack').count()).toBe(2);

    await page.getByRole('link', { name: 'Library' }).click();
    await page.getByRole('searchbox').fill('condition number 7 term7');
    await page.locator('.results[data-query="condition number 7 term7"]').waitFor();
    expect(await page.locator('.hit-title').first().textContent()).toBe('Condition number 7');
  });

  it('treats the same version again as no change', async () => {
    await page.getByRole('link', { name: 'Guideline packs' }).click();
    await importFile('field-test.jsonl', fieldPack());
    await page.getByRole('status').filter({ hasText: 'already installed' }).waitFor();
    expect(await page.locator('.pack').count()).toBe(2);
  });
});
