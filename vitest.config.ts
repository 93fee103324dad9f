import { defineConfig } from 'vitest/config';

// Two layers. `vitest run --project unit` runs the fast tests (Node, fake IndexedDB, no build needed);
// `vitest run --project e2e` drives the production build in dist/ with a real browser, so it needs
// `vite build` first and gets longer timeouts. A plain `vitest run` runs both.
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
