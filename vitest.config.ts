import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Integration tests start servers and worker processes; two cores are shared between them.
    maxWorkers: 2,
    reporters: ['default', './test/helpers/no-skip-reporter.ts'],
  },
});
