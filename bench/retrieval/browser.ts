import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../../scripts/find-chromium';

const ARGS = [
  ...CHROMIUM_ARGS,
  // Exact usedJSHeapSize rather than Chromium's bucketed figure, and window.gc() to settle it.
  '--enable-precise-memory-info',
  '--js-flags=--expose-gc',
];

/**
 * Runs `use` in a bench page of a browser launched for it alone, on a persistent profile: IndexedDB
 * survives from one launch to the next, the JS heap does not, as when a tablet reopens the app.
 */
export async function withBenchPage<T>(
  profileDir: string,
  url: string,
  log: (line: string) => void,
  use: (page: Page) => Promise<T>,
): Promise<T> {
  // Debian's Chromium (or CHROMIUM_PATH): the bench never downloads a browser.
  const executablePath = findChromium();
  const context = await chromium.launchPersistentContext(profileDir, { executablePath, headless: true, args: ARGS });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') log(`page ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    await page.goto(url);
    await page.waitForFunction(() => 'bench' in window);
    return await use(page);
  } finally {
    await context.close();
  }
}
