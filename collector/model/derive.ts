// Snapshot = derive(current, previous): one pure function adds rates and derived values to a
// Sample. A rate is absent — never negative, never a spike — on the first sample, after a
// counter went backwards, or when the cgroup was recreated (same path, new inode or new id).

import type { CgroupSample, NetworkCounters } from './sample.js';

export interface CpuRates {
  /** CPU cores used over the interval (1.0 = one core busy). */
  readonly coresUsed?: number;
  readonly userCores?: number;
  readonly systemCores?: number;
  /** Share of CFS periods in the interval that were throttled, 0…1. */
  readonly throttledRatio?: number;
  /** The quota in cores (quota / period), Infinity when unlimited. */
  readonly limitCores?: number;
  /** coresUsed / limitCores × 100, when there is a limit. */
  readonly percentOfLimit?: number;
}

export interface MemoryDerived {
  readonly workingSetBytes?: number;
  /** usage / limit × 100 when limited. */
  readonly percentOfLimit?: number;
}

export interface IoRates {
  readonly readBps?: number;
  readonly writeBps?: number;
  readonly readIops?: number;
  readonly writeIops?: number;
}

export interface NetworkRates {
  readonly rxBps?: number;
  readonly txBps?: number;
  readonly rxPps?: number;
  readonly txPps?: number;
}

export interface Snapshot {
  readonly sample: CgroupSample;
  /** Seconds between the previous sample and this one; undefined when there is no usable previous. */
  readonly intervalSeconds?: number;
  readonly cpu: CpuRates;
  readonly memory: MemoryDerived;
  readonly blockIo: IoRates;
  readonly network: NetworkRates;
}

/** A counter's increase per second; undefined when either side is unknown or it went backwards. */
export function ratePerSecond(current: number | undefined, previous: number | undefined, seconds: number | undefined): number | undefined {
  if (current === undefined || previous === undefined || seconds === undefined) return undefined;
  if (!Number.isFinite(current) || !Number.isFinite(previous)) return undefined;
  const delta = current - previous;
  if (delta < 0) return undefined; // counter reset: no rate rather than a negative one
  return delta / seconds;
}

function sum(values: Array<number | undefined>): number | undefined {
  let total = 0;
  let any = false;
  for (const v of values) {
    if (v === undefined || !Number.isFinite(v)) continue;
    total += v;
    any = true;
  }
  return any ? total : undefined;
}

/** Whether `previous` is an earlier reading of the same cgroup incarnation. */
export function sameIncarnation(current: CgroupSample, previous: CgroupSample | undefined): previous is CgroupSample {
  return previous !== undefined
    && previous.path === current.path
    && previous.inode === current.inode
    && previous.identity.id === current.identity.id
    && current.monotonicMs > previous.monotonicMs;
}

export function derive(current: CgroupSample, previous?: CgroupSample): Snapshot {
  const usable = sameIncarnation(current, previous) ? previous : undefined;
  const seconds = usable ? (current.monotonicMs - usable.monotonicMs) / 1000 : undefined;
  const c = current.cpu;
  const p = usable?.cpu;
  const limitCores = c.quotaUs === undefined || c.periodUs === undefined || !(c.periodUs > 0)
    ? undefined
    : c.quotaUs === Infinity ? Infinity : c.quotaUs / c.periodUs;
  const coresUsed = ratePerSecond(c.usageSeconds, p?.usageSeconds, seconds);
  const periods = p ? ratePerSecond(c.periods, p.periods, 1) : undefined;
  const throttled = p ? ratePerSecond(c.throttledPeriods, p.throttledPeriods, 1) : undefined;
  const cpu: CpuRates = {
    coresUsed,
    userCores: ratePerSecond(c.userSeconds, p?.userSeconds, seconds),
    systemCores: ratePerSecond(c.systemSeconds, p?.systemSeconds, seconds),
    throttledRatio: periods !== undefined && throttled !== undefined && periods > 0 ? Math.min(1, throttled / periods) : periods === 0 ? 0 : undefined,
    limitCores,
    percentOfLimit: coresUsed !== undefined && limitCores !== undefined && Number.isFinite(limitCores) && limitCores > 0 ? (coresUsed / limitCores) * 100 : undefined,
  };
  const m = current.memory;
  const memory: MemoryDerived = {
    workingSetBytes: m.workingSetBytes,
    percentOfLimit: m.usageBytes !== undefined && m.limitBytes !== undefined && Number.isFinite(m.limitBytes) && m.limitBytes > 0
      ? (m.usageBytes / m.limitBytes) * 100 : undefined,
  };
  const ioNow = {
    r: sum(current.blockIo.map((d) => d.readBytes)), w: sum(current.blockIo.map((d) => d.writeBytes)),
    ro: sum(current.blockIo.map((d) => d.readOps)), wo: sum(current.blockIo.map((d) => d.writeOps)),
  };
  const ioPrev = usable && {
    r: sum(usable.blockIo.map((d) => d.readBytes)), w: sum(usable.blockIo.map((d) => d.writeBytes)),
    ro: sum(usable.blockIo.map((d) => d.readOps)), wo: sum(usable.blockIo.map((d) => d.writeOps)),
  };
  // An I/O total with no devices yet is 0, not unknown, once the blkio group was read at all.
  const blockIo: IoRates = {
    readBps: ratePerSecond(ioNow.r ?? 0, ioPrev ? ioPrev.r ?? 0 : undefined, seconds),
    writeBps: ratePerSecond(ioNow.w ?? 0, ioPrev ? ioPrev.w ?? 0 : undefined, seconds),
    readIops: ratePerSecond(ioNow.ro ?? 0, ioPrev ? ioPrev.ro ?? 0 : undefined, seconds),
    writeIops: ratePerSecond(ioNow.wo ?? 0, ioPrev ? ioPrev.wo ?? 0 : undefined, seconds),
  };
  const network = deriveNetwork(current, usable, seconds);
  return { sample: current, intervalSeconds: seconds, cpu, memory, blockIo, network };
}

function deriveNetwork(current: CgroupSample, previous: CgroupSample | undefined, seconds: number | undefined): NetworkRates {
  const now = current.network;
  const before = previous?.network;
  if (!now) return {};
  // A different namespace behind the same cgroup is a different set of counters.
  const usable = before && before.netnsInode === now.netnsInode ? before : undefined;
  type Iface = NetworkCounters['interfaces'][number];
  const total = (n: NetworkCounters | undefined, pick: (i: Iface) => number) =>
    n ? n.interfaces.filter((i) => i.name !== 'lo').reduce((acc, i) => acc + pick(i), 0) : undefined;
  return {
    rxBps: ratePerSecond(total(now, (i) => i.rxBytes), total(usable, (i) => i.rxBytes), seconds),
    txBps: ratePerSecond(total(now, (i) => i.txBytes), total(usable, (i) => i.txBytes), seconds),
    rxPps: ratePerSecond(total(now, (i) => i.rxPackets), total(usable, (i) => i.rxPackets), seconds),
    txPps: ratePerSecond(total(now, (i) => i.txPackets), total(usable, (i) => i.txPackets), seconds),
  };
}
