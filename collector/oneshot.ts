// One-off readings for `cgmeter ls` / `inspect`: discover, sample twice a gap apart, derive.

import { setTimeout as sleep } from 'node:timers/promises';
import { Collector, type CollectorOptions } from './poller.js';
import { derive, type Snapshot } from './model/derive.js';

export async function snapshotsOnce(options: CollectorOptions, gapMs: number): Promise<{ snapshots: Snapshot[]; collector: Collector }> {
  const collector = new Collector(options);
  try {
    collector.discover();
    const first = new Map(collector.sample().map((s) => [s.path, s]));
    await sleep(gapMs);
    const snapshots = collector.sample().map((s) => derive(s, first.get(s.path)));
    return { snapshots, collector };
  } finally {
    collector.close();
  }
}
