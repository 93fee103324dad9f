import lighthouse from 'lighthouse';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser';
import { distDir } from './support/dist';
import { type StaticServer, startStaticServer } from './support/static-server';

const DEBUG_PORT = 9333;
let browser: Browser;
let server: StaticServer;

beforeAll(async () => {
  server = await startStaticServer(distDir());
  browser = await launchBrowser([`--remote-debugging-port=${DEBUG_PORT}`]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('Lighthouse accessibility', () => {
  it.each([
    ['library', '/?lang=en#/?q=malaria'],
    ['packs', '/?lang=en#/packs'],
    ['library in Arabic', '/?lang=ar#/?q=malaria'],
    ['packs in Arabic', '/?lang=ar#/packs'],
    ['clinic server', '/?lang=en#/clinic'],
    ['models', '/?lang=en#/models'],
    ['sync', '/?lang=en#/sync'],
    ['trainer', '/?lang=en#/trainer'],
    ['trainer presenter in Arabic', '/?lang=ar#/trainer/fever-malaria-child/present'],
  ])('scores 100 on the %s screen', async (_name, path) => {
    const result = await lighthouse(`${server.url}${path}`, {
      port: DEBUG_PORT,
      onlyCategories: ['accessibility'],
      logLevel: 'error',
      formFactor: 'mobile',
    });
    const lhr = result!.lhr;
    const failed = Object.values(lhr.audits)
      .filter((a) => a.scoreDisplayMode === 'binary' && a.score === 0)
      .map((a) => a.id);
    expect(failed).toEqual([]);
    expect(lhr.categories.accessibility!.score).toBe(1);
  });
});
