// npm run bench:bundle [-- --skip-build] [--dist DIR]
// What a first visit costs: the gzipped JavaScript needed before the library is usable, and the bytes
// the service worker precaches. The last stdout line is {"initialJsGzipBytes": N, "precacheBytes": M}.
import { spawnSync } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const REPO = fileURLToPath(new URL('../', import.meta.url));
/** Where the app's service worker may be emitted, by the names our config and Workbox's default give it. */
const SW_NAMES = ['sw.js', 'service-worker.js'];

const log = (line: string) => process.stderr.write(`[bench:bundle] ${line}\n`);

/** URL paths (from the site root, no leading slash) of the module scripts index.html loads or preloads. */
export function entryScripts(html: string): string[] {
  const urls: string[] = [];
  for (const tag of html.match(/<(script|link)\b[^>]*>/gi) ?? []) {
    const attr = (name: string) => new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`, 'i').exec(tag)?.[1];
    const url = /^<script/i.test(tag) ? attr('type') === 'module' && attr('src') : attr('rel') === 'modulepreload' && attr('href');
    if (url && !/^[a-z]+:/i.test(url)) urls.push(sitePath(url, ''));
  }
  return [...new Set(urls)];
}

/**
 * Relative specifiers a built chunk imports statically: `import … from "./x.js"`, `import "./x.js"`
 * and `export … from "./x.js"`. Dynamic `import("./x.js")` and `new Worker(new URL(…))` load later
 * or elsewhere, so they are not matched.
 */
export function staticImports(code: string): string[] {
  const specifiers: string[] = [];
  const pattern = /(?:^|[^\w$.])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+)["']/g;
  for (const match of code.matchAll(pattern)) {
    const specifier = match[1]!;
    if (specifier.startsWith('.') || specifier.startsWith('/')) specifiers.push(specifier);
  }
  return specifiers;
}

/** A URL path from the site root, without leading slash, query or hash. */
function sitePath(url: string, fromDir: string): string {
  const path = decodeURIComponent(url.replace(/[?#].*$/, ''));
  return posix.normalize(path.startsWith('/') ? path.slice(1) : posix.join(fromDir, path));
}

/** Entry scripts and everything they import statically, transitively. */
export async function initialScripts(dist: string, html: string): Promise<string[]> {
  const entries = entryScripts(html);
  if (entries.length === 0) throw new Error('index.html loads no module script.');
  const loaded: string[] = [];
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const code = await readFile(join(dist, path), 'utf8').catch(() => null);
    if (code === null) {
      if (entries.includes(path)) throw new Error(`index.html loads ${path}, which is not in ${dist}.`);
      // Import-like text inside a string, not an import: nothing to load.
      log(`warning: ${path} looks imported but is not in dist; not counted`);
      continue;
    }
    loaded.push(path);
    for (const specifier of staticImports(code)) queue.push(sitePath(specifier, posix.dirname(path)));
  }
  return loaded;
}

/**
 * The precache manifest Workbox injected in place of `self.__WB_MANIFEST`: a JSON array of
 * `{url, revision}` entries (plain strings are allowed too), found by its first key.
 */
export function precacheManifest(sw: string): string[] {
  const start = sw.search(/\[\s*\{\s*"(?:url|revision)"\s*:/);
  if (start < 0) throw new Error('No injected precache manifest ([{"url"…}] or [{"revision"…}]) in the service worker.');
  const entries = JSON.parse(sw.slice(start, arrayEnd(sw, start))) as (string | { url: string; revision?: string | null })[];
  return entries.map((e) => (typeof e === 'string' ? e : e.url));
}

/** Index just past the `]` closing the JSON array that opens at `start`, strings skipped. */
function arrayEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  throw new Error('The precache manifest array is not closed.');
}

async function findServiceWorker(dist: string): Promise<string> {
  for (const name of SW_NAMES) {
    if (await stat(join(dist, name)).catch(() => null)) return join(dist, name);
  }
  // Another name in vite.config.ts: the top-level script that carries a manifest.
  for (const name of (await readdir(dist)).filter((n) => n.endsWith('.js'))) {
    if (/\[\s*\{\s*"(?:url|revision)"\s*:/.test(await readFile(join(dist, name), 'utf8'))) return join(dist, name);
  }
  throw new Error(`No service worker with a precache manifest in ${dist}.`);
}

export async function measureBundle(dist: string): Promise<{ initialJsGzipBytes: number; precacheBytes: number }> {
  const html = await readFile(join(dist, 'index.html'), 'utf8');
  let initialJsGzipBytes = 0;
  for (const path of await initialScripts(dist, html)) {
    const code = await readFile(join(dist, path));
    const gzipped = gzipSync(code, { level: 9 }).byteLength;
    initialJsGzipBytes += gzipped;
    log(`initial ${path}: ${code.byteLength} B, ${gzipped} B gzipped`);
  }

  const swPath = await findServiceWorker(dist);
  // Entries are relative to the service worker's own URL.
  const swDir = posix.dirname(relative(dist, swPath).split(sep).join('/'));
  const urls = [...new Set(precacheManifest(await readFile(swPath, 'utf8')).map((u) => sitePath(u, swDir)))];
  let precacheBytes = 0;
  for (const url of urls) {
    const info = await stat(join(dist, url)).catch(() => null);
    if (!info?.isFile()) throw new Error(`Precached ${url} is not in ${dist}.`);
    precacheBytes += info.size;
  }
  log(`precache (${relative(dist, swPath)}): ${urls.length} URLs, ${precacheBytes} B`);
  return { initialJsGzipBytes, precacheBytes };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'skip-build': { type: 'boolean' }, dist: { type: 'string' } } });
  const dist = resolve(REPO, values.dist ?? 'dist');
  if (!values['skip-build']) {
    // The app's own build (demo pack included, which the service worker precaches), not a copy of it.
    log('npm run build');
    const built = spawnSync('npm', ['run', 'build'], { cwd: REPO, stdio: ['ignore', 2, 2] });
    if (built.status !== 0) throw new Error(`npm run build failed (exit ${built.status ?? built.signal})`);
  }
  process.stdout.write(`${JSON.stringify(await measureBundle(dist))}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    log(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
