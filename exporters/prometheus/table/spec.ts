// Limits (container_spec_*), lifetimes and task counts. cAdvisor exports an unlimited memory limit
// as 0 and leaves out container_spec_cpu_quota when there is no quota; so do we, so that queries
// like `usage / (limit > 0)` behave the same.

import { single, type ContainerMetric } from '../metric.js';
import type { Snapshot } from '../../../collector/model/derive.js';

/** cAdvisor's specMemoryValue: unlimited (its > 2^62, our Infinity) is 0. */
function limitOrZero(bytes: number | undefined): number | undefined {
  if (bytes === undefined) return undefined;
  return bytes === Infinity ? 0 : bytes;
}

/**
 * cAdvisor's v1 swap limit is memory.memsw.limit_in_bytes (memory + swap); the Sample keeps the swap
 * part alone (memsw − memory), so v1 adds the memory limit back. v2's memory.swap.max is swap alone.
 */
function swapLimit(s: Snapshot, v2: boolean): number | undefined {
  const { swapLimitBytes, limitBytes } = s.sample.memory;
  if (swapLimitBytes === undefined) return undefined;
  if (v2 || swapLimitBytes === Infinity) return limitOrZero(swapLimitBytes);
  if (limitBytes === undefined || limitBytes === Infinity) return 0;
  return limitBytes + swapLimitBytes;
}

/** Number of CPUs in a kernel cpu list (`0-3,8,10-11` → 7). */
export function cpuListCount(list: string | undefined): number | undefined {
  if (list === undefined || list === '') return undefined;
  let count = 0;
  for (const part of list.split(',')) {
    const [a, b] = part.split('-');
    const from = Number(a);
    const to = b === undefined ? from : Number(b);
    if (!Number.isInteger(from) || !Number.isInteger(to) || to < from) return undefined;
    count += to - from + 1;
  }
  return count;
}

const wholeSeconds = (ms: number | undefined) => (ms === undefined ? undefined : Math.floor(ms / 1000));

export const SPEC_METRICS: readonly ContainerMetric[] = [
  single({
    name: 'container_spec_cpu_period', help: 'CPU period of the container.', type: 'gauge', unit: '', group: 'spec', compat: 'cadvisor',
    source: { v1: 'cpu.cfs_period_us (µs)', v2: 'cpu.max period (µs)' },
  }, (s) => s.sample.cpu.periodUs),
  single({
    name: 'container_spec_cpu_quota', help: 'CPU quota of the container.', type: 'gauge', unit: '', group: 'spec', compat: 'cadvisor',
    source: { v1: 'cpu.cfs_quota_us (µs; absent when -1)', v2: 'cpu.max quota (µs; absent when max)' },
  }, (s) => {
    const quota = s.sample.cpu.quotaUs;
    return quota !== undefined && Number.isFinite(quota) && quota > 0 ? quota : undefined;
  }),
  single({
    name: 'container_spec_cpu_shares', help: 'CPU share of the container.', type: 'gauge', unit: '', group: 'spec', compat: 'cadvisor',
    source: { v1: 'cpu.shares', v2: 'cpu.weight converted to shares (2 + (w − 1) × 262142 / 9999)' },
  }, (s) => s.sample.cpu.shares),
  single({
    name: 'container_spec_memory_limit_bytes', help: 'Memory limit for the container.', type: 'gauge', unit: 'bytes', group: 'spec', compat: 'cadvisor',
    source: { v1: 'memory.limit_in_bytes (0 when unlimited)', v2: 'memory.max (0 when max)' },
  }, (s) => limitOrZero(s.sample.memory.limitBytes)),
  single({
    name: 'container_spec_memory_swap_limit_bytes', help: 'Memory swap limit for the container.', type: 'gauge', unit: 'bytes', group: 'spec', compat: 'cadvisor',
    source: { v1: 'memory.memsw.limit_in_bytes (memory + swap; 0 when unlimited)', v2: 'memory.swap.max (0 when max)' },
  }, (s, context) => swapLimit(s, context.hierarchyMode === 'v2')),
  single({
    name: 'container_spec_memory_reservation_limit_bytes', help: 'Memory reservation limit for the container.', type: 'gauge', unit: 'bytes', group: 'spec', compat: 'cadvisor',
    source: { v1: 'memory.soft_limit_in_bytes (0 when unlimited)', v2: 'memory.low (0 when max)' },
  }, (s) => limitOrZero(s.sample.memory.reservationBytes)),
  single({
    name: 'cgmeter_spec_memory_high_bytes', help: 'Memory throttling limit in bytes (v2 memory.high, v1 soft limit); absent when unlimited.',
    type: 'gauge', unit: 'bytes', group: 'spec', compat: 'cgmeter', source: { v1: 'memory.soft_limit_in_bytes', v2: 'memory.high' },
  }, (s) => s.sample.memory.highBytes),
  single({
    name: 'cgmeter_spec_cpu_weight', help: 'CPU weight of the cgroup, 1–10000 (v1: converted from cpu.shares).',
    type: 'gauge', unit: '', group: 'spec', compat: 'cgmeter', source: { v1: 'cpu.shares converted to weight', v2: 'cpu.weight' },
  }, (s) => s.sample.cpu.weight),
  single({
    name: 'cgmeter_spec_cpuset_cpus', help: 'Number of CPUs the cgroup may run on.',
    type: 'gauge', unit: '', group: 'spec', compat: 'cgmeter', source: { v1: 'cpuset.cpus', v2: 'cpuset.cpus.effective' },
  }, (s) => cpuListCount(s.sample.cpusetCpus)),
  single({
    name: 'container_start_time_seconds', help: 'Start time of the container since unix epoch in seconds.',
    type: 'gauge', unit: 'seconds', group: 'lifecycle', compat: 'cadvisor',
    source: { v1: 'ctime of the cgroup directory', v2: 'ctime of the cgroup directory' },
  }, (s) => wholeSeconds(s.sample.createdMs)),
  single({
    name: 'container_creation_time_seconds', help: 'Container creation time since unix epoch in seconds.',
    type: 'gauge', unit: 'seconds', group: 'lifecycle', compat: 'cadvisor',
    source: { v1: 'ctime of the cgroup directory', v2: 'ctime of the cgroup directory' },
  }, (s) => wholeSeconds(s.sample.createdMs)),
  single({
    name: 'container_last_seen', help: 'Last time a container was seen by the exporter',
    type: 'gauge', unit: 'seconds', group: 'lifecycle', compat: 'cadvisor', source: { v1: 'time of the last sample', v2: 'time of the last sample' },
  }, (s) => wholeSeconds(s.sample.timestampMs)),
];

export const TASK_METRICS: readonly ContainerMetric[] = [
  single({
    name: 'container_processes', help: 'Number of processes running inside the container.',
    type: 'gauge', unit: '', group: 'processes', compat: 'cadvisor', source: { v1: 'cgroup.procs (lines)', v2: 'cgroup.procs (lines)' },
  }, (s) => s.sample.processes),
  // cAdvisor counts threads with pids.current (the subtree); without a pids controller, this cgroup's tasks.
  single({
    name: 'container_threads', help: 'Number of threads running inside the container',
    type: 'gauge', unit: '', group: 'processes', compat: 'cadvisor', source: { v1: 'pids.current (else tasks lines)', v2: 'pids.current (else cgroup.threads lines)' },
  }, (s) => s.sample.pids.current ?? s.sample.threads),
  single({
    name: 'cgmeter_threads', help: 'Threads in this cgroup alone, not counting child cgroups.',
    type: 'gauge', unit: '', group: 'processes', compat: 'cgmeter', source: { v1: 'tasks (lines)', v2: 'cgroup.threads (lines)' },
  }, (s) => s.sample.threads),
  single({
    name: 'container_threads_max', help: 'Maximum number of threads allowed inside the container, infinity if value is zero',
    type: 'gauge', unit: '', group: 'pids', compat: 'cadvisor', source: { v1: 'pids.max (0 when max)', v2: 'pids.max (0 when max)' },
  }, (s) => limitOrZero(s.sample.pids.max)),
  single({
    name: 'cgmeter_pids_limit_hits_total', help: 'Forks and clones refused because pids.max was reached.',
    type: 'counter', unit: '', group: 'pids', compat: 'cgmeter', source: { v1: 'pids.events max', v2: 'pids.events max' },
  }, (s) => s.sample.pids.limitHits),
];
