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

/** Sums over devices, unknown and non-finite values left out (a device table with none: 0). */
function ioTotals(devices: CgroupSample['blockIo']): { r: number; w: number; ro: number; wo: number } {
  let r = 0;
  let w = 0;
  let ro = 0;
  let wo = 0;
  for (const d of devices) {
    if (d.readBytes !== undefined && Number.isFinite(d.readBytes)) r += d.readBytes;
    if (d.writeBytes !== undefined && Number.isFinite(d.writeBytes)) w += d.writeBytes;
    if (d.readOps !== undefined && Number.isFinite(d.readOps)) ro += d.readOps;
    if (d.writeOps !== undefined && Number.isFinite(d.writeOps)) wo += d.writeOps;
  }
  return { r, w, ro, wo };
}

/** Whether `previous` is an earlier reading of the same cgroup incarnation. */
export function sameIncarnation(current: CgroupSample, previous: CgroupSample | undefined): previous is CgroupSample {
  return previous !== undefined
    && previous.path === current.path
    && previous.inode === current.inode
    && previous.identity.id === current.identity.id
    && current.monotonicMs > previous.monotonicMs;
}

/**
 * Seconds between the reads behind two Samples' counters other than CPU time and network. With quiet
 * refresh (Sample.countersMonotonicMs) those were read earlier than the sample: a rate over the time
 * between the two reads makes a refresh after a quiet spell show the spell's average, not its whole
 * increase as one interval's; two samples of one read are 0 s apart (see counterRate).
 */
export function countersSeconds(current: CgroupSample, previous: CgroupSample): number {
  return ((current.countersMonotonicMs ?? current.monotonicMs) - (previous.countersMonotonicMs ?? previous.monotonicMs)) / 1000;
}

/** ratePerSecond over countersSeconds: 0 for two samples of the same read (nothing new was read). */
export function counterRate(current: number | undefined, previous: number | undefined, seconds: number | undefined): number | undefined {
  if (seconds === 0) return current !== undefined && current === previous ? 0 : undefined;
  return seconds !== undefined && seconds > 0 ? ratePerSecond(current, previous, seconds) : undefined;
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
  const ioNow = ioTotals(current.blockIo);
  const ioPrev = usable && ioTotals(usable.blockIo);
  const ioSeconds = usable ? countersSeconds(current, usable) : undefined;
  const io = (now: number, before: number | undefined) => counterRate(now, before, ioSeconds);
  // An I/O total with no devices yet is 0, not unknown, once the blkio group was read at all.
  const blockIo: IoRates = {
    readBps: io(ioNow.r, ioPrev?.r),
    writeBps: io(ioNow.w, ioPrev?.w),
    readIops: io(ioNow.ro, ioPrev?.ro),
    writeIops: io(ioNow.wo, ioPrev?.wo),
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
  const a = netTotals(now);
  const b = usable && netTotals(usable);
  return {
    rxBps: ratePerSecond(a.rxBytes, b?.rxBytes, seconds),
    txBps: ratePerSecond(a.txBytes, b?.txBytes, seconds),
    rxPps: ratePerSecond(a.rxPackets, b?.rxPackets, seconds),
    txPps: ratePerSecond(a.txPackets, b?.txPackets, seconds),
  };
}

/** Totals over every interface but loopback. */
function netTotals(n: NetworkCounters): { rxBytes: number; txBytes: number; rxPackets: number; txPackets: number } {
  let rxBytes = 0;
  let txBytes = 0;
  let rxPackets = 0;
  let txPackets = 0;
  for (const i of n.interfaces) {
    if (i.name === 'lo') continue;
    rxBytes += i.rxBytes;
    txBytes += i.txBytes;
    rxPackets += i.rxPackets;
    txPackets += i.txPackets;
  }
  return { rxBytes, txBytes, rxPackets, txPackets };
}
