// Memory rows: cAdvisor's container_memory_* families, plus cgmeter_memory_* for the memory.stat
// and memory.events values cAdvisor does not export.

import { labelled, single, NO_SERIES, type ContainerMetric, type Series } from '../metric.js';
import type { Snapshot } from '../../../collector/model/derive.js';
import type { RenderContext } from '../metric.js';

const m = (s: Snapshot) => s.sample.memory;

/**
 * cAdvisor's `scope`: `container` counts this cgroup alone, `hierarchy` its subtree. v1 is read
 * from memory.stat total_* (hierarchy only); v2 memory.stat is hierarchical and cAdvisor reports the
 * same value under both scopes, so do we.
 */
function failureSeries(s: Snapshot, context: RenderContext): readonly Series[] {
  const { pgfault, pgmajfault } = m(s);
  const series: Series[] = [];
  const scopes = context.hierarchyMode === 'v2' ? ['container', 'hierarchy'] : ['hierarchy'];
  for (const scope of scopes) {
    if (pgfault !== undefined) series.push({ labels: ['pgfault', scope], value: pgfault });
    if (pgmajfault !== undefined) series.push({ labels: ['pgmajfault', scope], value: pgmajfault });
  }
  return series;
}

const EVENT_KINDS = [
  ['low', 'low'], ['high', 'high'], ['max', 'max'], ['oom', 'oom'], ['oom_kill', 'oomKill'], ['oom_group_kill', 'oomGroupKill'],
] as const;

function eventSeries(s: Snapshot): readonly Series[] {
  const events = m(s).events;
  if (!events) return NO_SERIES;
  const series: Series[] = [];
  for (const [label, key] of EVENT_KINDS) {
    const value = events[key];
    if (value !== undefined) series.push({ labels: [label], value });
  }
  return series;
}

type Base = Omit<Parameters<typeof single>[0], 'group' | 'compat'>;
const cadvisor = (base: Base, value: (s: Snapshot) => number | undefined) => single({ ...base, group: 'memory', compat: 'cadvisor' }, value);
const own = (base: Base, value: (s: Snapshot) => number | undefined) => single({ ...base, group: 'memory', compat: 'cgmeter' }, value);

export const MEMORY_METRICS: readonly ContainerMetric[] = [
  cadvisor({
    name: 'container_memory_usage_bytes', help: 'Current memory usage in bytes, including all memory regardless of when it was accessed',
    type: 'gauge', unit: 'bytes', source: { v1: 'memory.usage_in_bytes', v2: 'memory.current' },
  }, (s) => m(s).usageBytes),
  cadvisor({
    name: 'container_memory_working_set_bytes', help: 'Current working set in bytes.',
    type: 'gauge', unit: 'bytes', source: { v1: 'memory.usage_in_bytes − memory.stat total_inactive_file', v2: 'memory.current − memory.stat inactive_file' },
  }, (s) => m(s).workingSetBytes),
  cadvisor({
    name: 'container_memory_rss', help: 'Size of RSS in bytes.',
    type: 'gauge', unit: 'bytes', source: { v1: 'memory.stat total_rss', v2: 'memory.stat anon' },
  }, (s) => m(s).rssBytes),
  cadvisor({
    name: 'container_memory_cache', help: 'Number of bytes of page cache memory.',
    type: 'gauge', unit: 'bytes', source: { v1: 'memory.stat total_cache', v2: 'memory.stat file' },
  }, (s) => m(s).cacheBytes),
  cadvisor({
    name: 'container_memory_swap', help: 'Container swap usage in bytes.',
    type: 'gauge', unit: 'bytes', source: { v1: 'memory.memsw.usage_in_bytes − memory.usage_in_bytes', v2: 'memory.swap.current' },
  }, (s) => m(s).swapBytes),
  cadvisor({
    name: 'container_memory_mapped_file', help: 'Size of memory mapped files in bytes.',
    type: 'gauge', unit: 'bytes', source: { v1: 'memory.stat total_mapped_file', v2: 'memory.stat file_mapped' },
  }, (s) => m(s).mappedFileBytes),
  cadvisor({
    name: 'container_memory_kernel_usage', help: 'Size of kernel memory allocated in bytes.',
    type: 'gauge', unit: 'bytes', source: { v1: 'memory.kmem.usage_in_bytes', v2: 'memory.stat kernel' },
  }, (s) => m(s).kernelBytes),
  cadvisor({
    name: 'container_memory_max_usage_bytes', help: 'Maximum memory usage recorded in bytes',
    type: 'gauge', unit: 'bytes', source: { v1: 'memory.max_usage_in_bytes', v2: 'memory.peak (kernel ≥ 5.19)' },
  }, (s) => m(s).maxUsageBytes),
  // A counter in cAdvisor, but without `_total` OpenMetrics and promtool refuse it as one.
  cadvisor({
    name: 'container_memory_failcnt', help: 'Number of memory usage hits limits',
    type: 'unknown', unit: '', source: { v1: 'memory.failcnt', v2: '— (see container_memory_events_max_total)' },
  }, (s) => m(s).failcnt),
  labelled({
    name: 'container_memory_failures_total', help: 'Cumulative count of memory allocation failures.',
    type: 'counter', unit: '', group: 'memory', compat: 'cadvisor', labels: ['failure_type', 'scope'],
    source: { v1: 'memory.stat total_pgfault, total_pgmajfault (scope="hierarchy")', v2: 'memory.stat pgfault, pgmajfault' },
  }, failureSeries),
  cadvisor({
    name: 'container_memory_file_dirty_bytes', help: 'Number of bytes of file cache that has been modified but not yet written back to disk.',
    type: 'gauge', unit: 'bytes', source: { v1: 'memory.stat total_dirty', v2: 'memory.stat file_dirty' },
  }, (s) => m(s).dirtyBytes),
  cadvisor({
    name: 'container_memory_file_writeback_bytes', help: 'Number of bytes of file cache that is currently being written back to disk.',
    type: 'gauge', unit: 'bytes', source: { v1: 'memory.stat total_writeback', v2: 'memory.stat file_writeback' },
  }, (s) => m(s).writebackBytes),
  cadvisor({
    name: 'container_memory_total_active_file_bytes', help: 'Current total active file in bytes.',
    type: 'gauge', unit: 'bytes', source: { v1: 'memory.stat total_active_file', v2: 'memory.stat active_file' },
  }, (s) => m(s).activeFileBytes),
  cadvisor({
    name: 'container_memory_total_inactive_file_bytes', help: 'Current total inactive file in bytes.',
    type: 'gauge', unit: 'bytes', source: { v1: 'memory.stat total_inactive_file', v2: 'memory.stat inactive_file' },
  }, (s) => m(s).inactiveFileBytes),
  cadvisor({
    name: 'container_memory_pgscan_total', help: 'Cumulative number of pages scanned by the page reclaim algorithm.',
    type: 'counter', unit: '', source: { v1: '—', v2: 'memory.stat pgscan' },
  }, (s) => m(s).pgscan),
  cadvisor({
    name: 'container_memory_pgsteal_total', help: 'Cumulative number of pages reclaimed by the page reclaim algorithm.',
    type: 'counter', unit: '', source: { v1: '—', v2: 'memory.stat pgsteal' },
  }, (s) => m(s).pgsteal),
  cadvisor({
    name: 'container_memory_events_high_total', help: 'Cumulative count of memory.high throttle events for the container',
    type: 'counter', unit: '', source: { v1: '—', v2: 'memory.events high' },
  }, (s) => m(s).events?.high),
  cadvisor({
    name: 'container_memory_events_max_total', help: 'Cumulative count of memory.max limit hit events for the container',
    type: 'counter', unit: '', source: { v1: '—', v2: 'memory.events max' },
  }, (s) => m(s).events?.max),
  cadvisor({
    name: 'container_oom_events_total', help: 'Count of out of memory events observed for the container',
    type: 'counter', unit: '', source: { v1: 'memory.oom_control oom_kill', v2: 'memory.events oom_kill' },
  }, (s) => m(s).events?.oomKill),
  labelled({
    name: 'cgmeter_memory_events_total', help: 'memory.events counters by event: low, high, max, oom, oom_kill, oom_group_kill (v1: oom_kill only).',
    type: 'counter', unit: '', group: 'memory', compat: 'cgmeter', labels: ['event'],
    source: { v1: 'memory.oom_control oom_kill', v2: 'memory.events' },
  }, eventSeries),
  own({
    name: 'cgmeter_memory_workingset_refault_total', help: 'Refaults of previously evicted pages, anon and file together.',
    type: 'counter', unit: '', source: { v1: '—', v2: 'memory.stat workingset_refault_anon + workingset_refault_file' },
  }, (s) => m(s).workingsetRefault),
  own({
    name: 'cgmeter_memory_shmem_bytes', help: 'Shared memory (tmpfs, shm) charged to the cgroup, in bytes.',
    type: 'gauge', unit: 'bytes', source: { v1: 'memory.stat total_shmem', v2: 'memory.stat shmem' },
  }, (s) => m(s).shmemBytes),
  own({
    name: 'cgmeter_memory_active_anon_bytes', help: 'Anonymous memory on the active LRU list, in bytes.',
    type: 'gauge', unit: 'bytes', source: { v1: 'memory.stat total_active_anon', v2: 'memory.stat active_anon' },
  }, (s) => m(s).activeAnonBytes),
  own({
    name: 'cgmeter_memory_inactive_anon_bytes', help: 'Anonymous memory on the inactive LRU list, in bytes.',
    type: 'gauge', unit: 'bytes', source: { v1: 'memory.stat total_inactive_anon', v2: 'memory.stat inactive_anon' },
  }, (s) => m(s).inactiveAnonBytes),
  own({
    name: 'cgmeter_memory_unevictable_bytes', help: 'Memory that cannot be reclaimed (mlocked, ramfs), in bytes.',
    type: 'gauge', unit: 'bytes', source: { v1: 'memory.stat total_unevictable', v2: 'memory.stat unevictable' },
  }, (s) => m(s).unevictableBytes),
];
