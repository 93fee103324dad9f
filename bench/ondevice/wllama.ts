import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { buildStandalonePage } from '../../scripts/build-page';
import { type FolderServer, ISOLATION_HEADERS, serveFolder } from '../../scripts/serve-folder';
import { launchBrowser } from '../../tests/e2e/support/browser';
import type { Outcome } from '../../tests/e2e/wllama-harness/protocol';

/** The wllama harness page of the end-to-end tests: the same code measured as tested. */
const HARNESS_PAGE = fileURLToPath(new URL('../../tests/e2e/wllama-harness/page', import.meta.url));

import { CONTEXT_TOKENS, MAX_TOKENS, type Round, roundFigures } from './protocol';

/** The app's wllama runtime in headless Chromium, in a cross-origin isolated page as the app is served. */
export interface WllamaSide {
  generate(prompt: string): Promise<Round>;
  close(): Promise<void>;
}

function value<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`wllama: ${outcome.error.kind ?? outcome.error.name}: ${outcome.error.message}`);
  return outcome.value;
}

export async function openWllama(modelPath: string, threads: number, log: (line: string) => void): Promise<WllamaSide> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-ondevice-'));
  let server: FolderServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await buildStandalonePage(HARNESS_PAGE, dir);
    server = await serveFolder(dir, new Map([['/models/bench.gguf', modelPath]]), ISOLATION_HEADERS);
    browser = await launchBrowser();
    const page: Page = await browser.newPage();
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => 'harness' in window);
    const info = await page.evaluate(() => window.harness.info());
    if (!info.crossOriginIsolated) throw new Error('wllama: the bench page is not cross-origin isolated');
    log(`page: cross-origin isolated, ${info.hardwareConcurrency} cores, the app would use ${info.defaultThreads} thread(s)`);
    const requirements = {
      memoryBytes: 256 * 2 ** 20,
      shaderF16: false,
      contextTokens: CONTEXT_TOKENS,
      promptProfile: 'completion' as const,
    };
    const loaded = value(
      await page.evaluate((spec) => window.harness.load('bench', spec), { urls: ['/models/bench.gguf'], requirements, threads }),
    );
    log(`wllama: ${loaded.progress.at(-1)?.detail} in ${Math.round(loaded.ms)} ms`);
    return {
      async generate(prompt) {
        const run = value(
          await page.evaluate((request) => window.harness.answer('bench', { request }), { prompt, maxTokens: MAX_TOKENS, temperature: 0 }),
        );
        if (run.result.finishReason !== 'length') throw new Error(`wllama: finished by ${run.result.finishReason}, expected length`);
        const first = run.chunks[0];
        if (!first) throw new Error('wllama: no text came');
        // finishReason 'length' means llama.cpp generated exactly max_tokens tokens.
        return roundFigures(run.startMs, first.atMs, run.endMs, MAX_TOKENS, run.result.text);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
