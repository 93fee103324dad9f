import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

export default defineConfig({
  plugins: [
    react(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'service-worker.ts',
      // The user decides when to update: never reload in the middle of someone's work.
      registerType: 'prompt',
      // Registered from <PwaStatus /> through virtual:pwa-register/react.
      injectRegister: false,
      manifest: {
        name: 'Meditron Field',
        short_name: 'Meditron',
        description: 'Offline clinical guideline excerpts and Meditron models for health workers.',
        theme_color: '#0b5d4b',
        background_color: '#ffffff',
        display: 'standalone',
        start_url: '/',
        scope: '/',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-512-maskable.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      // The png glob below already precaches them; listing them twice would duplicate entries.
      includeManifestIcons: false,
      injectManifest: {
        // The app shell (lazy locale chunks included) and the demo pack, so a fresh install works offline.
        globPatterns: ['**/*.{js,css,html,svg,png,woff2,json}', 'packs/demo.pack.jsonl'],
        // web-llm's code (its worker and the module driving it, about 6 MB each) is not for every tablet:
        // the service worker keeps it the first time a model loads (see src/sw/service-worker.ts).
        globIgnores: ['**/node_modules/**/*', 'assets/webllm-*.js'],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
      },
    }),
  ],
  build: {
    target: 'es2022',
    outDir: 'dist',
    // verify-webgpu.html: the field check of WebGPU and web-llm, on the clinic server's origin like the app.
    rolldownOptions: { input: { index: 'index.html', 'verify-webgpu': 'verify-webgpu.html' } },
  },
  worker: { format: 'es' },
});
