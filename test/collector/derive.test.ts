// derive(): rates from two real readings (the fixtures' first and second samples, ~5 s apart),
// and no rate — never a negative one — across resets, recreated cgroups and first samples.

import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Collector, ALL_GROUPS } from '../../collector/poller.js';
import { derive, ratePerSecond } from '../../collector/model/derive.js';
import type { CgroupSample } from '../../collector/model/sample.js';

const fixture = (p: string) => fileURLToPath(new URL(`../fixtures/${p}`, import.meta.url));
const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Reads a fixture tree, overlays its second-sample files in place, reads again (same fds). */
function twoReadings(name: string): { first: Map<string, CgroupSample>; second: Map<string, CgroupSample> } {
  const dir = mkdtempSync(join(tmpdir(), 'cgmeter-derive-'));
  temps.push(dir);
  cpSync(fixture(name), dir, { recursive: true });
  const collector = new Collector({ hostRoot: dir, reader: 'fallback', groups: ALL_GROUPS });
  try {
    collector.discover();
    const first = new Map(collector.sample().map((s) => [s.path, s]));
    overwriteInPlace(join(dir, 'second-sample/sys'), join(dir, 'sys'));
    // Pretend exactly 5 s passed, so expected rates are plain arithmetic.
    const second = new Map(collector.sample().map((s) => [s.path, { ...s, monotonicMs: first.get(s.path)!.monotonicMs + 5000 }]));
    return { first, second };
  } finally {
    collector.close();
  }
}

/** Rewrites files keeping their inodes (cpSync would unlink them and our cached fds would not see it). */
function overwriteInPlace(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.isDirectory()) overwriteInPlace(join(from, entry.name), join(to, entry.name));
    else writeFileSync(join(to, entry.name), readFileSync(join(from, entry.name)));
  }
}

describe('derive on real consecutive readings', () => {
  it('v2 docker A: cores used and throttled ratio', () => {
    const { first, second } = twoReadings('cgroup-v2');
    const path = '/system.slice/docker-376f487bf99250bcc5fc3fe8c25a75d3176d40b0050403f03b4d7d31fd48e7f2.scope';
    const s = derive(second.get(path)!, first.get(path));
    expect(s.intervalSeconds).toBe(5);
    expect(s.cpu.coresUsed).toBeCloseTo((16535204 - 14940880) / 1e6 / 5, 12);
    expect(s.cpu.throttledRatio).toBeCloseTo((309 - 279) / (363 - 314), 12);
    expect(s.cpu.limitCores).toBe(0.5);
    expect(s.cpu.percentOfLimit).toBeCloseTo(((16535204 - 14940880) / 1e6 / 5 / 0.5) * 100, 9);
  });

  it('v1 hand-made group: cpuacct.usage delta over the interval', () => {
    const { first, second } = twoReadings('cgroup-v1');
    const s = derive(second.get('/fixture-handmade')!, first.get('/fixture-handmade'));
    expect(s.cpu.coresUsed).toBeCloseTo((3698034493 - 3083323329) / 1e9 / 5, 12);
    const a = '/docker/5aacd01bb9954993bfff3b1738339116d934bc62d7589f515d57dd78d53bbb83';
    expect(derive(second.get(a)!, first.get(a)).cpu.throttledRatio).toBeCloseTo((186 - 155) / (192 - 159), 12);
  });

  it('gives no rates on a first sample, a recreated cgroup or a counter that went backwards', () => {
    const { first, second } = twoReadings('cgroup-v2');
    const path = '/system.slice/docker-376f487bf99250bcc5fc3fe8c25a75d3176d40b0050403f03b4d7d31fd48e7f2.scope';
    const now = second.get(path)!;
    const before = first.get(path)!;
    expect(derive(now).cpu.coresUsed).toBeUndefined();
    expect(derive(now).intervalSeconds).toBeUndefined();
    const recreated = derive({ ...now, inode: now.inode + 1 }, before);
    expect(recreated.cpu.coresUsed).toBeUndefined();
    expect(recreated.blockIo.readBps).toBeUndefined();
    const newContainer = derive({ ...now, identity: { ...now.identity, id: 'other' } }, before);
    expect(newContainer.cpu.coresUsed).toBeUndefined();
    const reset = derive({ ...now, cpu: { ...now.cpu, usageSeconds: 0.5 } }, before);
    expect(reset.cpu.coresUsed).toBeUndefined();
    expect(reset.cpu.throttledRatio).toBeDefined(); // other counters still give rates
    expect(derive(before, now).cpu.coresUsed).toBeUndefined(); // time going backwards
  });
});

describe('derive across quiet-refresh samples (block I/O read earlier than the sample)', () => {
  const { first } = twoReadings('cgroup-v2');
  const path = '/system.slice/docker-376f487bf99250bcc5fc3fe8c25a75d3176d40b0050403f03b4d7d31fd48e7f2.scope';
  const before = first.get(path)!;
  // The real reading with 10 MB more read from each of its devices.
  const after: CgroupSample = { ...before, blockIo: before.blockIo.map((d) => ({ ...d, readBytes: (d.readBytes ?? 0) + 10_000_000 })) };
  const readBytes = (s: CgroupSample) => s.blockIo.reduce((sum, d) => sum + (d.readBytes ?? 0), 0);

  it('the reading has block devices (else the checks below would prove nothing)', () => {
    expect(readBytes(after) - readBytes(before)).toBe(10_000_000 * before.blockIo.length);
    expect(before.blockIo.length).toBeGreaterThan(0);
  });

  it('gives 0 between two samples of the same read, not a rate over the sample interval', () => {
    const t = before.monotonicMs;
    const quiet = { ...before, monotonicMs: t + 1000, countersMonotonicMs: t };
    expect(derive(quiet, before).blockIo.readBps).toBe(0);
    expect(derive(quiet, before).intervalSeconds).toBe(1);
    const quieter = { ...before, monotonicMs: t + 2000, countersMonotonicMs: t };
    expect(derive(quieter, quiet).blockIo.readBps).toBe(0);
  });

  it('spreads the increase found at a refresh over the time since the read before it', () => {
    const t = before.monotonicMs;
    // Read in full at t, quiet for 10 samples, read in full again at t + 10 s: the sample before
    // that refresh is t + 9 s but its counters are from t.
    const quiet = { ...before, monotonicMs: t + 9000, countersMonotonicMs: t };
    const refreshed = { ...after, monotonicMs: t + 10_000 };
    const rate = derive(refreshed, quiet).blockIo.readBps!;
    expect(rate).toBeCloseTo((readBytes(after) - readBytes(before)) / 10, 6);
    // Without the read time, the whole increase would land in one second: ten times as much.
    expect(derive({ ...refreshed }, { ...quiet, countersMonotonicMs: undefined }).blockIo.readBps).toBeCloseTo(rate * 10, 6);
  });
});

describe('ratePerSecond', () => {
  it('is undefined for unknown, infinite or decreasing counters', () => {
    expect(ratePerSecond(10, 4, 2)).toBe(3);
    expect(ratePerSecond(4, 10, 2)).toBeUndefined();
    expect(ratePerSecond(undefined, 1, 1)).toBeUndefined();
    expect(ratePerSecond(Infinity, 1, 1)).toBeUndefined();
  });
});
