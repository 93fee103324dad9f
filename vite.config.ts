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
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
      },
    }),
  ],
  build: { target: 'es2022', outDir: 'dist' },
  worker: { format: 'es' },
});
