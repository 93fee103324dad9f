import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../server/src/admin/cli';
import { limitConcurrency } from '../../server/src/inference/concurrency';
import { createLlamaEngine } from '../../server/src/inference/llama-engine';
import { contentHash, writePack } from '../../src/core/pack/pack-reader';
import type { Excerpt } from '../../src/core/pack/pack-schema';
import { makeExcerpts, makePack, makePackParts } from '../fixtures/pack';
import { seededRandom } from '../fixtures/random';
import { tinyModelPath } from '../fixtures/tiny-model';
import { startTestServer, type TestServer } from '../server/support/test-server';
import { seriousViolations } from './support/axe';
import { launchBrowser, newContext } from './support/browser';
import { enrolledTablet, freePort, pinOf } from './support/clinic';
import { distDir } from './support/dist';

// Base-camp sync between a real clinic server (real llama.cpp on a generated model, real SQLite, signed
// packs) and tablets that are separate Chromium contexts, each with its own IndexedDB and token.

let engine: Awaited<ReturnType<typeof createLlamaEngine>>;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  engine = await createLlamaEngine({ modelPath: await tinyModelPath(), parallel: 2, threads: 1 });
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await engine?.close();
});

const TITLE = 'District fever guide';

/** Version `v` of the clinic's pack: 400 excerpts, of which the first `v` × 5% were rewritten since version 1. */
function packVersion(v: number): Excerpt[] {
  const changed = Math.round(400 * 0.05) * (v - 1);
  return makeExcerpts(400).map((e, i) => (i < changed ? { ...e, text: `${e.text} Revised in edition ${v} with wordv${v}.` } : e));
}

/** A clinic with a publisher key and version 1 of its pack, on a fixed port so it can be restarted on the same data. */
async function clinic() {
  const dataDir = mkdtempSync(join(tmpdir(), 'meditron-sync-e2e-'));
  const port = await freePort();
  const admin = async (...args: string[]) => expect(await runAdmin(['--data', dataDir, ...args], () => {})).toBe(0);
  await admin('publisher-key', '--name', 'District clinic');
  await admin('settings', '--clinic-name', 'Kalemie base camp');
  const publish = async (version: number, excerpts = packVersion(version)) => {
    const file = join(dataDir, `pack-${version}.jsonl`);
    writeFileSync(file, makePack({ id: 'fever', version: String(version), manifest: { title: TITLE }, excerpts }));
    await admin('pack-import', file, '--publish');
  };
  await publish(1);
  const start = () =>
    startTestServer({
      args: ['--static-dir', distDir()],
      engine: limitConcurrency(engine, { parallel: 2, queueLimit: 64, timeoutMs: 60_000 }),
      dataDir,
      port,
    });
  const state = { server: await start() };
  const browser = await launchBrowser([`--ignore-certificate-errors-spki-list=${pinOf(state.server)}`]);
  cleanups.push(async () => {
    await browser.close();
    await state.server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const restart = async () => {
    await state.server.close();
    state.server = await start();
  };
  return { dataDir, state, browser, publish, restart };
}

async function ask(page: Page, question: string) {
  await page.goto(new URL('#/ask', page.url()).href);
  await page.getByLabel('Question', { exact: true }).fill(question);
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  await page.getByText('Queued: it will be answered', { exact: false }).waitFor();
}

function jobsFor(server: TestServer, question: string): number {
  const row = server.ctx.db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE json_extract(request, '$.question') = ?").get(question);
  return (row as { n: number }).n;
}

/** The tablet's questions and their states, and its installed pack, read from its IndexedDB. */
function tabletState(page: Page) {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('meditron-field');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const all = <T>(store: string) =>
      new Promise<T[]>((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result as T[]);
        request.onerror = () => reject(request.error);
      });
    const outbox = await all<{ question: string; state: string; answer?: string }>('outbox');
    const packs = await all<{ id: string; manifest: { version: string } }>('packs');
    const excerpts = await all<{ packId: string; text: string }>('excerpts');
    const downloads = await all<unknown>('downloads');
    db.close();
    return {
      questions: outbox.map((o) => ({ question: o.question, state: o.state, answered: Boolean(o.answer) })),
      versions: Object.fromEntries(packs.map((p) => [p.id, p.manifest.version])),
      feverTexts: excerpts.filter((e) => e.packId === 'fever').map((e) => e.text),
      downloads: downloads.length,
    };
  });
}

async function syncNow(page: Page) {
  await page.goto(new URL('#/sync', page.url()).href);
  await page.getByRole('button', { name: 'Sync now' }).click();
}

describe('base-camp sync', () => {
  it('brings the pack to two tablets, updates it as a delta, and gives each tablet only its own answers', {
    timeout: 180_000,
  }, async () => {
    const { state, browser, publish, dataDir } = await clinic();
    const a = await enrolledTablet(browser, state.server, '#/sync');
    const b = await enrolledTablet(browser, state.server, '#/sync');
    for (const page of [a, b]) {
      await page.getByText(`${TITLE} (version 1) came from the clinic server.`).waitFor({ timeout: 30_000 });
      await page.getByText('Clinic: Kalemie base camp', { exact: false }).waitFor();
    }

    await publish(2);
    for (const page of [a, b]) {
      await syncNow(page);
      await page.getByText(`${TITLE} was updated to version 2 from the clinic server: 20 excerpts changed, 0 new, 0 removed.`).waitFor({
        timeout: 30_000,
      });
      expect((await tabletState(page)).feverTexts).toEqual(packVersion(2).map((e) => e.text));
    }

    // Tablet A asks offline; B asks nothing. A's answers come to A only.
    await a.context().setOffline(true);
    const questions = ['Fever for three days in a child of four: malaria test first?', 'Fever and stiff neck in an adult: what to do?'];
    for (const question of questions) await ask(a, question);
    await a.context().setOffline(false);
    await syncNow(a);
    await expect
      .poll(async () => (await tabletState(a)).questions.map((q) => q.state), { timeout: 60_000, interval: 500 })
      .toEqual(['answered', 'answered']);
    await syncNow(b);
    await b.getByText('Last successful sync', { exact: false }).waitFor();
    expect((await tabletState(b)).questions).toEqual([]);
    for (const question of questions) expect(jobsFor(state.server, question)).toBe(1);

    // A tampered version 3 (one excerpt edited on the server after signing, its hash restated) is refused
    // with the reason, and the library stays at version 2 (an unsigned pack: tests/e2e/clinic-packs.spec.ts).
    await publish(3);
    const parts = makePackParts({ id: 'fever', version: '3', manifest: { title: TITLE }, excerpts: packVersion(3) });
    const altered = parts.excerpts.map((e, i) => (i === 100 ? { ...e, text: 'Give ten times the dose.' } : e));
    const file = Buffer.from(writePack({ ...parts.manifest, contentHash: contentHash(altered) }, altered));
    const stored = join(dataDir, 'packs', 'fever', '3.jsonl');
    writeFileSync(stored, file);
    writeFileSync(`${stored}.gz`, gzipSync(file));
    writeFileSync(`${stored}.br`, brotliCompressSync(file));
    // The deltas made at publication go too: the server makes them again, from the altered file.
    rmSync(join(dataDir, 'packs', 'fever', 'deltas'), { recursive: true, force: true });
    await syncNow(b);
    const refusal = b.getByRole('alert').filter({ hasText: `${TITLE} (version 3) was not installed` });
    await refusal.waitFor({ timeout: 30_000 });
    expect(await refusal.textContent()).toMatch(/altered|does not match/);
    expect((await tabletState(b)).versions).toMatchObject({ fever: '2' });
    expect((await tabletState(b)).feverTexts).toEqual(packVersion(2).map((e) => e.text));

    // The sync screen in Arabic on a 360 px phone: right to left, and axe finds nothing serious.
    const phone = await (await newContext(browser, 'phone', 'ar')).newPage();
    await phone.goto(`${state.server.url}/?lang=ar#/sync`);
    await phone.locator('h1').waitFor();
    expect(await phone.evaluate(() => document.documentElement.dir)).toBe('rtl');
    expect(await seriousViolations(phone)).toEqual([]);
    await a.getByRole('heading', { name: 'Sync with the clinic' }).waitFor();
    expect(await seriousViolations(a)).toEqual([]);
  });

  it('resumes a sync cut at random points (server killed, network dropped) with nothing lost or applied twice', {
    timeout: 300_000,
  }, async () => {
    const { state, browser, publish, restart } = await clinic();
    const tablet = await enrolledTablet(browser, state.server, '#/sync');
    await tablet.getByText(`${TITLE} (version 1) came from the clinic server.`).waitFor({ timeout: 30_000 });
    const random = seededRandom(20261125);
    const asked: string[] = [];
    const RUNS = 6;
    for (let run = 0; run < RUNS; run++) {
      await tablet.context().setOffline(true);
      for (let i = 0; i < 2; i++) {
        const question = `Run ${run} question ${i}: fever with rash in a child, what next?`;
        await ask(tablet, question);
        asked.push(question);
      }
      await publish(run + 2);
      await tablet.context().setOffline(false);
      await syncNow(tablet);
      // Cut somewhere in the push, the pull, the answers or the pack download.
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 1500)));
      if (random() < 0.5) {
        await restart();
      } else {
        await tablet.context().setOffline(true);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await tablet.context().setOffline(false);
      }
    }

    const last = String(RUNS + 1);
    await expect
      .poll(
        async () => {
          await syncNow(tablet).catch(() => undefined);
          const s = await tabletState(tablet);
          return { answered: s.questions.filter((q) => q.state === 'answered').length, version: s.versions.fever };
        },
        { timeout: 120_000, interval: 2_000 },
      )
      .toEqual({ answered: asked.length, version: last });

    const final = await tabletState(tablet);
    expect(final.questions.map((q) => q.question).sort()).toEqual([...asked].sort());
    expect(final.questions.every((q) => q.answered)).toBe(true);
    for (const question of asked) expect(jobsFor(state.server, question)).toBe(1);
    expect(final.feverTexts).toEqual(packVersion(RUNS + 1).map((e) => e.text));
    expect(final.downloads).toBe(0);
  });
});
