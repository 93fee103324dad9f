import { defineConfig } from 'vitest/config';

// Three layers. `unit`: fast tests in Node with fake IndexedDB, no build. `server`: the clinic server
// for real on loopback (HTTPS, SQLite, llama.cpp on a generated model). `e2e`: the production build
// in dist/ driven in Debian's Chromium, so it needs `vite build` first. A plain `vitest run` runs all.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'server',
          include: ['tests/server/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Two cores: llama.cpp already uses both; servers and models in parallel only thrash.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.spec.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One browser at a time: the specs start their own servers and browsers.
          fileParallelism: false,
        },
      },
    ],
  },
});
