// The collector's default options, apart from poller.ts (which loads the native addon) so that the
// command line can name them in its help without loading the collector.

import type { CollectorOptions } from './poller.js';
import type { MetricGroup } from './counters/sources.js';

export const ALL_GROUPS: ReadonlySet<MetricGroup | 'network'> = new Set(['cpu', 'memory', 'blkio', 'pids', 'pressure', 'processes', 'network']);

export const DEFAULT_COLLECTOR_OPTIONS: CollectorOptions = {
  hostRoot: '/',
  reader: 'auto',
  groups: ALL_GROUPS,
};
