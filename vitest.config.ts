import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './test/sequencer.js';

// The host suite in two groups, one after the other (test/run-all.sh):
//  1. `shared`: most files, three at a time. Nearly all of their time is waiting (loads of a known
//     length, sampling intervals, servers and engines starting), not CPU, on this 2-core machine.
//     Tests that check a CPU figure give their load the largest CPU weight (TestCgroup.favourCpu),
//     so neighbours — the image build's compiler included — cannot starve it, and compare with the
//     kernel's own count.
//  2. `alone`: files whose figures depend on having the machine to themselves — the churn soak's
//     cycles per minute (its driver is CPU-bound), and the browser's and the terminal's frame timing.
const ALONE = [
  'test/hardening/soak-ci.test.ts',
  'test/integration/top-tmux.test.ts',
  'test/web/web-ui-browser.test.ts',
];

export default defineConfig({
  test: {
    // One file at a time unless told otherwise: `npm test` (test/run-all.sh) runs the `shared`
    // project with --fileParallelism --maxWorkers 3 (vitest honours these only for the whole run,
    // not per project), then `alone` as it is here.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/summary-reporter.ts'],
    sequence: { sequencer: LongestFirstSequencer },
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts'],
          exclude: ['test/v2/**', 'node_modules/**', ...ALONE],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'alone',
          include: ALONE,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
