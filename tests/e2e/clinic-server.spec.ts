import { createHash, X509Certificate } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../server/support/test-server';
import { launchBrowser, newContext } from './support/browser';
import { distDir } from './support/dist';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer({ args: ['--static-dir', distDir()] });
  // Trust exactly the server's key, as a tablet that installed the clinic's CA trusts its certificate.
  const spki = new X509Certificate(server.cert).publicKey.export({ type: 'spki', format: 'der' });
  const pin = createHash('sha256').update(spki).digest('base64');
  browser = await launchBrowser([`--ignore-certificate-errors-spki-list=${pin}`]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the app served by the clinic server', () => {
  it('installs over HTTPS, is cross-origin isolated, and searches offline', async () => {
    const context = await newContext(browser, 'phone');
    const page = await context.newPage();
    await page.goto(server.url);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.reload();
    await page.waitForFunction(() => !!navigator.serviceWorker.controller);

    await context.setOffline(true);
    await page.reload();
    await page.getByRole('searchbox').fill('snake bite antivenom');
    await page.locator('.results[data-query="snake bite antivenom"]').waitFor();
    expect(await page.locator('.hit-title').first().textContent()).toMatch(/snake/i);
    await context.close();
  });

  it("enrolls the tablet from the link in the admin's QR code, and remembers it", async () => {
    const response = await server.fetch('/api/admin/enrollment-codes', {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    const { code } = (await response.json()) as { code: string };
    const context = await newContext(browser, 'phone');
    const page = await context.newPage();

    await page.goto(`${server.url}/#/enroll?code=WRONG-CODE`);
    await page.locator('#clinic-heading').waitFor();
    expect(await page.getByLabel('Enrollment code').inputValue()).toBe('WRONG-CODE');
    await page.getByLabel('Name of this tablet').fill('Ward 3 tablet');
    await page.getByRole('button', { name: 'Enroll this tablet' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /code was refused/i })
      .waitFor({ timeout: 60_000 });

    await page.goto(`${server.url}/#/enroll?code=${code}`);
    await page.reload();
    await page.getByLabel('Name of this tablet').fill('Ward 3 tablet');
    await page.getByRole('button', { name: 'Enroll this tablet' }).click();
    await page.getByRole('status').filter({ hasText: 'Ward 3 tablet' }).waitFor();

    const devices = await server.fetch('/api/admin/devices', { headers: { authorization: `Bearer ${server.adminToken}` } });
    const { devices: list } = (await devices.json()) as { devices: { name: string }[] };
    expect(list.map((d) => d.name)).toEqual(['Ward 3 tablet']);
    await page.reload();
    await page.getByRole('status').filter({ hasText: 'Ward 3 tablet' }).waitFor();
    await context.close();
  });
});
