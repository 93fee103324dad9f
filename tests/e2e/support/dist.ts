import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const DIST = resolve(import.meta.dirname, '../../../dist');

/** The production build under test; `npm test` builds it before the end-to-end layer. */
export function distDir(): string {
  if (!existsSync(join(DIST, 'service-worker.js'))) throw new Error('No production build in dist/: run "npm run build" first.');
  return DIST;
}

/** A private copy of the build, for tests that deploy a changed version of it. */
export function copyOfDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'meditron-dist-'));
  cpSync(distDir(), dir, { recursive: true });
  return dir;
}
