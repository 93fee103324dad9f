import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import scenarios from '../../content/trainer/scenarios.json';
import { runAdmin } from '../../server/src/admin/cli';
import { FeedbackStore } from '../../server/src/feedback/feedback-store';
import { limitConcurrency } from '../../server/src/inference/concurrency';
import { createLlamaEngine } from '../../server/src/inference/llama-engine';
import { tinyModelPath } from '../fixtures/tiny-model';
import { startTestServer } from '../server/support/test-server';
import { seriousViolations } from './support/axe';
import { launchBrowser, newContext } from './support/browser';
import { enrolledTablet, pinOf } from './support/clinic';
import { distDir } from './support/dist';

// Clinicians' feedback from a tablet to the admin's export, and trainer mode with no model and no network,
// against a real clinic server (real llama.cpp on the generated model for the answers being rated).

const SCREENSHOTS = resolve(import.meta.dirname, '../../test-results');
const cleanups: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function ask(page: Page, question: string) {
  await page.getByLabel('Question', { exact: true }).fill(question);
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  await page.getByText('Answered by the clinic server', { exact: false }).first().waitFor({ timeout: 60_000 });
}

async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, name) });
}

describe('clinician feedback', () => {
  it('is given offline, synced, and exported: a rating, and a pairwise vote as a preference pair', { timeout: 180_000 }, async () => {
    const engine = await createLlamaEngine({ modelPath: await tinyModelPath(), parallel: 2, threads: 1 });
    const dataDir = mkdtempSync(join(tmpdir(), 'meditron-feedback-e2e-'));
    const server = await startTestServer({
      args: ['--static-dir', distDir()],
      engine: limitConcurrency(engine, { parallel: 2, queueLimit: 16, timeoutMs: 60_000 }),
      dataDir,
    });
    const browser = await launchBrowser([`--ignore-certificate-errors-spki-list=${pinOf(server)}`]);
    cleanups.push(async () => {
      await browser.close();
      await server.close();
      await engine.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const page = await enrolledTablet(browser, server);
    const question = 'How is severe dehydration treated in a child with diarrhoea?';
    await ask(page, question);
    // The same question for a child of two: another prompt, so another answer to compare with the first.
    await page.getByLabel('Age', { exact: true }).selectOption({ label: 'child (1 to 4 years)' });
    await ask(page, question);
    const items = page.locator('.ask-history-item', { hasText: question });
    await expect.poll(() => items.locator('.ask-meta', { hasText: /· Answered$/ }).count(), { timeout: 60_000 }).toBe(2);

    // The network goes: the feedback is given all the same.
    await page.context().setOffline(true);
    await items.first().getByRole('link', { name: 'Rate this answer' }).click();
    await page.getByRole('heading', { name: 'Rate this answer' }).waitFor();
    const clarity = page.getByRole('group', { name: /^Clarity/ });
    await clarity.getByRole('radio', { name: '4 — good' }).check();
    await page
      .getByRole('group', { name: /^Harmlessness/ })
      .getByRole('radio', { name: '5 — excellent' })
      .check();
    await page.getByLabel('Your setting').fill('Primary care, Ethiopia');
    await page.getByLabel('Comment (optional)').fill('Clear, but the ORS volume should be given per kilogram.');
    await page.getByRole('button', { name: 'Save feedback' }).click();
    await page.getByText('Saved on this tablet. It goes to the clinic server at the next sync.').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'feedback-form-en.png');

    await page.goto(`${server.url}/#/ask`);
    await items.first().getByRole('link', { name: 'Compare the two answers' }).click();
    await page.getByRole('heading', { name: 'Compare two answers' }).waitFor();
    const answerA = page.getByRole('article', { name: /^Answer A/ });
    await answerA
      .getByRole('group', { name: /^Relevance and completeness/ })
      .getByRole('radio', { name: '4 — good' })
      .check();
    await page.getByRole('radio', { name: 'Answer A' }).check();
    await page.getByRole('button', { name: 'Save feedback' }).click();
    await page.getByText('Saved on this tablet.', { exact: false }).waitFor();
    const squash = (text: unknown) => String(text).replace(/\s+/g, ' ').trim();
    const answerAText = squash(await answerA.locator('.feedback-answer-text').textContent());
    const pairUrl = page.url();

    // In Arabic on a phone: right to left, and nothing serious for axe.
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(pairUrl.replace('/#/', '/?lang=ar#/'));
    await page.getByRole('heading', { name: 'قارن بين إجابتين' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'feedback-form-ar.png');

    // Back in reach: the sync takes both records to the server, and the admin exports them.
    await page.context().setOffline(false);
    await page.goto(`${server.url}/?lang=en#/sync`);
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => new FeedbackStore(server.ctx.db).list().length, { timeout: 30_000 }).toBe(2);
    const out = join(dataDir, 'export');
    expect(await runAdmin(['--data', dataDir, 'feedback-export', '--out', out], () => {})).toBe(0);
    const lines = (file: string) =>
      readFileSync(join(out, file), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const ratings = lines('feedback-ratings.jsonl');
    expect(ratings).toContainEqual(
      expect.objectContaining({
        question,
        criteria: { clarity: 4, harmlessness: 5 },
        setting: 'Primary care, Ethiopia',
        comment: 'Clear, but the ORS volume should be given per kilogram.',
        engine: 'clinic',
      }),
    );
    const pairs = lines('feedback-preferences.jsonl');
    expect(pairs).toHaveLength(1);
    expect(pairs[0]).toMatchObject({ prompt: question });
    expect(squash(pairs[0]!.chosen)).toBe(answerAText);
    expect(pairs[0]!.rejected).not.toBe(pairs[0]!.chosen);

    // With a model at hand, trainer mode has it answer too, from the excerpts, and queues nothing.
    const scenario = scenarios[0]!;
    await page.goto(`${server.url}/#/trainer/${scenario.id}`);
    await page.getByRole('button', { name: `Ask the app: ${scenario.questions[0]!.text.en}` }).click();
    await page.getByText("Answered by the clinic server's model", { exact: false }).waitFor({ timeout: 60_000 });
    const outbox = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('meditron-field');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const count = open.result.transaction('outbox').objectStore('outbox').count();
            count.onsuccess = () => resolve(count.result);
            count.onerror = () => reject(count.error);
          };
        }),
    );
    expect(outbox).toBe(2);
  });
});

describe('trainer mode', () => {
  it('runs a scenario from start to end with no model and the network off, and shows it to a room', { timeout: 120_000 }, async () => {
    // The run command alone: the clinic server with the demo pack, no model.
    const server = await startTestServer({ args: ['--static-dir', distDir()] });
    const browser = await launchBrowser([`--ignore-certificate-errors-spki-list=${pinOf(server)}`]);
    cleanups.push(async () => {
      await browser.close();
      await server.close();
    });
    const page = await (await newContext(browser, 'tablet')).newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${server.url}/#/trainer`);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.getByRole('heading', { name: 'Trainer mode' }).waitFor();
    // The demo pack installs on first start; then the network goes.
    await page.goto(`${server.url}/#/packs`);
    await page.locator('.pack-title', { hasText: 'Humanitarian essentials' }).waitFor({ timeout: 30_000 });
    await page.context().setOffline(true);
    await page.reload();

    const scenario = scenarios[0]!;
    await page.goto(`${server.url}/#/trainer`);
    await page
      .locator('.scenario-card', { hasText: scenario.title.en })
      .getByRole('link', { name: /^Run the case/ })
      .click();
    await page.getByRole('heading', { name: scenario.title.en }).waitFor();
    for (const [i, question] of scenario.questions.entries()) {
      await page.getByRole('button', { name: `Ask the app: ${question.text.en}` }).click();
      const item = page.locator('.scenario-question').nth(i);
      await item.getByText('Excerpts only: no model can answer on this device', { exact: false }).waitFor();
      const found = await item.getByText(/of the \d+ expected excerpts found/).textContent();
      expect(Number(found?.match(/^(\d+)/)?.[1])).toBeGreaterThan(0);
    }
    await page.getByText(`${scenario.questions.length} of ${scenario.questions.length} questions asked`).waitFor();
    for (const point of scenario.teachingPoints.en) await page.getByText(point).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // The presenter view, step by step with the keyboard, to the teaching points.
    await page.getByRole('link', { name: 'Presenter view' }).click();
    await page.getByRole('heading', { name: 'The case' }).waitFor();
    await screenshot(page, 'trainer-presenter-en.png');
    for (let step = 0; step <= scenario.questions.length; step++) await page.keyboard.press('ArrowRight');
    await page.getByRole('heading', { name: 'Teaching points' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.goto(`${server.url}/?lang=ar#/trainer/${scenario.id}/present`);
    await page.getByRole('heading', { name: 'الحالة' }).waitFor();
    await page.getByText(scenario.story.ar).waitFor();
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'trainer-presenter-ar.png');

    // The demo data comes back as shipped, offline, after a session that removed it.
    await page.goto(`${server.url}/?lang=en#/packs`);
    await page.getByRole('button', { name: /^Remove Humanitarian essentials/ }).click();
    await expect.poll(() => page.locator('.pack-title', { hasText: 'Humanitarian essentials' }).count()).toBe(0);
    await page.goto(`${server.url}/#/trainer`);
    await page.getByRole('button', { name: 'Reset demo data' }).click();
    await page.getByText('The demo data is restored.').waitFor({ timeout: 30_000 });
    await page.goto(`${server.url}/#/packs`);
    await page.locator('.pack-title', { hasText: 'Humanitarian essentials' }).waitFor();
  });
});
