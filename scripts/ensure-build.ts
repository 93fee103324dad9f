// `npm start` serves the built app: build it first when dist/ is missing or older than its sources.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['src', 'locales', 'public', 'content', 'index.html', 'verify-webgpu.html', 'vite.config.ts', 'package-lock.json'];
const BUILT = 'dist/index.html';

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), stat.mtimeMs);
}

const builtAt = existsSync(BUILT) ? statSync(BUILT).mtimeMs : 0;
// The generated demo pack lives in public/ too; it is rewritten by every build, so ignore it.
const sourcesAt = Math.max(...SOURCES.map((p) => (p === 'public' ? newestExcept(p, 'packs') : newest(p))));

function newestExcept(dir: string, skip: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir)
    .filter((name) => name !== skip)
    .reduce((latest, name) => Math.max(latest, newest(join(dir, name))), 0);
}

if (sourcesAt > builtAt) {
  console.log(builtAt ? 'Sources changed since the last build: building the app…' : 'Building the app (first start)…');
  execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
}
