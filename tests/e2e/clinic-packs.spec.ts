import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../server/src/admin/cli';
import { makeExcerpt, makePack } from '../fixtures/pack';
import { startTestServer, type TestServer } from '../server/support/test-server';
import { launchBrowser } from './support/browser';
import { enrolledTablet, pinOf } from './support/clinic';
import { distDir } from './support/dist';

// The tablet gets the clinic server's published packs by itself once enrolled, checks each against
// the clinic's publisher key in the import worker (WebCrypto Ed25519 in Chromium), and refuses an
// unsigned one with the reason, leaving its library as it was.

const opened: { server: TestServer; browser: Browser }[] = [];

afterAll(async () => {
  for (const { server, browser } of opened) {
    await browser.close();
    await server.close();
  }
});

async function clinicWithPack(signed: boolean) {
  const dataDir = mkdtempSync(join(tmpdir(), 'meditron-clinic-packs-'));
  const admin = (...args: string[]) => runAdmin(['--data', dataDir, ...args], () => {});
  if (signed) expect(await admin('publisher-key', '--name', 'Test clinic')).toBe(0);
  const file = join(dataDir, 'malaria.jsonl');
  writeFileSync(
    file,
    makePack({
      id: 'clinic-malaria',
      version: '1',
      manifest: { title: 'Clinic malaria guide' },
      excerpts: [makeExcerpt(1, { text: 'Quinacrine zebrafish protocol for severe malaria in the district.' })],
    }),
  );
  expect(await admin('pack-import', file, '--publish')).toBe(0);
  const server = await startTestServer({ args: ['--static-dir', distDir()], dataDir });
  const browser = await launchBrowser([`--ignore-certificate-errors-spki-list=${pinOf(server)}`]);
  opened.push({ server, browser });
  return { server, browser };
}

describe('guideline packs from the clinic server', () => {
  it('come to an enrolled tablet signed, and are searchable', async () => {
    const { server, browser } = await clinicWithPack(true);
    const page = await enrolledTablet(browser, server, '#/packs');
    await page.getByText('Clinic malaria guide (version 1) came from the clinic server.').waitFor({ timeout: 30_000 });
    await page.goto(`${server.url}/#/?q=zebrafish`);
    await page.locator('.hit-title').first().waitFor();
    expect(await page.locator('.hit').count()).toBe(1);
    await page.context().close();
  });

  it('are refused unsigned, with the reason, and the library stays as it was', async () => {
    const { server, browser } = await clinicWithPack(false);
    const page = await enrolledTablet(browser, server, '#/packs');
    const refusal = page.getByRole('alert').filter({ hasText: 'Clinic malaria guide (version 1) was not installed' });
    await refusal.waitFor({ timeout: 30_000 });
    expect(await refusal.textContent()).toMatch(/not signed/);
    expect(await page.locator('.pack-title', { hasText: 'Clinic malaria guide' }).count()).toBe(0);
    await page.context().close();
  });
});
