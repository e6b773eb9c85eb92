import { describe, expect, it } from 'vitest';
import { countersAtCreation, countersOf } from '../../collector/ledger/counters.js';
import { integrate } from '../../collector/ledger/integrate.js';
import { splitInterval, HOUR_MS } from '../../collector/ledger/buckets.js';
import { fakeSample, GiB, MiB } from './fake-samples.js';

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const c = (r: Parameters<typeof fakeSample>[0]) => countersOf(fakeSample(r));

describe('integrate', () => {
  it('adds counter differences exactly and memory by the trapezoid rule', () => {
    const a = c({ path: '/x', timestampMs: T0, cpuSeconds: 10, memoryBytes: 100 * MiB, readBytes: 1000, writeBytes: 50, netnsInode: 7, rxBytes: 10, txBytes: 20 });
    const b = c({ path: '/x', timestampMs: T0 + 2000, cpuSeconds: 11.5, memoryBytes: 300 * MiB, readBytes: 4000, writeBytes: 50, netnsInode: 7, rxBytes: 110, txBytes: 25 });
    const { step, base } = integrate(a, b);
    expect(step!.usage.cpuCoreSeconds).toBeCloseTo(1.5, 12);
    expect(step!.usage.memoryByteSeconds).toBe(200 * MiB * 2);
    expect(step!.usage.memoryPeakBytes).toBe(300 * MiB);
    expect(step!.usage.ioReadBytes).toBe(3000);
    expect(step!.usage.netRxBytes).toBe(100); // loopback excluded
    expect(step!.usage.netTxBytes).toBe(5);
    expect(step!.usage.aliveSeconds).toBe(2);
    expect(step!.startMs).toBe(T0);
    expect(step!.endMs).toBe(T0 + 2000);
    expect(base).toEqual(b);
  });

  it('gives 0 for a counter that went backwards, and resets the base to it', () => {
    const a = c({ path: '/x', timestampMs: T0, cpuSeconds: 50, readBytes: 9000 });
    const b = c({ path: '/x', timestampMs: T0 + 1000, cpuSeconds: 0.2, readBytes: 9500 });
    const { step, base } = integrate(a, b);
    expect(step!.usage.cpuCoreSeconds).toBe(0);
    expect(step!.usage.ioReadBytes).toBe(500);
    expect(step!.resets).toEqual(['cpuSeconds']);
    expect(base.cpuSeconds).toBe(0.2);
    const after = integrate(base, c({ path: '/x', timestampMs: T0 + 2000, cpuSeconds: 0.7 }));
    expect(after.step!.usage.cpuCoreSeconds).toBeCloseTo(0.5, 12);
  });

  it('bills the limit in force at the start of the interval; unlimited is counted apart', () => {
    const a = c({ path: '/x', timestampMs: T0, cpuSeconds: 0, quotaUs: 50_000, memoryBytes: GiB / 2, memoryLimitBytes: GiB });
    const b = c({ path: '/x', timestampMs: T0 + 10_000, cpuSeconds: 4, quotaUs: Infinity, memoryBytes: GiB / 2, memoryLimitBytes: 2 * GiB });
    const u = integrate(a, b).step!.usage;
    expect(u.cpuLimitCoreSeconds).toBe(5);
    expect(u.cpuMaxCoreSeconds).toBe(5);
    expect(u.memoryLimitByteSeconds).toBe(GiB * 10);
    expect(u.memoryMaxByteSeconds).toBe(GiB * 10);
    expect(u.cpuUnlimitedSeconds).toBe(0);
    const next = integrate(b, c({ path: '/x', timestampMs: T0 + 20_000, cpuSeconds: 10, memoryBytes: GiB / 2, memoryLimitBytes: Infinity })).step!.usage;
    expect(next.cpuLimitCoreSeconds).toBe(0);
    expect(next.cpuMaxCoreSeconds).toBe(6); // max(request, usage) with no request = usage
    expect(next.cpuUnlimitedSeconds).toBe(10);
    expect(next.memoryLimitByteSeconds).toBe(2 * GiB * 10); // b's limit was still 2 GiB
  });

  it('counts no network across a change of net namespace', () => {
    const a = c({ path: '/x', timestampMs: T0, netnsInode: 7, rxBytes: 5000 });
    const b = c({ path: '/x', timestampMs: T0 + 1000, netnsInode: 8, rxBytes: 100 });
    const r = integrate(a, b);
    expect(r.step!.usage.netRxBytes).toBe(0);
    expect(r.base.netnsInode).toBe(8);
  });

  it('keeps cumulative counters that were unreadable in one reading, so the next spans the gap', () => {
    const a = c({ path: '/x', timestampMs: T0, cpuSeconds: 1 });
    const b = c({ path: '/x', timestampMs: T0 + 1000 });
    const r1 = integrate(a, b);
    expect(r1.step!.usage.cpuCoreSeconds).toBe(0);
    expect(r1.base.cpuSeconds).toBe(1);
    const r2 = integrate(r1.base, c({ path: '/x', timestampMs: T0 + 2000, cpuSeconds: 3 }));
    expect(r2.step!.usage.cpuCoreSeconds).toBe(2);
  });

  it('adds nothing without a base, nor for a reading not newer than the base', () => {
    const a = c({ path: '/x', timestampMs: T0, cpuSeconds: 1 });
    expect(integrate(undefined, a)).toEqual({ base: a });
    expect(integrate(a, a).step).toBeUndefined();
  });

  it('integrates a new cgroup from its creation: every counter began at 0', () => {
    const now = c({ path: '/x', timestampMs: T0 + 3000, cpuSeconds: 1.25, memoryBytes: 60 * MiB, readBytes: 10 });
    const u = integrate(countersAtCreation(now, T0 + 500, false), now).step!.usage;
    expect(u.cpuCoreSeconds).toBe(1.25);
    expect(u.aliveSeconds).toBe(2.5);
    expect(u.memoryByteSeconds).toBe(30 * MiB * 2.5);
    expect(u.ioReadBytes).toBe(10);
  });
});

describe('splitInterval', () => {
  it('puts an interval inside one hour in that hour', () => {
    expect(splitInterval(T0 + 1000, T0 + 2000)).toEqual([{ bucketMs: T0, fraction: 1 }]);
  });
  it('shares an interval across the hour boundary by time', () => {
    expect(splitInterval(T0 - 250, T0 + 750)).toEqual([{ bucketMs: T0 - HOUR_MS, fraction: 0.25 }, { bucketMs: T0, fraction: 0.75 }]);
  });
  it('spreads a long gap over every hour it covers, keeping at most maxBuckets', () => {
    const shares = splitInterval(T0 - 2 * HOUR_MS - HOUR_MS / 2, T0 + HOUR_MS / 2);
    expect(shares.map((s) => s.fraction)).toEqual([1 / 6, 1 / 3, 1 / 3, 1 / 6]);
    expect(splitInterval(T0 - 10 * HOUR_MS, T0 + 1, HOUR_MS, 2).length).toBe(2);
  });
});
