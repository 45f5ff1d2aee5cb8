import { defineConfig } from 'vitest/config';

/**
 * Three tiers (test/README.md): `unit` needs nothing but Node; `integration` runs against a real PostgreSQL
 * (one cluster per run, from test/support/global-setup.ts, and one database per test file cloned from a
 * template migrated once); `browser` adds the built SPA in Debian's chromium. `vitest run` runs all three,
 * `vitest run --project <name>` one of them.
 *
 * `isolate: false`: a worker runs its files one after another in one module graph, so the server's modules
 * are imported once per worker instead of once per file (that import was about 40 % of a file's time). Every
 * file still gets its own database and its own server; no test mocks modules or changes process.env, which
 * is what isolation would protect.
 */
const database = {
  globalSetup: ['test/support/global-setup.ts'],
  pool: 'forks' as const,
  isolate: false,
  testTimeout: 30_000,
  hookTimeout: 120_000,
};

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'web/src/**/*.test.ts',
            'packages/*/src/**/*.test.ts',
            'db/src/**/*.test.ts',
            'server/src/**/*.test.ts',
          ],
          isolate: false,
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.browser.test.ts', '**/node_modules/**'],
          ...database,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/**/*.browser.test.ts'],
          ...database,
        },
      },
    ],
  },
});
