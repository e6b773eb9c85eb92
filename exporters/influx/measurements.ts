// The Influx measurement table: every measurement cgmeter writes, its fields, units and sources.
// Counters are the kernel's cumulative values as read; rates come from derive() (collector/model).
// Integers are written as Influx integers (`123i`), everything else as floats; a field's type
// never changes, because Influx refuses a point whose field changed type ("field type conflict").

import type { Snapshot } from '../../collector/model/derive.js';
import type { BlockDeviceCounters, NetworkInterfaceCounters, PressureCounters } from '../../collector/model/sample.js';
import { field, measurement, type Measurement } from './measurement.js';

const NO_TAGS: Readonly<Record<string, string>> = {};
const self = (s: Snapshot) => [[NO_TAGS, s] as const];

const cpu = measurement<Snapshot>({
  name: 'cgmeter_cpu',
  help: 'CPU time, CFS bandwidth limits and throttling of one cgroup',
  tags: [],
  points: self,
  fields: [
    field('usage_seconds', 'float', 'seconds', 'counter', 'CPU time used (v1 cpuacct.usage; v2 cpu.stat usage_usec)', (s) => s.sample.cpu.usageSeconds),
    field('user_seconds', 'float', 'seconds', 'counter', 'CPU time in user mode', (s) => s.sample.cpu.userSeconds),
    field('system_seconds', 'float', 'seconds', 'counter', 'CPU time in kernel mode', (s) => s.sample.cpu.systemSeconds),
    field('periods', 'integer', 'count', 'counter', 'CFS enforcement periods elapsed', (s) => s.sample.cpu.periods),
    field('throttled_periods', 'integer', 'count', 'counter', 'CFS periods in which the cgroup was throttled', (s) => s.sample.cpu.throttledPeriods),
    field('throttled_seconds', 'float', 'seconds', 'counter', 'time the cgroup spent throttled', (s) => s.sample.cpu.throttledSeconds),
    field('quota_us', 'integer', 'microseconds', 'gauge', 'CFS quota per period; omitted when unlimited', (s) => s.sample.cpu.quotaUs),
    field('period_us', 'integer', 'microseconds', 'gauge', 'CFS period', (s) => s.sample.cpu.periodUs),
    field('shares', 'integer', 'count', 'gauge', 'cpu.shares (v1; derived from cpu.weight on v2)', (s) => s.sample.cpu.shares),
    field('weight', 'integer', 'count', 'gauge', 'cpu.weight (v2; derived from cpu.shares on v1)', (s) => s.sample.cpu.weight),
    field('limit_cores', 'float', 'cores', 'gauge', 'quota / period; omitted when unlimited', (s) => s.cpu.limitCores),
    field('cores_used', 'float', 'cores', 'rate', 'CPU cores busy over the last interval (1.0 = one core)', (s) => s.cpu.coresUsed),
    field('user_cores', 'float', 'cores', 'rate', 'cores busy in user mode', (s) => s.cpu.userCores),
    field('system_cores', 'float', 'cores', 'rate', 'cores busy in kernel mode', (s) => s.cpu.systemCores),
    field('throttled_ratio', 'float', 'ratio', 'rate', 'share of the interval\'s CFS periods that were throttled, 0…1', (s) => s.cpu.throttledRatio),
    field('percent_of_limit', 'float', 'percent', 'rate', 'cores_used / limit_cores × 100; omitted without a limit', (s) => s.cpu.percentOfLimit),
  ],
});

type M = Snapshot['sample']['memory'];
const bytes = (key: string, help: string, get: (m: M) => number | undefined) =>
  field<Snapshot>(key, 'integer', 'bytes', 'gauge', help, (s) => get(s.sample.memory));
const memCount = (key: string, help: string, get: (m: M) => number | undefined) =>
  field<Snapshot>(key, 'integer', 'count', 'counter', help, (s) => get(s.sample.memory));

const memory = measurement<Snapshot>({
  name: 'cgmeter_memory',
  help: 'memory usage, limits and reclaim/OOM events of one cgroup',
  tags: [],
  points: self,
  fields: [
    bytes('usage_bytes', 'memory charged to the cgroup (v1 memory.usage_in_bytes; v2 memory.current)', (m) => m.usageBytes),
    bytes('limit_bytes', 'hard limit; omitted when unlimited', (m) => m.limitBytes),
    bytes('high_bytes', 'throttling limit (v2 memory.high; v1 soft limit); omitted when unlimited', (m) => m.highBytes),
    bytes('reservation_bytes', 'reservation (v2 memory.low; v1 soft limit); omitted when unlimited', (m) => m.reservationBytes),
    bytes('swap_bytes', 'swap used', (m) => m.swapBytes),
    bytes('swap_limit_bytes', 'swap limit; omitted when unlimited', (m) => m.swapLimitBytes),
    bytes('max_usage_bytes', 'peak usage (v1 max_usage_in_bytes; v2 memory.peak)', (m) => m.maxUsageBytes),
    bytes('working_set_bytes', 'usage − inactive_file (cAdvisor\'s working set)', (m) => m.workingSetBytes),
    bytes('rss_bytes', 'anonymous memory (rss / anon)', (m) => m.rssBytes),
    bytes('cache_bytes', 'page cache (cache / file)', (m) => m.cacheBytes),
    bytes('mapped_file_bytes', 'memory-mapped files', (m) => m.mappedFileBytes),
    bytes('dirty_bytes', 'dirty page cache', (m) => m.dirtyBytes),
    bytes('writeback_bytes', 'page cache under writeback', (m) => m.writebackBytes),
    bytes('shmem_bytes', 'shared memory / tmpfs', (m) => m.shmemBytes),
    bytes('kernel_bytes', 'kernel memory (v2 kernel; v1 kmem usage)', (m) => m.kernelBytes),
    bytes('active_anon_bytes', 'active anonymous pages', (m) => m.activeAnonBytes),
    bytes('inactive_anon_bytes', 'inactive anonymous pages', (m) => m.inactiveAnonBytes),
    bytes('active_file_bytes', 'active file pages', (m) => m.activeFileBytes),
    bytes('inactive_file_bytes', 'inactive file pages', (m) => m.inactiveFileBytes),
    bytes('unevictable_bytes', 'unevictable pages', (m) => m.unevictableBytes),
    memCount('pgfault', 'page faults', (m) => m.pgfault),
    memCount('pgmajfault', 'major page faults', (m) => m.pgmajfault),
    memCount('workingset_refault', 'refaults of evicted pages', (m) => m.workingsetRefault),
    memCount('pgscan', 'pages scanned by reclaim', (m) => m.pgscan),
    memCount('pgsteal', 'pages reclaimed', (m) => m.pgsteal),
    memCount('failcnt', 'times usage hit the limit (v1 memory.failcnt)', (m) => m.failcnt),
    memCount('events_low', 'memory.events low', (m) => m.events?.low),
    memCount('events_high', 'memory.events high (throttled above memory.high)', (m) => m.events?.high),
    memCount('events_max', 'memory.events max (usage reached the limit)', (m) => m.events?.max),
    memCount('events_oom', 'memory.events oom', (m) => m.events?.oom),
    memCount('events_oom_kill', 'processes killed by the OOM killer (v2 memory.events; v1 memory.oom_control)', (m) => m.events?.oomKill),
    memCount('events_oom_group_kill', 'memory.events oom_group_kill', (m) => m.events?.oomGroupKill),
    field('percent_of_limit', 'float', 'percent', 'gauge', 'usage / limit × 100; omitted without a limit', (s) => s.memory.percentOfLimit),
  ],
});

function total(devices: readonly BlockDeviceCounters[], pick: (d: BlockDeviceCounters) => number | undefined): number | undefined {
  let sum: number | undefined;
  for (const d of devices) {
    const v = pick(d);
    if (v !== undefined && Number.isFinite(v)) sum = (sum ?? 0) + v;
  }
  return sum;
}

const blkio = measurement<Snapshot>({
  name: 'cgmeter_blkio',
  help: 'block I/O of one cgroup, summed over its devices',
  tags: [],
  points: self,
  fields: [
    field('read_bytes', 'integer', 'bytes', 'counter', 'bytes read (v1 blkio.throttle.io_service_bytes; v2 io.stat rbytes)', (s) => total(s.sample.blockIo, (d) => d.readBytes)),
    field('write_bytes', 'integer', 'bytes', 'counter', 'bytes written (io.stat wbytes)', (s) => total(s.sample.blockIo, (d) => d.writeBytes)),
    field('read_ops', 'integer', 'count', 'counter', 'read operations (io.stat rios)', (s) => total(s.sample.blockIo, (d) => d.readOps)),
    field('write_ops', 'integer', 'count', 'counter', 'write operations (io.stat wios)', (s) => total(s.sample.blockIo, (d) => d.writeOps)),
    field('read_bps', 'float', 'bytes/s', 'rate', 'read throughput over the last interval', (s) => s.blockIo.readBps),
    field('write_bps', 'float', 'bytes/s', 'rate', 'write throughput over the last interval', (s) => s.blockIo.writeBps),
    field('read_iops', 'float', 'ops/s', 'rate', 'read operations per second', (s) => s.blockIo.readIops),
    field('write_iops', 'float', 'ops/s', 'rate', 'write operations per second', (s) => s.blockIo.writeIops),
  ],
});

const blkioDevice = measurement<BlockDeviceCounters>({
  name: 'cgmeter_blkio_device',
  help: 'block I/O of one cgroup on one device',
  tags: ['device', 'major_minor'],
  points: (s) => s.sample.blockIo.map((d) => [{ device: d.device ?? `${d.major}:${d.minor}`, major_minor: `${d.major}:${d.minor}` }, d] as const),
  fields: [
    field('read_bytes', 'integer', 'bytes', 'counter', 'bytes read', (d) => d.readBytes),
    field('write_bytes', 'integer', 'bytes', 'counter', 'bytes written', (d) => d.writeBytes),
    field('read_ops', 'integer', 'count', 'counter', 'read operations', (d) => d.readOps),
    field('write_ops', 'integer', 'count', 'counter', 'write operations', (d) => d.writeOps),
    field('discard_bytes', 'integer', 'bytes', 'counter', 'bytes discarded (v2 io.stat dbytes)', (d) => d.discardBytes),
    field('discard_ops', 'integer', 'count', 'counter', 'discard operations (v2 io.stat dios)', (d) => d.discardOps),
  ],
});

type Iface = NetworkInterfaceCounters;
/** Interfaces other than loopback: traffic inside the container is not its network use (as in derive). */
const external = (s: Snapshot): readonly Iface[] => s.sample.network?.interfaces.filter((i) => i.name !== 'lo') ?? [];
const IFACE_COUNTERS: ReadonlyArray<readonly [key: string, unit: string, help: string, pick: (i: Iface) => number]> = [
  ['rx_bytes', 'bytes', 'bytes received', (i) => i.rxBytes],
  ['tx_bytes', 'bytes', 'bytes sent', (i) => i.txBytes],
  ['rx_packets', 'count', 'packets received', (i) => i.rxPackets],
  ['tx_packets', 'count', 'packets sent', (i) => i.txPackets],
  ['rx_errors', 'count', 'receive errors', (i) => i.rxErrors],
  ['tx_errors', 'count', 'transmit errors', (i) => i.txErrors],
  ['rx_dropped', 'count', 'received packets dropped', (i) => i.rxDropped],
  ['tx_dropped', 'count', 'sent packets dropped', (i) => i.txDropped],
];

const network = measurement<Snapshot>({
  name: 'cgmeter_network',
  help: 'network traffic of the cgroup\'s net namespace, all interfaces but lo (absent for host-network cgroups)',
  tags: [],
  points: (s) => (s.sample.network ? self(s) : []),
  fields: [
    ...IFACE_COUNTERS.map(([key, unit, help, pick]) =>
      field<Snapshot>(key, 'integer', unit, 'counter', `${help} (/proc/<pid>/net/dev)`, (s) => external(s).reduce((acc, i) => acc + pick(i), 0))),
    field('rx_bps', 'float', 'bytes/s', 'rate', 'receive throughput over the last interval', (s) => s.network.rxBps),
    field('tx_bps', 'float', 'bytes/s', 'rate', 'transmit throughput over the last interval', (s) => s.network.txBps),
    field('rx_pps', 'float', 'packets/s', 'rate', 'packets received per second', (s) => s.network.rxPps),
    field('tx_pps', 'float', 'packets/s', 'rate', 'packets sent per second', (s) => s.network.txPps),
  ],
});

const networkInterface = measurement<Iface>({
  name: 'cgmeter_network_interface',
  help: 'network traffic of one interface (lo excluded) in the cgroup\'s net namespace',
  tags: ['interface'],
  points: (s) => external(s).map((i) => [{ interface: i.name }, i] as const),
  fields: IFACE_COUNTERS.map(([key, unit, help, pick]) => field<Iface>(key, 'integer', unit, 'counter', help, pick)),
});

const pids = measurement<Snapshot>({
  name: 'cgmeter_pids',
  help: 'tasks of one cgroup and its pids limit',
  tags: [],
  points: self,
  fields: [
    field('current', 'integer', 'count', 'gauge', 'tasks (pids.current)', (s) => s.sample.pids.current),
    field('max', 'integer', 'count', 'gauge', 'pids.max; omitted when unlimited', (s) => s.sample.pids.max),
    field('limit_hits', 'integer', 'count', 'counter', 'forks refused by pids.max (pids.events max)', (s) => s.sample.pids.limitHits),
    field('processes', 'integer', 'count', 'gauge', 'processes (cgroup.procs lines)', (s) => s.sample.processes),
    field('threads', 'integer', 'count', 'gauge', 'threads (tasks / cgroup.threads lines)', (s) => s.sample.threads),
  ],
});

type Pressure = PressureCounters;
const pressure = measurement<Pressure>({
  name: 'cgmeter_pressure',
  help: 'pressure stall information (PSI) of one cgroup, one point per resource',
  tags: ['resource'],
  points: (s) => (['cpu', 'memory', 'io'] as const).flatMap((r) => {
    const p = s.sample.pressure[r];
    return p ? [[{ resource: r }, p] as const] : [];
  }),
  fields: (['some', 'full'] as const).flatMap((kind) => [
    field<Pressure>(`${kind}_avg10`, 'float', 'percent', 'gauge', `share of time ${kind} tasks stalled, 10 s average`, (p) => p[kind]?.avg10),
    field<Pressure>(`${kind}_avg60`, 'float', 'percent', 'gauge', `share of time ${kind} tasks stalled, 60 s average`, (p) => p[kind]?.avg60),
    field<Pressure>(`${kind}_avg300`, 'float', 'percent', 'gauge', `share of time ${kind} tasks stalled, 300 s average`, (p) => p[kind]?.avg300),
    field<Pressure>(`${kind}_total_seconds`, 'float', 'seconds', 'counter', `total ${kind} stall time`, (p) => p[kind]?.totalSeconds),
  ]),
});

/** Every measurement, in the order points are written. */
export const MEASUREMENTS: readonly Measurement[] = [cpu, memory, blkio, blkioDevice, network, networkInterface, pids, pressure];
