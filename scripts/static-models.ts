/**
 * Puts models beside the built app for a static host with no clinic server:
 * `npm run static:models -- --models DIR --out dist`. Copies every model the clinic server would mirror
 * from DIR (GGUF files, web-llm model directories) to OUT/models/, and writes OUT/models/catalog.json in the
 * format of the server's `GET /api/models/catalog`, from the server's own catalog code, with URLs relative to
 * the app (`models/<file>.gguf`) so it works under any path of any host.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ModelCatalog } from '../server/src/models/catalog';
import type { CatalogModel } from '../src/core/models/catalog';

/** The catalog's name under OUT/models/, where the app looks when the tablet is not enrolled. */
export const STATIC_CATALOG = 'catalog.json';

/** Copies the models found in `modelsDir` under `outDir/models/` and returns the catalog written beside them. */
export async function writeStaticModels(modelsDir: string, outDir: string): Promise<CatalogModel[]> {
  // Models whose headers cannot be read are left out with a warning naming the file, as on the server.
  const log = pino({ level: 'warn', base: null, timestamp: false }, pino.destination({ dest: 2, sync: true }));
  const models = await new ModelCatalog(resolve(modelsDir), log).models();
  const target = join(outDir, 'models');
  for (const model of models) {
    for (const file of model.files) {
      await mkdir(dirname(join(target, file.path)), { recursive: true });
      await copyFile(join(modelsDir, file.path), join(target, file.path));
    }
  }
  // The server's URLs are absolute on its origin (/models/…); the app resolves these against its own address.
  const relative = models.map((m) => ({ ...m, url: m.url.replace(/^\//, '') }));
  await mkdir(target, { recursive: true });
  await writeFile(join(target, STATIC_CATALOG), `${JSON.stringify({ models: relative }, null, 2)}\n`);
  return relative;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { models: { type: 'string' }, out: { type: 'string', default: 'dist' } } });
  if (!values.models) {
    console.error('Usage: npm run static:models -- --models DIR [--out dist]');
    process.exit(2);
  }
  const models = await writeStaticModels(values.models, values.out);
  const out = join(values.out, 'models', STATIC_CATALOG);
  console.log(models.length === 0 ? `No model found in ${values.models}; ${out} lists none.` : `${models.length} model(s) in ${out}:`);
  for (const m of models) console.log(`  ${m.id} (${m.kind}, ${m.totalBytes} bytes)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
