// One interval of accounting: from the counters the ledger kept (the base) and a new reading of the
// same cgroup incarnation, what the container used in between. Pure; the ledger stores the result.
//
// Cumulative counters (CPU, I/O, network) are exact: their difference. A counter that went backwards
// contributes 0 and becomes the new base. Gauges (memory) are integrated by the trapezoid rule
// ((a + b) / 2 × dt): exact for a linear change between samples, and unbiased for a load that ramps
// up or down, where a left rectangle would lag one interval. Limits are steps, not ramps: the limit
// in force at the start of the interval (the base's) counts for all of it, so no limit value is
// billed that was never set.

import { CUMULATIVE_FIELDS, type LedgerCounters } from './counters.js';

export interface UsageDelta {
  cpuCoreSeconds: number;
  /** CPU quota × time, only while a quota was set. */
  cpuLimitCoreSeconds: number;
  /** Per interval max(quota × dt, usage); usage where unlimited (OpenCost's max(request, usage)). */
  cpuMaxCoreSeconds: number;
  /** Seconds alive without a CPU quota. */
  cpuUnlimitedSeconds: number;
  memoryByteSeconds: number;
  workingSetByteSeconds: number;
  memoryLimitByteSeconds: number;
  memoryMaxByteSeconds: number;
  workingSetMaxByteSeconds: number;
  memoryUnlimitedSeconds: number;
  /** Highest reading; combined by max, never added. */
  memoryPeakBytes: number;
  workingSetPeakBytes: number;
  ioReadBytes: number;
  ioWriteBytes: number;
  ioReadOps: number;
  ioWriteOps: number;
  netRxBytes: number;
  netTxBytes: number;
  aliveSeconds: number;
}

export const ADDITIVE_FIELDS = [
  'cpuCoreSeconds', 'cpuLimitCoreSeconds', 'cpuMaxCoreSeconds', 'cpuUnlimitedSeconds',
  'memoryByteSeconds', 'workingSetByteSeconds', 'memoryLimitByteSeconds', 'memoryMaxByteSeconds',
  'workingSetMaxByteSeconds', 'memoryUnlimitedSeconds',
  'ioReadBytes', 'ioWriteBytes', 'ioReadOps', 'ioWriteOps', 'netRxBytes', 'netTxBytes', 'aliveSeconds',
] as const satisfies ReadonlyArray<keyof UsageDelta>;

export const PEAK_FIELDS = ['memoryPeakBytes', 'workingSetPeakBytes'] as const satisfies ReadonlyArray<keyof UsageDelta>;

export function emptyUsage(): UsageDelta {
  return {
    cpuCoreSeconds: 0, cpuLimitCoreSeconds: 0, cpuMaxCoreSeconds: 0, cpuUnlimitedSeconds: 0,
    memoryByteSeconds: 0, workingSetByteSeconds: 0, memoryLimitByteSeconds: 0, memoryMaxByteSeconds: 0,
    workingSetMaxByteSeconds: 0, memoryUnlimitedSeconds: 0, memoryPeakBytes: 0, workingSetPeakBytes: 0,
    ioReadBytes: 0, ioWriteBytes: 0, ioReadOps: 0, ioWriteOps: 0, netRxBytes: 0, netTxBytes: 0, aliveSeconds: 0,
  };
}

export interface IntervalStep {
  readonly usage: UsageDelta;
  /** Wall-clock span the usage belongs to (for hour buckets). */
  readonly startMs: number;
  readonly endMs: number;
  /** Counters that went backwards in this interval (contributed 0, base reset). */
  readonly resets: readonly string[];
}

export interface IntegrationResult {
  /** Undefined when there is nothing to add (no base, or a reading not newer than the base). */
  readonly step?: IntervalStep;
  /** What to keep as the base for the next reading. */
  readonly base: LedgerCounters;
}

/** Increase of a cumulative counter: 0 (and a reset) when it went backwards or is unknown at either end. */
function increase(now: number | undefined, before: number | undefined): { value: number; reset: boolean } {
  if (now === undefined || before === undefined) return { value: 0, reset: false };
  const delta = now - before;
  return delta >= 0 ? { value: delta, reset: false } : { value: 0, reset: true };
}

function trapezoid(before: number | undefined, now: number | undefined, seconds: number): number | undefined {
  return before === undefined || now === undefined ? undefined : ((before + now) / 2) * seconds;
}

/** Cumulative counters unknown in this reading keep the base's value, so the next reading spans the gap. */
function carryForward(base: LedgerCounters, current: LedgerCounters): LedgerCounters {
  const next: { -readonly [K in keyof LedgerCounters]: LedgerCounters[K] } = { ...current };
  for (const field of CUMULATIVE_FIELDS) {
    if (field === 'netRxBytes' || field === 'netTxBytes') continue;
    if (next[field] === undefined && base[field] !== undefined) next[field] = base[field];
  }
  if (current.netnsInode === undefined && base.netnsInode !== undefined) {
    next.netnsInode = base.netnsInode;
    next.netRxBytes = base.netRxBytes;
    next.netTxBytes = base.netTxBytes;
  }
  return next;
}

/**
 * Integrates `current` against `base` (an earlier reading of the same incarnation, or its counters at
 * creation). Without a base there is nothing to add: the reading becomes the base.
 */
export function integrate(base: LedgerCounters | undefined, current: LedgerCounters): IntegrationResult {
  if (base === undefined) return { base: current };
  const seconds = (current.monotonicMs - base.monotonicMs) / 1000;
  // A reading not newer than the base (the monotonic clock restarted: a reboot the boot id check
  // missed) adds nothing and becomes the base: no interval can be trusted across it.
  if (!(seconds > 0)) return { base: current };
  const usage = emptyUsage();
  const resets: string[] = [];
  const add = (field: 'cpuCoreSeconds' | 'ioReadBytes' | 'ioWriteBytes' | 'ioReadOps' | 'ioWriteOps', name: keyof LedgerCounters) => {
    const inc = increase(current[name], base[name]);
    usage[field] = inc.value;
    if (inc.reset) resets.push(name);
  };
  add('cpuCoreSeconds', 'cpuSeconds');
  add('ioReadBytes', 'ioReadBytes');
  add('ioWriteBytes', 'ioWriteBytes');
  add('ioReadOps', 'ioReadOps');
  add('ioWriteOps', 'ioWriteOps');
  if (current.netnsInode !== undefined && current.netnsInode === base.netnsInode) {
    const rx = increase(current.netRxBytes, base.netRxBytes);
    const tx = increase(current.netTxBytes, base.netTxBytes);
    usage.netRxBytes = rx.value;
    usage.netTxBytes = tx.value;
    if (rx.reset || tx.reset) resets.push('network');
  }
  usage.aliveSeconds = seconds;

  const cpuLimit = base.cpuLimitCores;
  const cpuReserved = cpuLimit !== undefined && Number.isFinite(cpuLimit) ? cpuLimit * seconds : 0;
  usage.cpuLimitCoreSeconds = cpuReserved;
  usage.cpuMaxCoreSeconds = Math.max(cpuReserved, usage.cpuCoreSeconds);
  if (cpuLimit === Infinity) usage.cpuUnlimitedSeconds = seconds;

  const memoryLimit = base.memoryLimitBytes;
  const memoryReserved = memoryLimit !== undefined && Number.isFinite(memoryLimit) ? memoryLimit * seconds : 0;
  const memory = trapezoid(base.memoryUsageBytes, current.memoryUsageBytes, seconds) ?? 0;
  const workingSet = trapezoid(base.workingSetBytes, current.workingSetBytes, seconds) ?? 0;
  usage.memoryByteSeconds = memory;
  usage.workingSetByteSeconds = workingSet;
  usage.memoryLimitByteSeconds = memoryReserved;
  usage.memoryMaxByteSeconds = Math.max(memoryReserved, memory);
  usage.workingSetMaxByteSeconds = Math.max(memoryReserved, workingSet);
  if (memoryLimit === Infinity) usage.memoryUnlimitedSeconds = seconds;
  usage.memoryPeakBytes = current.memoryUsageBytes ?? 0;
  usage.workingSetPeakBytes = current.workingSetBytes ?? 0;

  const endMs = current.timestampMs;
  return {
    step: { usage, startMs: endMs - seconds * 1000, endMs, resets },
    base: carryForward(base, current),
  };
}

/** Adds `delta` × `fraction` into `into` (peaks by max, unscaled). */
export function accumulate(into: UsageDelta, delta: UsageDelta, fraction = 1, withPeaks = true): void {
  for (const field of ADDITIVE_FIELDS) into[field] += delta[field] * fraction;
  if (!withPeaks) return;
  for (const field of PEAK_FIELDS) if (delta[field] > into[field]) into[field] = delta[field];
}
