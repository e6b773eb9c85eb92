// Prints one plain closing line after vitest's own report — `host: N passed, N failed, N skipped`
// (or `v2:` inside the VM) — so that a CI log reader that knows no vitest still sees the result.

import type { Reporter } from 'vitest/reporters';
import type { RunnerTestFile, RunnerTask } from 'vitest';

function count(tasks: readonly RunnerTask[], totals: { passed: number; failed: number; skipped: number }): void {
  for (const task of tasks) {
    if (task.type === 'suite') {
      const failedBefore = totals.failed;
      count(task.tasks, totals);
      // A suite that failed by itself (a beforeAll/afterAll hook, or loading) with no failed test
      // inside would otherwise read as all skipped: count it as one failure.
      if (task.result?.state === 'fail' && totals.failed === failedBefore) totals.failed++;
      continue;
    }
    const state = task.result?.state;
    if (state === 'pass') totals.passed++;
    else if (state === 'fail') totals.failed++;
    else totals.skipped++;
  }
}

export default class SummaryReporter implements Reporter {
  onFinished(files: RunnerTestFile[] = [], errors: unknown[] = []): void {
    const totals = { passed: 0, failed: 0, skipped: 0 };
    for (const file of files) {
      if (file.result?.state === 'fail' && file.tasks.length === 0) totals.failed++;
      count(file.tasks, totals);
    }
    totals.failed += errors.length;
    // test/run-all.sh runs the host suite in two parts and names each (CGMETER_SUITE_LABEL).
    const where = process.env.V2VM === '1' ? 'v2' : (process.env.CGMETER_SUITE_LABEL ?? 'host');
    process.stdout.write(`\n${where}: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
  }
}
