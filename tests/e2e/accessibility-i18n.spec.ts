import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './support/axe';
import { launchBrowser, newContext } from './support/browser';
import { distDir } from './support/dist';
import { type StaticServer, startStaticServer } from './support/static-server';

const LOCALES = resolve(import.meta.dirname, '../../locales');
const SCREENSHOTS = resolve(import.meta.dirname, '../../test-results');
const LANGUAGES = readdirSync(LOCALES);

let browser: Browser;
let server: StaticServer;

beforeAll(async () => {
  server = await startStaticServer(distDir());
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openIn(language: string, size: 'phone' | 'tablet'): Promise<Page> {
  const page = await (await newContext(browser, size)).newPage();
  // Only the first load: a language the user then picks must survive reloads.
  await page.addInitScript((lang) => {
    if (!sessionStorage.getItem('seeded')) {
      localStorage.setItem('language', lang);
      sessionStorage.setItem('seeded', '1');
    }
  }, language);
  await page.goto(server.url);
  await page.waitForFunction((lang) => document.documentElement.lang === lang, language);
  return page;
}

async function searchAndOpen(page: Page, query: string) {
  await page.getByRole('searchbox').fill(query);
  await page.locator('.hit-link').first().waitFor();
}

/**
 * English UI phrases (two words or more, placeholders removed): a single word such as "Version"
 * can be the same in another language, a phrase left in English cannot.
 */
function englishStrings(): string[] {
  const out: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string') {
      for (const part of value.split(/\{\{[^}]+\}\}/)) if (/[a-z]{2,}\W+[a-z]{2,}/i.test(part)) out.push(part.trim());
    } else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  for (const file of readdirSync(join(LOCALES, 'en'))) {
    const strings = JSON.parse(readFileSync(join(LOCALES, 'en', file), 'utf8'));
    delete strings.appName;
    walk(strings);
  }
  return out;
}

describe.each(['phone', 'tablet'] as const)('on a %s', (size) => {
  it.each(['en', 'ar'])('has no serious accessibility violation in %s on any screen', async (language) => {
    const page = await openIn(language, size);
    await searchAndOpen(page, 'malaria');
    expect(await seriousViolations(page)).toEqual([]);
    await page.locator('.hit-link').first().click();
    await page.locator('[aria-current="true"]').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`${server.url}/#/packs`);
    await page.locator('.pack').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`${server.url}/#/clinic`);
    await page.locator('#clinic-heading').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  });
});

describe('languages', () => {
  it('renders Arabic right to left', async () => {
    const page = await openIn('ar', 'tablet');
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    await searchAndOpen(page, 'malaria');
    const box = await page.getByRole('searchbox').boundingBox();
    const brand = await page.locator('.brand').boundingBox();
    // In RTL the brand sits at the right edge of the header.
    expect(brand!.x + brand!.width).toBeGreaterThan(box!.x + box!.width / 2);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'library-arabic-rtl.png'), fullPage: false });
    await page.context().close();
  });

  it.each(LANGUAGES.filter((l) => l !== 'en'))('shows no English UI string in %s', async (language) => {
    const page = await openIn(language, 'tablet');
    const texts: string[] = [];
    const collect = async () => texts.push(await page.evaluate(() => document.body.textContent ?? ''));
    await collect();
    await page.getByRole('searchbox').fill('zzzzqqq');
    await page.locator('.results[data-query="zzzzqqq"]').waitFor();
    await collect();
    await page.goto(`${server.url}/#/packs`);
    await page.locator('.pack').first().waitFor();
    await collect();
    const english = englishStrings();
    const leaked = english.filter((s) => texts.some((t) => t.includes(s)));
    expect(leaked).toEqual([]);
    await page.context().close();
  });

  it('switches language from the picker and remembers it', async () => {
    const page = await openIn('en', 'phone');
    await page.getByRole('combobox', { name: 'Language' }).selectOption('fr');
    await page.waitForFunction(() => document.documentElement.lang === 'fr');
    await page.reload();
    await page.waitForFunction(() => document.documentElement.lang === 'fr');
    expect(await page.getByRole('searchbox').getAttribute('placeholder')).not.toBe('Search: symptoms, a disease, a drug…');
    await page.context().close();
  });
});

describe('keyboard', () => {
  it('searches and opens a result without a pointer', async () => {
    const page = await openIn('en', 'tablet');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.getAttribute('type'))) !== 'search'; i++) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.type('pneumonia chest indrawing');
    await page.locator('.hit-link').first().waitFor();
    await page.keyboard.press('Tab');
    while ((await page.evaluate(() => document.activeElement?.className)) !== 'hit-link') await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.locator('[aria-current="true"]').waitFor();
    await page.context().close();
  });
});
