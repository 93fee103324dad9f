import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const PAGE_ROOT = fileURLToPath(new URL('./page', import.meta.url));

/**
 * Bundles the harness page with the real web-llm modules of src/models (its worker included, as the
 * app's build bundles it). Its own config: no PWA plugin, nothing of the app's vite.config.ts.
 */
export async function buildWebllmHarness(outDir: string): Promise<void> {
  await build({
    root: PAGE_ROOT,
    configFile: false,
    envDir: false,
    publicDir: false,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false, chunkSizeWarningLimit: 8192 },
    worker: { format: 'es' },
  });
}
