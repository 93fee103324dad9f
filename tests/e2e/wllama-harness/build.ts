import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const PAGE_ROOT = fileURLToPath(new URL('./page', import.meta.url));

/**
 * Bundles the harness page with the real wllama runtime module (and wllama's .wasm, through the same
 * `?url` import the app uses). Its own config: no PWA plugin, nothing of the app's vite.config.ts.
 */
export async function buildWllamaHarness(outDir: string): Promise<void> {
  await build({
    root: PAGE_ROOT,
    configFile: false,
    envDir: false,
    publicDir: false,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  });
}
