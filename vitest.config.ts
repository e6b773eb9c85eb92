import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/v2/**', 'node_modules/**'],
    // Kernel-facing tests create cgroups and start engines; run files one at a time so that
    // CPU measurements of one test are not disturbed by another's load on this 2-core machine.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
