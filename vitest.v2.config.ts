// The kernel-facing integration suite as `npm run test:v2` runs it inside the pure cgroup v2 VM
// (test/v2/run.sh). The VM's CPU is emulated (TCG, several times slower), hence the long timeouts.
import { tmpdir } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The project directory is shared with the host: keep the VM's vite/vitest cache out of it.
  cacheDir: `${tmpdir()}/cgmeter-vitest-v2`,
  test: {
    include: ['test/integration/**/*.test.ts', 'test/exporters/serve/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    teardownTimeout: 60_000,
    // One line per test, so CI's log shows each v2 test's own pass/fail.
    reporters: ['verbose', './test/summary-reporter.ts'],
  },
});
