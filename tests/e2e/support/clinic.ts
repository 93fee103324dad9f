import { createHash, X509Certificate } from 'node:crypto';
import { createServer } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import type { TestServer } from '../../server/support/test-server';
import { newContext } from './browser';

/** Chromium trusts exactly the server's key, as a tablet that installed the clinic's CA trusts it. */
export function pinOf(clinic: TestServer): string {
  return createHash('sha256')
    .update(new X509Certificate(clinic.cert).publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');
}

/** Opens the app from the clinic server and enrolls it, as a health worker does with the admin's code. */
export async function enrolledTablet(browser: Browser, clinic: TestServer, then = '#/ask'): Promise<Page> {
  const response = await clinic.fetch('/api/admin/enrollment-codes', {
    method: 'POST',
    headers: { authorization: `Bearer ${clinic.adminToken}` },
  });
  const { code } = (await response.json()) as { code: string };
  const page = await (await newContext(browser, 'tablet')).newPage();
  await page.goto(`${clinic.url}/#/enroll?code=${code}`);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.getByLabel('Name of this tablet').fill('Ward tablet');
  await page.getByRole('button', { name: 'Enroll this tablet' }).click();
  await page.getByRole('status').filter({ hasText: 'Ward tablet' }).waitFor();
  await page.goto(`${clinic.url}/${then}`);
  return page;
}

/** A loopback port nothing listens on now. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
