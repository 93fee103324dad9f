import { build } from 'vite';

/**
 * Bundles a standalone page (a bench or test harness) with the app's real modules, workers included.
 * Its own config, not the app's: no PWA plugin, nothing vite.config.ts does.
 */
export async function buildStandalonePage(root: string, outDir: string): Promise<void> {
  await build({
    root,
    configFile: false,
    envDir: false,
    publicDir: false,
    logLevel: 'warn',
    // web-llm's bundle is 6 MB: large chunks are expected here.
    build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false, chunkSizeWarningLimit: 8192 },
    worker: { format: 'es' },
  });
}
