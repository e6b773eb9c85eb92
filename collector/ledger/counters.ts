// What the ledger keeps of one Sample until the next: the raw cumulative counters and the gauges it
// integrates, flattened to numbers so that they fit one SQLite row and survive a restart.

import type { CgroupSample } from '../model/sample.js';

export interface LedgerCounters {
  /** CLOCK_MONOTONIC of the read (system-wide, so valid across cgmeter restarts on one boot). */
  readonly monotonicMs: number;
  /** Wall clock of the read: places the interval in hour buckets. */
  readonly timestampMs: number;
  readonly cpuSeconds?: number;
  readonly memoryUsageBytes?: number;
  readonly workingSetBytes?: number;
  /** Hard memory limit; Infinity when unlimited, undefined when unknown. */
  readonly memoryLimitBytes?: number;
  /** CFS quota / period; Infinity when unlimited, undefined when unknown. */
  readonly cpuLimitCores?: number;
  readonly ioReadBytes?: number;
  readonly ioWriteBytes?: number;
  readonly ioReadOps?: number;
  readonly ioWriteOps?: number;
  /** Net namespace the network counters belong to; they are only comparable within one. */
  readonly netnsInode?: number;
  readonly netRxBytes?: number;
  readonly netTxBytes?: number;
}

/** Names of the counters that only grow (a decrease is a reset). */
export const CUMULATIVE_FIELDS = [
  'cpuSeconds', 'ioReadBytes', 'ioWriteBytes', 'ioReadOps', 'ioWriteOps', 'netRxBytes', 'netTxBytes',
] as const satisfies ReadonlyArray<keyof LedgerCounters>;

function finite(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

/** A limit: Infinity stays Infinity (unlimited), NaN and undefined are unknown. */
function limitValue(value: number | undefined): number | undefined {
  return value === Infinity ? Infinity : finite(value);
}

function cpuLimitCores(sample: CgroupSample): number | undefined {
  const { quotaUs, periodUs } = sample.cpu;
  if (quotaUs === undefined || periodUs === undefined || !(periodUs > 0)) return undefined;
  if (quotaUs === Infinity) return Infinity;
  return Number.isFinite(quotaUs) && quotaUs > 0 ? quotaUs / periodUs : undefined;
}

/**
 * Sum of one field over the devices. No device line at all is 0 (blkio read, nothing done yet),
 * as derive() does; a device without the field does not count.
 */
function deviceSum(sample: CgroupSample, pick: (d: CgroupSample['blockIo'][number]) => number | undefined): number {
  let total = 0;
  for (const device of sample.blockIo) {
    const v = finite(pick(device));
    if (v !== undefined) total += v;
  }
  return total;
}

export function countersOf(sample: CgroupSample): LedgerCounters {
  let netRxBytes: number | undefined;
  let netTxBytes: number | undefined;
  const network = sample.network;
  if (network) {
    netRxBytes = 0;
    netTxBytes = 0;
    // Loopback never leaves the namespace: not billable traffic (derive() excludes it too).
    for (const iface of network.interfaces) {
      if (iface.name === 'lo') continue;
      netRxBytes += iface.rxBytes;
      netTxBytes += iface.txBytes;
    }
  }
  return {
    monotonicMs: sample.monotonicMs,
    timestampMs: sample.timestampMs,
    cpuSeconds: finite(sample.cpu.usageSeconds),
    memoryUsageBytes: finite(sample.memory.usageBytes),
    workingSetBytes: finite(sample.memory.workingSetBytes),
    memoryLimitBytes: limitValue(sample.memory.limitBytes),
    cpuLimitCores: cpuLimitCores(sample),
    ioReadBytes: deviceSum(sample, (d) => d.readBytes),
    ioWriteBytes: deviceSum(sample, (d) => d.writeBytes),
    ioReadOps: deviceSum(sample, (d) => d.readOps),
    ioWriteOps: deviceSum(sample, (d) => d.writeOps),
    netnsInode: network?.netnsInode,
    netRxBytes,
    netTxBytes,
  };
}

/** Only the network counters (a pod's: its CPU and memory are billed on its containers). */
export function networkCountersOf(sample: CgroupSample): LedgerCounters {
  const all = countersOf(sample);
  return { monotonicMs: all.monotonicMs, timestampMs: all.timestampMs, netnsInode: all.netnsInode, netRxBytes: all.netRxBytes, netTxBytes: all.netTxBytes };
}

/** The counters of a cgroup at the moment it was created: every cumulative counter starts at 0. */
export function countersAtCreation(current: LedgerCounters, createdMs: number, withNetwork: boolean): LedgerCounters {
  return {
    monotonicMs: current.monotonicMs - (current.timestampMs - createdMs),
    timestampMs: createdMs,
    cpuSeconds: 0,
    memoryUsageBytes: 0,
    workingSetBytes: 0,
    memoryLimitBytes: current.memoryLimitBytes,
    cpuLimitCores: current.cpuLimitCores,
    ioReadBytes: 0,
    ioWriteBytes: 0,
    ioReadOps: 0,
    ioWriteOps: 0,
    ...(withNetwork && current.netnsInode !== undefined ? { netnsInode: current.netnsInode, netRxBytes: 0, netTxBytes: 0 } : {}),
  };
}
