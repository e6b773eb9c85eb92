// Which kernel file each counter comes from, on v1 and on v2, and how it is laid out.
// v1 and v2 are parameters of one table, not two code paths: the assembler (assemble.ts)
// turns either set of slots into the same Sample shape.

import { FileFormat, formatSpec, type FormatSpec } from '../../native/formats.js';

/**
 * Where a file lives: a v1 controller's hierarchy, the unified (cgroup2) tree, or `procs`:
 * the first v1 hierarchy the cgroup exists in (cgroup.procs and tasks are in every one).
 */
export type FileHome = 'cpu' | 'cpuacct' | 'memory' | 'blkio' | 'pids' | 'unified' | 'procs';

/** Metric groups a user can switch off; files of a disabled group are never opened. */
export type MetricGroup = 'cpu' | 'percpu' | 'memory' | 'blkio' | 'pids' | 'pressure' | 'processes';

export interface FileSource {
  /** Stable key the assembler asks for. */
  readonly key: string;
  readonly home: FileHome;
  /** File names to try in order; the first that exists is used (older kernels lack some). */
  readonly files: readonly string[];
  readonly spec: FormatSpec;
  readonly group: MetricGroup;
  /**
   * `sample`: a counter, read with a cached fd at every sample. `slow`: configuration (limits,
   * weights) and costly line counts, read at the discovery cadence by open/read/close, so that
   * 1,000 cgroups' hot files fit the fd budget (RLIMIT_NOFILE 20000 here).
   */
  readonly cadence: 'sample' | 'slow';
  /**
   * Of a slow file, what changes it. `config`: only a write to it (a limit, a weight), which raises
   * an inotify change event on its directory: serve re-reads it on that event (and, as a safety net,
   * at every tenth walk). `count`: the cgroup's own tasks (process and thread counts, kernel memory):
   * re-read at every walk, unless the cgroup's CPU time shows none of its tasks ran since.
   */
  readonly changedBy?: 'config' | 'count';
}

const single = formatSpec(FileFormat.Single);
const pair = formatSpec(FileFormat.Pair);
const lineCount = formatSpec(FileFormat.LineCount);
const pressure = formatSpec(FileFormat.Pressure);

/** Block devices kept per cgroup; a container rarely touches more, the rest are ignored. */
export const MAX_BLOCK_DEVICES = 16;

// v1 memory.stat: the total_* keys are hierarchical (what usage_in_bytes is), so working set
// = usage − total_inactive_file, as cAdvisor computes it.
export const V1_MEMORY_STAT_KEYS = [
  'total_cache', 'total_rss', 'total_rss_huge', 'total_shmem', 'total_mapped_file', 'total_dirty',
  'total_writeback', 'total_swap', 'total_pgfault', 'total_pgmajfault', 'total_inactive_anon',
  'total_active_anon', 'total_inactive_file', 'total_active_file', 'total_unevictable',
  // Refaults (evicted pages needed again), hierarchical: split by LRU type on kernels ≥ 5.9, one counter before.
  'total_workingset_refault_anon', 'total_workingset_refault_file', 'total_workingset_refault',
] as const;

export const V2_MEMORY_STAT_KEYS = [
  'anon', 'file', 'kernel', 'kernel_stack', 'slab', 'sock', 'shmem', 'file_mapped', 'file_dirty',
  'file_writeback', 'inactive_anon', 'active_anon', 'inactive_file', 'active_file', 'unevictable',
  'pgfault', 'pgmajfault', 'workingset_refault_anon', 'workingset_refault_file', 'workingset_refault',
  'pgscan', 'pgsteal',
] as const;

export const V2_CPU_STAT_KEYS = ['usage_usec', 'user_usec', 'system_usec', 'nr_periods', 'nr_throttled', 'throttled_usec'] as const;
export const V1_CPU_STAT_KEYS = ['nr_periods', 'nr_throttled', 'throttled_time'] as const;
export const MEMORY_EVENTS_KEYS = ['low', 'high', 'max', 'oom', 'oom_kill', 'oom_group_kill'] as const;
export const IO_STAT_KEYS = ['rbytes', 'wbytes', 'rios', 'wios', 'dbytes', 'dios'] as const;
export const BLKIO_KEYS = ['Read', 'Write', 'Discard'] as const;

/** Configuration files: read on the slow cadence (see FileSource.cadence) and when written (changedBy). */
const CONFIG_KEYS = new Set([
  'cpu.cfs_quota_us', 'cpu.cfs_period_us', 'cpu.shares', 'memory.limit_in_bytes', 'memory.soft_limit_in_bytes',
  'memory.memsw.limit_in_bytes', 'pids.max',
  'cpu.max', 'cpu.weight', 'memory.max', 'memory.high', 'memory.low', 'memory.swap.max',
]);
/** Costly line counts and a counter few dashboards chart: slow cadence too. */
const COUNT_KEYS = new Set(['memory.kmem.usage_in_bytes', 'procs', 'threads']);

function src(key: string, home: FileHome, files: string | readonly string[], spec: FormatSpec, group: MetricGroup): FileSource {
  const changedBy = CONFIG_KEYS.has(key) ? 'config' : COUNT_KEYS.has(key) ? 'count' : undefined;
  return { key, home, files: typeof files === 'string' ? [files] : files, spec, group, cadence: changedBy ? 'slow' : 'sample', ...(changedBy ? { changedBy } : {}) };
}

/** Pressure files: in the unified tree on v2, and on hybrid hosts where cgroup2 is mounted. */
function pressureSources(): FileSource[] {
  return [
    src('cpu.pressure', 'unified', 'cpu.pressure', pressure, 'pressure'),
    src('memory.pressure', 'unified', 'memory.pressure', pressure, 'pressure'),
    src('io.pressure', 'unified', 'io.pressure', pressure, 'pressure'),
  ];
}

/**
 * The file whose first value moves whenever any task of the cgroup (or below it) ran: its CPU time,
 * in ns on v1 (cpuacct.usage) and µs on v2 (cpu.stat usage_usec, the first key). A cgroup whose value
 * has not moved used no CPU, so its other counters have (almost) nothing new to say: the collector's
 * quiet refresh reads only this file for it (CollectorOptions.quietRefreshMs).
 */
export const ACTIVITY_GATE = { v1: { key: 'cpuacct.usage', slot: 0 }, v2: { key: 'cpu.stat', slot: 0 } } as const;

export function v1Sources(cpuCount: number): FileSource[] {
  return [
    src('cpuacct.usage', 'cpuacct', 'cpuacct.usage', single, 'cpu'),
    src('cpuacct.stat', 'cpuacct', 'cpuacct.stat', formatSpec(FileFormat.Keyed, ['user', 'system']), 'cpu'),
    src('cpuacct.usage_percpu', 'cpuacct', 'cpuacct.usage_percpu', formatSpec(FileFormat.List, [], cpuCount), 'percpu'),
    src('cpu.stat', 'cpu', 'cpu.stat', formatSpec(FileFormat.Keyed, V1_CPU_STAT_KEYS), 'cpu'),
    src('cpu.cfs_quota_us', 'cpu', 'cpu.cfs_quota_us', single, 'cpu'),
    src('cpu.cfs_period_us', 'cpu', 'cpu.cfs_period_us', single, 'cpu'),
    src('cpu.shares', 'cpu', 'cpu.shares', single, 'cpu'),
    src('memory.usage_in_bytes', 'memory', 'memory.usage_in_bytes', single, 'memory'),
    src('memory.limit_in_bytes', 'memory', 'memory.limit_in_bytes', single, 'memory'),
    src('memory.soft_limit_in_bytes', 'memory', 'memory.soft_limit_in_bytes', single, 'memory'),
    src('memory.max_usage_in_bytes', 'memory', 'memory.max_usage_in_bytes', single, 'memory'),
    src('memory.failcnt', 'memory', 'memory.failcnt', single, 'memory'),
    src('memory.memsw.usage_in_bytes', 'memory', 'memory.memsw.usage_in_bytes', single, 'memory'),
    src('memory.memsw.limit_in_bytes', 'memory', 'memory.memsw.limit_in_bytes', single, 'memory'),
    src('memory.kmem.usage_in_bytes', 'memory', 'memory.kmem.usage_in_bytes', single, 'memory'),
    src('memory.stat', 'memory', 'memory.stat', formatSpec(FileFormat.Keyed, V1_MEMORY_STAT_KEYS), 'memory'),
    src('memory.oom_control', 'memory', 'memory.oom_control', formatSpec(FileFormat.Keyed, ['oom_kill', 'under_oom']), 'memory'),
    // _recursive counts the whole subtree, like v2's io.stat; older kernels only have the plain file.
    src('blkio.bytes', 'blkio', ['blkio.throttle.io_service_bytes_recursive', 'blkio.throttle.io_service_bytes'],
      formatSpec(FileFormat.DeviceLines, BLKIO_KEYS, MAX_BLOCK_DEVICES), 'blkio'),
    src('blkio.ops', 'blkio', ['blkio.throttle.io_serviced_recursive', 'blkio.throttle.io_serviced'],
      formatSpec(FileFormat.DeviceLines, BLKIO_KEYS, MAX_BLOCK_DEVICES), 'blkio'),
    src('pids.current', 'pids', 'pids.current', single, 'pids'),
    src('pids.max', 'pids', 'pids.max', single, 'pids'),
    src('pids.events', 'pids', 'pids.events', formatSpec(FileFormat.Keyed, ['max']), 'pids'),
    src('procs', 'procs', 'cgroup.procs', lineCount, 'processes'),
    src('threads', 'procs', 'tasks', lineCount, 'processes'),
    ...pressureSources(),
  ];
}

export function v2Sources(): FileSource[] {
  return [
    src('cpu.stat', 'unified', 'cpu.stat', formatSpec(FileFormat.Keyed, V2_CPU_STAT_KEYS), 'cpu'),
    src('cpu.max', 'unified', 'cpu.max', pair, 'cpu'),
    src('cpu.weight', 'unified', 'cpu.weight', single, 'cpu'),
    src('memory.current', 'unified', 'memory.current', single, 'memory'),
    src('memory.max', 'unified', 'memory.max', single, 'memory'),
    src('memory.high', 'unified', 'memory.high', single, 'memory'),
    src('memory.low', 'unified', 'memory.low', single, 'memory'),
    src('memory.peak', 'unified', 'memory.peak', single, 'memory'),
    src('memory.swap.current', 'unified', 'memory.swap.current', single, 'memory'),
    src('memory.swap.max', 'unified', 'memory.swap.max', single, 'memory'),
    src('memory.stat', 'unified', 'memory.stat', formatSpec(FileFormat.Keyed, V2_MEMORY_STAT_KEYS), 'memory'),
    src('memory.events', 'unified', 'memory.events', formatSpec(FileFormat.Keyed, MEMORY_EVENTS_KEYS), 'memory'),
    src('io.stat', 'unified', 'io.stat', formatSpec(FileFormat.DeviceKeyed, IO_STAT_KEYS, MAX_BLOCK_DEVICES), 'blkio'),
    src('pids.current', 'unified', 'pids.current', single, 'pids'),
    src('pids.max', 'unified', 'pids.max', single, 'pids'),
    src('pids.events', 'unified', 'pids.events', formatSpec(FileFormat.Keyed, ['max']), 'pids'),
    src('procs', 'unified', 'cgroup.procs', lineCount, 'processes'),
    src('threads', 'unified', 'cgroup.threads', lineCount, 'processes'),
    ...pressureSources(),
  ];
}
