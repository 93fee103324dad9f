import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitConcurrency } from '../../server/src/inference/concurrency';
import { createLlamaEngine } from '../../server/src/inference/llama-engine';
import { tinyModelPath } from '../fixtures/tiny-model';
import { startTestServer, type TestServer } from '../server/support/test-server';
import { launchBrowser } from './support/browser';
import { enrolledTablet as enrollTablet, freePort, pinOf } from './support/clinic';
import { distDir } from './support/dist';

// A real clinic server answering with real llama.cpp on a generated random-weight model: the answers
// are gibberish, so these tests check the flow (streaming, queueing, exactly-once), not the wording.
let server: TestServer;
let browser: Browser;
let engine: Awaited<ReturnType<typeof createLlamaEngine>>;

beforeAll(async () => {
  engine = await createLlamaEngine({ modelPath: await tinyModelPath(), parallel: 2, threads: 1 });
  server = await startTestServer({
    args: ['--static-dir', distDir()],
    engine: limitConcurrency(engine, { parallel: 2, queueLimit: 16, timeoutMs: 60_000 }),
  });
  browser = await launchBrowser([`--ignore-certificate-errors-spki-list=${pinOf(server)}`]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The shared enrollment, with this file's browser and server by default. */
const enrolledTablet = (on: Browser = browser, clinic: TestServer = server) => enrollTablet(on, clinic);

async function ask(page: Page, question: string) {
  await page.getByLabel('Question', { exact: true }).fill(question);
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
}

function jobsOnServer(question: string, clinic: TestServer = server): number {
  return (
    clinic.ctx.db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE json_extract(request, '$.question') = ?").get(question) as { n: number }
  ).n;
}

describe('asking a question', () => {
  it('streams an answer from the clinic server, with the excerpts it used', async () => {
    const page = await enrolledTablet();
    await ask(page, 'How much ORS for a child with diarrhoea and some dehydration?');
    await page.getByText('Answered by the clinic server', { exact: false }).first().waitFor({ timeout: 60_000 });
    const answer = await page.locator('.ask-result').textContent();
    expect(answer?.length).toBeGreaterThan(0);
    expect(await page.locator('.ask-result .hit').count()).toBeGreaterThan(0);
    await page.context().close();
  });

  it('keeps a question asked offline across a reload, and answers it once when back online', async () => {
    const page = await enrolledTablet();
    const question = 'What is the dose of amoxicillin for pneumonia in a 3 year old?';
    await page.context().setOffline(true);
    await ask(page, question);
    await page.getByText('Queued: it will be answered', { exact: false }).waitFor();
    await page.reload();
    await page.locator('.ask-history-item', { hasText: question }).getByText('Queued').waitFor();
    expect(jobsOnServer(question)).toBe(0);

    await page.context().setOffline(false);
    await page
      .locator('.ask-history-item', { hasText: question })
      .locator('.ask-meta', { hasText: /· Answered$/ })
      .waitFor({ timeout: 60_000 });
    expect(jobsOnServer(question)).toBe(1);
    await page.context().close();
  });

  it('flags danger signs at once, with the network off', async () => {
    const page = await enrolledTablet();
    await page.context().setOffline(true);
    await ask(page, 'Child 2 years with convulsions, cannot drink, very sleepy. What to do?');
    const banner = page.getByRole('alert').filter({ hasText: 'refer urgently' });
    expect(await banner.count()).toBe(1);
    expect(await banner.textContent()).toMatch(/convulsions/i);
    await page.context().close();
  });

  it('puts a question back in the queue with its partial answer when the server dies mid-answer, then answers it once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'meditron-clinic-restart-'));
    const port = await freePort();
    const start = () => startTestServer({ args: ['--static-dir', distDir()], engine, dataDir, port });
    const first = await start();
    // Same data directory, same certificate: the restarted server is the one the tablet knows.
    const tabletBrowser = await launchBrowser([`--ignore-certificate-errors-spki-list=${pinOf(first)}`]);
    const page = await enrolledTablet(tabletBrowser, first);
    const question = 'Child with cough and fast breathing, what antibiotic and for how long?';
    await ask(page, question);
    await page.waitForFunction(() => (document.querySelector('.ask-answer-text')?.textContent ?? '').length > 0);
    await first.close(); // Every open connection is cut, the answer's stream with it.

    await page.getByText('The connection broke', { exact: false }).first().waitFor();
    const item = page.locator('.ask-history-item', { hasText: question });
    await item.locator('.ask-meta', { hasText: /· Queued$/ }).waitFor();

    const second = await start();
    await item.locator('.ask-meta', { hasText: /· Answered$/ }).waitFor({ timeout: 60_000 });
    expect(jobsOnServer(question, second)).toBe(1);
    await tabletBrowser.close();
    await second.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lets the service worker send a queued question through Background Sync, with the app closed', async () => {
    const page = await enrolledTablet();
    const question = 'How should zinc be given to an infant with diarrhoea?';
    await page.context().setOffline(true);
    await ask(page, question);
    await page
      .locator('.ask-history-item', { hasText: question })
      .locator('.ask-meta', { hasText: /· Queued$/ })
      .waitFor();
    const tags = await page.evaluate(async () => {
      const registration = (await navigator.serviceWorker.ready) as ServiceWorkerRegistration & { sync: { getTags(): Promise<string[]> } };
      return registration.sync.getTags();
    });
    expect(tags).toContain('outbox');

    // Close the app: only the service worker can send the question now. Chromium fires the sync event
    // when the network returns; CDP fires it on demand, so the test does not wait on the browser's timing.
    const cdp = await page.context().newCDPSession(page);
    const registrations: { registrationId: string; scopeURL: string }[] = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
    await cdp.send('ServiceWorker.enable');
    await expect.poll(() => registrations.length).toBeGreaterThan(0);
    await page.goto('about:blank');
    await page.context().setOffline(false);
    expect(jobsOnServer(question)).toBe(0);
    await cdp.send('ServiceWorker.dispatchSyncEvent', {
      origin: server.url,
      registrationId: registrations[0]!.registrationId,
      tag: 'outbox',
      lastChance: false,
    });
    await expect.poll(() => jobsOnServer(question), { timeout: 30_000 }).toBe(1);
    await page.context().close();
  });
});
