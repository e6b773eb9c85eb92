// What the charts draw: for every cgroup, the last `capacity` Snapshots reduced to the numbers the
// detail and memory views plot, in rings that grow to that size (Float32 is plenty for a chart and
// keeps 200 containers × 300 points × 24 series near 6 MB). Also the memory event rates the memory
// table shows, from consecutive Snapshots' counters. Fed Snapshots only.

import { counterRate, countersSeconds, sameIncarnation, type Snapshot } from '../../collector/model/derive.js';
import type { CgroupSample } from '../../collector/model/sample.js';
import type { MemoryRates } from './row.js';

export const SERIES = [
  'coresUsed', 'limitCores', 'throttledPercent',
  'usageBytes', 'workingSetBytes', 'limitBytes',
  'readBps', 'writeBps', 'rxBps', 'txBps',
  'psiCpu', 'psiMemory', 'psiMemoryFull', 'psiIo',
  'activeAnonBytes', 'inactiveAnonBytes', 'activeFileBytes', 'inactiveFileBytes',
  'refaultPs', 'pgscanPs', 'pgstealPs', 'failcntDelta', 'oomKillDelta', 'pids',
] as const;

export type SeriesName = (typeof SERIES)[number];

const INDEX = Object.fromEntries(SERIES.map((name, i) => [name, i])) as Record<SeriesName, number>;

/** Default points kept per cgroup: 5 minutes at the default 1 s interval. */
export const DEFAULT_HISTORY_POINTS = 300;
/**
 * How long a vanished cgroup's history is kept, in frames: a container's for a minute (its detail
 * view then shows how it ended, an OOM kill say), any other cgroup's briefly — hosts where test
 * suites or batch jobs make and remove thousands of cgroups must not fill memory with them.
 */
const FORGET_CONTAINER_AFTER_FRAMES = 60;
const FORGET_CGROUP_AFTER_FRAMES = 5;
/** Rings start this small and double: a cgroup that lives seconds costs a few points, not 300. */
const FIRST_RING_POINTS = 8;

class Ring {
  timesMs: Float64Array;
  values: Float32Array;
  /** Points allocated (≤ capacity). */
  size: number;
  start = 0;
  length = 0;
  lastSample?: CgroupSample;
  lastSeenFrame = 0;
  memoryRates: MemoryRates = {};

  constructor(readonly capacity: number) {
    this.size = Math.min(capacity, FIRST_RING_POINTS);
    this.timesMs = new Float64Array(this.size);
    this.values = new Float32Array(this.size * SERIES.length);
  }

  push(timeMs: number, point: Float64Array): void {
    if (this.length === this.size && this.size < this.capacity) this.grow();
    const slot = (this.start + this.length) % this.size;
    if (this.length < this.size) this.length++;
    else this.start = (this.start + 1) % this.size;
    this.timesMs[slot] = timeMs;
    this.values.set(point, slot * SERIES.length);
  }

  /** Slot of the i-th oldest point. */
  slot(i: number): number {
    return (this.start + i) % this.size;
  }

  private grow(): void {
    const size = Math.min(this.capacity, this.size * 2);
    const times = new Float64Array(size);
    const values = new Float32Array(size * SERIES.length);
    for (let i = 0; i < this.length; i++) {
      const from = this.slot(i);
      times[i] = this.timesMs[from]!;
      values.set(this.values.subarray(from * SERIES.length, (from + 1) * SERIES.length), i * SERIES.length);
    }
    this.timesMs = times;
    this.values = values;
    this.size = size;
    this.start = 0;
  }
}

export interface SeriesView {
  readonly timesMs: readonly number[];
  /** NaN where the value was unknown. */
  readonly values: readonly number[];
}

const nan = (v: number | undefined): number => (v === undefined ? Number.NaN : v);

export class HistoryStore {
  private readonly rings = new Map<string, Ring>();
  private frame = 0;
  private readonly point = new Float64Array(SERIES.length);

  constructor(readonly capacity = DEFAULT_HISTORY_POINTS) {}

  /** Adds one frame's Snapshots (taken at `timeMs`). */
  record(snapshots: readonly Snapshot[], timeMs: number): void {
    this.frame++;
    for (const s of snapshots) {
      const key = s.sample.path;
      let ring = this.rings.get(key);
      // A recreated cgroup (same path, new inode or id) is a new line on the chart.
      if (ring?.lastSample !== undefined && ring.lastSample.inode !== s.sample.inode) ring = undefined;
      if (ring === undefined) {
        ring = new Ring(this.capacity);
        this.rings.set(key, ring);
      }
      const rates = memoryRatesBetween(s.sample, ring.lastSample);
      this.fill(s, rates, ring.lastSample);
      ring.push(timeMs, this.point);
      ring.memoryRates = rates;
      ring.lastSample = s.sample;
      ring.lastSeenFrame = this.frame;
    }
    for (const [key, ring] of this.rings) {
      const kind = ring.lastSample?.identity.kind;
      const keep = kind === 'container' || kind === 'pod' ? FORGET_CONTAINER_AFTER_FRAMES : FORGET_CGROUP_AFTER_FRAMES;
      if (this.frame - ring.lastSeenFrame > keep) this.rings.delete(key);
    }
  }

  clear(): void {
    this.rings.clear();
  }

  has(key: string): boolean {
    return this.rings.has(key);
  }

  memoryRates(key: string): MemoryRates | undefined {
    return this.rings.get(key)?.memoryRates;
  }

  /** The last Sample recorded for a cgroup, also after it vanished (until it is forgotten). */
  lastSample(key: string): CgroupSample | undefined {
    return this.rings.get(key)?.lastSample;
  }

  /** The newest `maxPoints` values of one series, oldest first. */
  series(key: string, name: SeriesName, maxPoints = this.capacity): SeriesView {
    const ring = this.rings.get(key);
    if (ring === undefined) return { timesMs: [], values: [] };
    const count = Math.min(ring.length, maxPoints);
    const timesMs: number[] = new Array(count);
    const values: number[] = new Array(count);
    const column = INDEX[name];
    for (let i = 0; i < count; i++) {
      const slot = ring.slot(ring.length - count + i);
      timesMs[i] = ring.timesMs[slot]!;
      values[i] = ring.values[slot * SERIES.length + column]!;
    }
    return { timesMs, values };
  }

  private fill(s: Snapshot, rates: MemoryRates, previous: CgroupSample | undefined): void {
    const p = this.point;
    const m = s.sample.memory;
    const usable = sameIncarnation(s.sample, previous) ? previous : undefined;
    const delta = (now: number | undefined, before: number | undefined) =>
      now === undefined || before === undefined || now < before ? Number.NaN : now - before;
    p[INDEX.coresUsed] = nan(s.cpu.coresUsed);
    p[INDEX.limitCores] = nan(s.cpu.limitCores);
    p[INDEX.throttledPercent] = s.cpu.throttledRatio === undefined ? Number.NaN : s.cpu.throttledRatio * 100;
    p[INDEX.usageBytes] = nan(m.usageBytes);
    p[INDEX.workingSetBytes] = nan(s.memory.workingSetBytes);
    p[INDEX.limitBytes] = nan(m.limitBytes);
    p[INDEX.readBps] = nan(s.blockIo.readBps);
    p[INDEX.writeBps] = nan(s.blockIo.writeBps);
    p[INDEX.rxBps] = nan(s.network.rxBps);
    p[INDEX.txBps] = nan(s.network.txBps);
    p[INDEX.psiCpu] = nan(s.sample.pressure.cpu?.some.avg10);
    p[INDEX.psiMemory] = nan(s.sample.pressure.memory?.some.avg10);
    p[INDEX.psiMemoryFull] = nan(s.sample.pressure.memory?.full?.avg10);
    p[INDEX.psiIo] = nan(s.sample.pressure.io?.some.avg10);
    p[INDEX.activeAnonBytes] = nan(m.activeAnonBytes);
    p[INDEX.inactiveAnonBytes] = nan(m.inactiveAnonBytes);
    p[INDEX.activeFileBytes] = nan(m.activeFileBytes);
    p[INDEX.inactiveFileBytes] = nan(m.inactiveFileBytes);
    p[INDEX.refaultPs] = nan(rates.refaultPs);
    p[INDEX.pgscanPs] = nan(rates.pgscanPs);
    p[INDEX.pgstealPs] = nan(rates.pgstealPs);
    p[INDEX.failcntDelta] = delta(m.failcnt ?? m.events?.max, usable?.memory.failcnt ?? usable?.memory.events?.max);
    p[INDEX.oomKillDelta] = delta(m.events?.oomKill, usable?.memory.events?.oomKill);
    p[INDEX.pids] = nan(s.sample.pids.current);
  }
}

/** Refaults, reclaim scans/steals and major faults per second between two Samples of one cgroup. */
export function memoryRatesBetween(current: CgroupSample, previous: CgroupSample | undefined): MemoryRates {
  if (!sameIncarnation(current, previous)) return {};
  // Over the time between the counters' reads: serve's quiet refresh reads them less often than it samples.
  const seconds = countersSeconds(current, previous);
  const c = current.memory;
  const p = previous.memory;
  return {
    refaultPs: counterRate(c.workingsetRefault, p.workingsetRefault, seconds),
    pgscanPs: counterRate(c.pgscan, p.pgscan, seconds),
    pgstealPs: counterRate(c.pgsteal, p.pgsteal, seconds),
    pgmajfaultPs: counterRate(c.pgmajfault, p.pgmajfault, seconds),
  };
}
