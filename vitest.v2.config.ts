// The kernel-facing integration suite as `npm run test:v2` runs it inside the pure cgroup v2 VM
// (test/v2/run.sh). The VM's CPU is emulated (TCG, several times slower), hence the long timeouts.
import { tmpdir } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The project directory is shared with the host: keep the VM's vite/vitest cache out of it.
  cacheDir: `${tmpdir()}/cgmeter-vitest-v2`,
  test: {
    // What needs a v2 kernel to prove (issue 13): discovery, live counters under known loads, a runc
    // container, limits with the kernel's effect, serve's /metrics scraped by Prometheus, the ledger's
    // totals, and the memory view of a consolidation. Engine tests (no dockerd or podman in the VM)
    // and what only repeats host logic on top of those (ledger churn and kill -9, the TUI in tmux,
    // replay) run on the host alone: under TCG each file costs a minute or more.
    include: [
      'test/integration/kernel-kit.test.ts', 'test/integration/collector-live.test.ts',
      'test/integration/kernel-features.test.ts', 'test/integration/discovery-network.test.ts',
      'test/integration/namespaces.test.ts', 'test/integration/cadvisor-extras.test.ts',
      'test/integration/limits-live.test.ts', 'test/integration/ledger-loads.test.ts',
      'test/integration/top-memory.test.ts',
      'test/exporters/serve/serve.test.ts', 'test/exporters/serve/prometheus-scrape.test.ts',
    ],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    teardownTimeout: 60_000,
    // One line per test, so CI's log shows each v2 test's own pass/fail.
    reporters: ['verbose', './test/summary-reporter.ts'],
  },
});
