// File order for the `shared` project (three at a time): the longest files first, so that the
// slowest ones start at once and the short files fill the other workers around them. vitest's own
// order uses the durations it cached in an earlier run; a fresh CI clone has none, and vitest then
// runs larger files first, which once put the image build (a small file, then 3–4 minutes) near the
// end and made the whole run ~150 s longer.
// Durations measured in full runs (2026-12-07); the order only needs to be roughly right.

import { BaseSequencer, type TestSpecification } from 'vitest/node';

export const LONGEST_FIRST = [
  'test/hardening/sink-neighbours.test.ts', // ~76 s
  'test/grafana/dashboard-queries.test.ts', // ~76 s
  'test/deploy/image-build.test.ts', // ~70 s (250–350 s while it compiled sqlite3.c; now a mirror serves the binary)
  'test/integration/ledger-loads.test.ts', // ~63 s
  'test/integration/limits-docker.test.ts', // ~52 s
  'test/integration/ledger-crash.test.ts', // ~45 s
  'test/hardening/engine-neighbours.test.ts', // ~43 s
  'test/exporters/serve/prometheus-scrape.test.ts', // ~40 s
  'test/integration/limits-live.test.ts', // ~40 s
  'test/exporters/influx/outage.test.ts', // ~33 s
  'test/integration/ledger-churn.test.ts', // ~33 s
  'test/deploy/compose-stack.test.ts', // ~32 s
  'test/exporters/serve/promql-suite.test.ts', // ~30 s
];

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const i = LONGEST_FIRST.findIndex((path) => spec.moduleId.endsWith(`/${path}`));
      return i < 0 ? LONGEST_FIRST.length : i;
    };
    // Stable: files not in the list keep vitest's order after the listed ones.
    return base.map((spec, index) => ({ spec, index }))
      .sort((a, b) => rank(a.spec) - rank(b.spec) || a.index - b.index)
      .map(({ spec }) => spec);
  }
}
