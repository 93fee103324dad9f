import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../../../scripts/find-chromium';

export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/** A tablet-sized context (or a 360 px phone), touch enabled. */
export function newContext(browser: Browser, size: 'tablet' | 'phone' = 'tablet', locale = 'en-US'): Promise<BrowserContext> {
  const viewport = size === 'phone' ? { width: 360, height: 740 } : { width: 800, height: 1280 };
  return browser.newContext({ viewport, hasTouch: true, locale });
}
