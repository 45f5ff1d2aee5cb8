import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/**/*.test.ts',
      'web/src/**/*.test.ts',
      'packages/*/src/**/*.test.ts',
      'db/src/**/*.test.ts',
      'server/src/**/*.test.ts',
    ],
    // One PostgreSQL cluster for the run; every test file gets its own database in it.
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
