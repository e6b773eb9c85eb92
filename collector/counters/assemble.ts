// Turns the slots one batch read filled for a cgroup into the counter part of a Sample.
// One function per hierarchy version, both producing the same shape.

import { splitDeviceNumber, slotCount, type FormatSpec } from '../../native/formats.js';
import type {
  BlockDeviceCounters, CpuCounters, MemoryCounters, PidsCounters, PressureCounters, CgroupSample,
} from '../model/sample.js';
import type { FileSource } from './sources.js';

/** USER_HZ: the unit of v1 cpuacct.stat; 100 on every Linux architecture cgmeter targets. */
export const USER_HZ = 100;

export type CounterPart = Pick<CgroupSample, 'cpu' | 'memory' | 'blockIo' | 'pids' | 'pressure' | 'processes' | 'threads'>;

/**
 * A view over one cgroup's slots: `offsets[i]` is where source i's slots start in `out`, or -1
 * when that file is absent for this cgroup. Reused across cgroups (no allocation per lookup).
 */
export class SlotView {
  /** Slots of the per-sample batch read. */
  out: Float64Array = new Float64Array(0);
  /** This cgroup's slots of the slow-cadence files (FileSource.cadence 'slow'). */
  slowOut: Float64Array = new Float64Array(0);
  offsets: Int32Array = new Int32Array(0);
  /**
   * Source index by key, as a plain object: assembly looks up ~70 keys per cgroup per sample, and
   * a property load with a literal key is cheaper than a Map lookup by string.
   */
  private readonly index: Record<string, number> = Object.create(null) as Record<string, number>;
  private readonly specs: FormatSpec[] = [];
  private readonly slow: boolean[] = [];

  constructor(sources: readonly FileSource[]) {
    sources.forEach((s, i) => {
      this.index[s.key] = i;
      this.specs.push(s.spec);
      this.slow.push(s.cadence === 'slow');
    });
  }

  private arrayOf(sourceIndex: number): Float64Array {
    return this.slow[sourceIndex] ? this.slowOut : this.out;
  }

  sourceIndex(key: string): number {
    const i = this.index[key];
    if (i === undefined) throw new Error(`no counter source named ${key}`); // a bug in the tables
    return i;
  }

  /** Slot `slot` of `key`, or undefined when the file is absent or the value unparsable. */
  value(key: string, slot = 0): number | undefined {
    const i = this.sourceIndex(key);
    const offset = this.offsets[i]!;
    if (offset < 0) return undefined;
    const v = this.arrayOf(i)[offset + slot]!;
    return Number.isNaN(v) ? undefined : v;
  }

  slotsOf(sourceIndex: number): number {
    return slotCount(this.specs[sourceIndex]!);
  }

  has(key: string): boolean {
    return this.offsets[this.sourceIndex(key)]! >= 0;
  }

  /** List format: the values kept. */
  list(key: string): number[] | undefined {
    const i = this.sourceIndex(key);
    const offset = this.offsets[i]!;
    if (offset < 0) return undefined;
    const out = this.arrayOf(i);
    const count = out[offset]!;
    if (Number.isNaN(count)) return undefined;
    return Array.from(out.subarray(offset + 1, offset + 1 + count));
  }

  /** Device-table format: rows of (devno, values by key order). */
  deviceRows(key: string): Array<{ devno: number; values: Float64Array }> {
    const i = this.sourceIndex(key);
    const offset = this.offsets[i]!;
    if (offset < 0) return [];
    const spec = this.specs[i]!;
    const out = this.arrayOf(i);
    const rows = out[offset]!;
    if (!(rows > 0)) return [];
    const width = 1 + spec.keys.length;
    const result: Array<{ devno: number; values: Float64Array }> = [];
    for (let r = 0; r < rows && r < spec.maxRows; r++) {
      const base = offset + 1 + r * width;
      result.push({ devno: out[base]!, values: out.subarray(base + 1, base + width) });
    }
    return result;
  }
}

const def = (v: number | undefined, scale = 1): number | undefined => (v === undefined ? undefined : v / scale);

/** The standard cgroup v1 cpu.shares ↔ v2 cpu.weight mapping (as runc and systemd use). */
export function sharesToWeight(shares: number): number {
  return Math.round(1 + ((shares - 2) * 9999) / 262142);
}
export function weightToShares(weight: number): number {
  return Math.round(2 + ((weight - 1) * 262142) / 9999);
}

function pressure(view: SlotView, key: string): PressureCounters | undefined {
  if (!view.has(key)) return undefined;
  const line = (base: number) => ({
    avg10: view.value(key, base),
    avg60: view.value(key, base + 1),
    avg300: view.value(key, base + 2),
    totalSeconds: def(view.value(key, base + 3), 1e6),
  });
  const some = line(0);
  if (some.avg10 === undefined && some.totalSeconds === undefined) return undefined;
  const full = line(4);
  return full.avg10 === undefined && full.totalSeconds === undefined ? { some } : { some, full };
}

function pressures(view: SlotView): CounterPart['pressure'] {
  return { cpu: pressure(view, 'cpu.pressure'), memory: pressure(view, 'memory.pressure'), io: pressure(view, 'io.pressure') };
}

function nonNegative(v: number | undefined): number | undefined {
  return v === undefined ? undefined : Math.max(0, v);
}

/** Merges byte and op tables keyed by device number into per-device counters. */
function blockDevices(
  rows: Array<{ key: 'bytes' | 'ops'; rows: Array<{ devno: number; values: Float64Array }> }>,
  map: (kind: 'bytes' | 'ops', values: Float64Array) => Partial<BlockDeviceCounters>,
  deviceName: (major: number, minor: number) => string | undefined,
): BlockDeviceCounters[] {
  const byDevno = new Map<number, BlockDeviceCounters>();
  for (const { key, rows: table } of rows) {
    for (const { devno, values } of table) {
      const { major, minor } = splitDeviceNumber(devno);
      const current = byDevno.get(devno) ?? { major, minor, device: deviceName(major, minor) };
      byDevno.set(devno, { ...current, ...map(key, values) });
    }
  }
  return [...byDevno.values()];
}

const nan = (v: number | undefined): number | undefined => (v === undefined || Number.isNaN(v) ? undefined : v);

/** What v1 and v2 name alike: pids files, pressure, process counts. */
function commonParts(view: SlotView): Pick<CounterPart, 'pids' | 'pressure' | 'processes' | 'threads'> {
  const pids: PidsCounters = {
    current: view.value('pids.current'),
    max: view.value('pids.max'),
    limitHits: view.value('pids.events', 0),
  };
  return { pids, pressure: pressures(view), processes: view.value('procs'), threads: view.value('threads') };
}

export function assembleV1(view: SlotView, deviceName: (major: number, minor: number) => string | undefined): CounterPart {
  const quota = view.value('cpu.cfs_quota_us');
  const shares = view.value('cpu.shares');
  const cpu: CpuCounters = {
    usageSeconds: def(view.value('cpuacct.usage'), 1e9),
    userSeconds: def(view.value('cpuacct.stat', 0), USER_HZ),
    systemSeconds: def(view.value('cpuacct.stat', 1), USER_HZ),
    perCpuSeconds: view.list('cpuacct.usage_percpu')?.map((ns) => ns / 1e9),
    periods: view.value('cpu.stat', 0),
    throttledPeriods: view.value('cpu.stat', 1),
    throttledSeconds: def(view.value('cpu.stat', 2), 1e9),
    // v1 says "no quota" with -1.
    quotaUs: quota === undefined ? undefined : quota < 0 ? Infinity : quota,
    periodUs: view.value('cpu.cfs_period_us'),
    shares,
    weight: shares === undefined ? undefined : sharesToWeight(shares),
  };
  const usage = view.value('memory.usage_in_bytes');
  const limit = view.value('memory.limit_in_bytes');
  const memswUsage = view.value('memory.memsw.usage_in_bytes');
  const memswLimit = view.value('memory.memsw.limit_in_bytes');
  const softLimit = view.value('memory.soft_limit_in_bytes');
  const stat = (i: number) => view.value('memory.stat', i);
  const inactiveFile = stat(12);
  const memory: MemoryCounters = {
    usageBytes: usage,
    limitBytes: limit,
    highBytes: softLimit,
    reservationBytes: softLimit,
    swapBytes: usage !== undefined && memswUsage !== undefined ? Math.max(0, memswUsage - usage) : undefined,
    swapLimitBytes: memswLimit === undefined || limit === undefined ? undefined
      : memswLimit === Infinity ? Infinity : Math.max(0, memswLimit - limit),
    maxUsageBytes: view.value('memory.max_usage_in_bytes'),
    workingSetBytes: usage === undefined ? undefined : nonNegative(usage - (inactiveFile ?? 0)),
    cacheBytes: stat(0),
    rssBytes: stat(1),
    shmemBytes: stat(3),
    mappedFileBytes: stat(4),
    dirtyBytes: stat(5),
    writebackBytes: stat(6),
    pgfault: stat(8),
    pgmajfault: stat(9),
    inactiveAnonBytes: stat(10),
    activeAnonBytes: stat(11),
    inactiveFileBytes: inactiveFile,
    activeFileBytes: stat(13),
    unevictableBytes: stat(14),
    workingsetRefault: stat(15) !== undefined || stat(16) !== undefined ? (stat(15) ?? 0) + (stat(16) ?? 0) : stat(17),
    kernelBytes: view.value('memory.kmem.usage_in_bytes'),
    failcnt: view.value('memory.failcnt'),
    events: view.has('memory.oom_control') ? { oomKill: view.value('memory.oom_control', 0) } : undefined,
  };
  const blockIo = blockDevices(
    [
      { key: 'bytes', rows: view.deviceRows('blkio.bytes') },
      { key: 'ops', rows: view.deviceRows('blkio.ops') },
    ],
    (kind, v) => kind === 'bytes'
      ? { readBytes: nan(v[0]), writeBytes: nan(v[1]), discardBytes: nan(v[2]) }
      : { readOps: nan(v[0]), writeOps: nan(v[1]), discardOps: nan(v[2]) },
    deviceName,
  );
  return { cpu, memory, blockIo, ...commonParts(view) };
}

export function assembleV2(view: SlotView, deviceName: (major: number, minor: number) => string | undefined): CounterPart {
  const weight = view.value('cpu.weight');
  const cpu: CpuCounters = {
    usageSeconds: def(view.value('cpu.stat', 0), 1e6),
    userSeconds: def(view.value('cpu.stat', 1), 1e6),
    systemSeconds: def(view.value('cpu.stat', 2), 1e6),
    periods: view.value('cpu.stat', 3),
    throttledPeriods: view.value('cpu.stat', 4),
    throttledSeconds: def(view.value('cpu.stat', 5), 1e6),
    quotaUs: view.value('cpu.max', 0),
    periodUs: view.value('cpu.max', 1),
    weight,
    shares: weight === undefined ? undefined : weightToShares(weight),
  };
  const usage = view.value('memory.current');
  const stat = (i: number) => view.value('memory.stat', i);
  const inactiveFile = stat(12);
  const refaultAnon = stat(17);
  const refaultFile = stat(18);
  const memory: MemoryCounters = {
    usageBytes: usage,
    limitBytes: view.value('memory.max'),
    highBytes: view.value('memory.high'),
    reservationBytes: view.value('memory.low'),
    swapBytes: view.value('memory.swap.current'),
    swapLimitBytes: view.value('memory.swap.max'),
    maxUsageBytes: view.value('memory.peak'),
    workingSetBytes: usage === undefined ? undefined : nonNegative(usage - (inactiveFile ?? 0)),
    rssBytes: stat(0),
    cacheBytes: stat(1),
    kernelBytes: stat(2),
    shmemBytes: stat(6),
    mappedFileBytes: stat(7),
    dirtyBytes: stat(8),
    writebackBytes: stat(9),
    inactiveAnonBytes: stat(10),
    activeAnonBytes: stat(11),
    inactiveFileBytes: inactiveFile,
    activeFileBytes: stat(13),
    unevictableBytes: stat(14),
    pgfault: stat(15),
    pgmajfault: stat(16),
    // Kernels ≥ 5.9 split refaults by LRU type; older ones have one counter.
    workingsetRefault: refaultAnon !== undefined || refaultFile !== undefined ? (refaultAnon ?? 0) + (refaultFile ?? 0) : stat(19),
    pgscan: stat(20),
    pgsteal: stat(21),
    events: view.has('memory.events')
      ? {
          low: view.value('memory.events', 0),
          high: view.value('memory.events', 1),
          max: view.value('memory.events', 2),
          oom: view.value('memory.events', 3),
          oomKill: view.value('memory.events', 4),
          oomGroupKill: view.value('memory.events', 5),
        }
      : undefined,
  };
  const blockIo = blockDevices(
    [{ key: 'bytes', rows: view.deviceRows('io.stat') }],
    (_kind, v) => ({
      readBytes: nan(v[0]), writeBytes: nan(v[1]), readOps: nan(v[2]), writeOps: nan(v[3]), discardBytes: nan(v[4]), discardOps: nan(v[5]),
    }),
    deviceName,
  );
  return { cpu, memory, blockIo, ...commonParts(view) };
}
