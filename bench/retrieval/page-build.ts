import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const PAGE_ROOT = fileURLToPath(new URL('./page', import.meta.url));

/**
 * Bundles the bench page with the app's real modules. Its own config, not the app's: the bench
 * must not depend on the PWA plugin or on what the app's vite.config.ts does.
 */
export async function buildBenchPage(outDir: string): Promise<void> {
  await build({
    root: PAGE_ROOT,
    configFile: false,
    envDir: false,
    publicDir: false,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  });
}
