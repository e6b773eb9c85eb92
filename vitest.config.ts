import { defineConfig } from 'vitest/config';

// The host suite in two groups, one after the other:
//  1. `shared`: most files, three at a time. Nearly all of their time is waiting (loads of a known
//     length, sampling intervals, servers and engines starting), not CPU, on this 2-core machine.
//     Tests that check a CPU figure give their load the largest CPU weight (TestCgroup.favourCpu),
//     so neighbours cannot starve it, and compare with the kernel's own count.
//  2. `alone`: files whose figures depend on having the machine to themselves — the churn soak's
//     cycles per minute, the image build (two minutes of compiler), the browser's and the terminal's
//     frame timing, the InfluxDB outage's timeline and Prometheus' rate windows over a live load.
const ALONE = [
  'test/hardening/soak-ci.test.ts',
  'test/deploy/image-build.test.ts',
  'test/integration/top-tmux.test.ts',
  'test/web/web-ui-browser.test.ts',
  'test/exporters/influx/outage.test.ts',
  'test/exporters/serve/prometheus-scrape.test.ts',
  'test/grafana/dashboard-queries.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts'],
          exclude: ['test/v2/**', 'node_modules/**', ...ALONE],
          sequence: { groupOrder: 0 },
          fileParallelism: true,
          poolOptions: { forks: { maxForks: 3, minForks: 1 } },
        },
      },
      {
        extends: true,
        test: {
          name: 'alone',
          include: ALONE,
          sequence: { groupOrder: 1 },
          fileParallelism: false,
        },
      },
    ],
  },
});
