// The whole collector (hierarchy → discovery → batch reader → assembly) run on real kernel
// files captured from a hybrid v1 host and a pure v2 kernel (test/fixtures/*/README.md),
// asserting the exact values those READMEs list. Runs against both readers.

import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { Collector, ALL_GROUPS } from '../../collector/poller.js';
import { loadNative } from '../../native/index.js';
import type { CgroupSample } from '../../collector/model/sample.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

const V1_A = '5aacd01bb9954993bfff3b1738339116d934bc62d7589f515d57dd78d53bbb83';
const V1_B = '8c8ddd7e488b48f3f894af7b24f4bd143a734393b9aae93e28dae289c5d87ceb';
const V2_A = '376f487bf99250bcc5fc3fe8c25a75d3176d40b0050403f03b4d7d31fd48e7f2';
const V2_B = '4e7d912fd6788b3f2fa2968e1e1f2e737bab4bd782c6f906952f5870492ce4a2';
const BURSTABLE_APP = 'b63540b4e9c0dcbeaacc004c937a35a180b5d59fd55a9acb0a21d4d62ac8ea2f';
const BESTEFFORT_APP = '15e3b7e5ea2433c1abbc11da17dffb61acc028d09ee66114e574650c48a568f4';
const LIBPOD = 'b73adf578e04a3eb6c39e1e3ce482ff3189b4eca807fb63566cd48ba1f6e3268';

const nativeAvailable = !(loadNative() instanceof Error);
const readers = (['fallback', 'native'] as const).filter((r) => r === 'fallback' || nativeAvailable || process.env.CI === 'true');
if (!nativeAvailable && process.env.CI !== 'true') console.warn('native addon not built: fixture tests run on the fallback reader only');

function sampleFixture(name: string, reader: 'fallback' | 'native'): Map<string, CgroupSample> {
  const collector = new Collector({ hostRoot: fixture(name), reader, groups: new Set([...ALL_GROUPS, 'percpu']) });
  try {
    collector.discover();
    return new Map(collector.sample().map((s) => [s.path, s]));
  } finally {
    collector.close();
  }
}

describe.each(readers)('v1 hybrid fixture (kernel 6.18), %s reader', (reader) => {
  const samples = sampleFixture('cgroup-v1', reader);
  const a = samples.get(`/docker/${V1_A}`)!;
  const b = samples.get(`/docker/${V1_B}`)!;

  it('classifies the host as hybrid and finds every cgroup in the five hierarchies', () => {
    expect([...samples.keys()].sort()).toEqual(['/', '/docker', `/docker/${V1_A}`, `/docker/${V1_B}`, '/fixture-handmade']);
  });

  it('reads container A\'s CPU counters and quota exactly', () => {
    expect(a.cpu.usageSeconds).toBe(7808045373 / 1e9);
    expect(a.cpu.userSeconds).toBe(7.45);
    expect(a.cpu.systemSeconds).toBe(0.35);
    expect(a.cpu.periods).toBe(159);
    expect(a.cpu.throttledPeriods).toBe(155);
    expect(a.cpu.throttledSeconds).toBe(22347128110 / 1e9);
    expect(a.cpu.quotaUs).toBe(50000);
    expect(a.cpu.periodUs).toBe(100000);
    expect(a.cpu.shares).toBe(512);
    expect(a.cpu.perCpuSeconds).toHaveLength(2);
    expect(a.cpu.perCpuSeconds!.reduce((x, y) => x + y, 0)).toBeCloseTo(7.808045373, 6);
  });

  it('reads container A\'s memory, I/O and pids exactly', () => {
    expect(a.memory.usageBytes).toBe(113426432);
    expect(a.memory.limitBytes).toBe(268435456);
    expect(a.memory.reservationBytes).toBe(134217728);
    expect(a.memory.maxUsageBytes).toBe(127959040);
    expect(a.memory.rssBytes).toBe(108163072);
    expect(a.memory.cacheBytes).toBe(3862528);
    expect(a.memory.workingSetBytes).toBe(113426432 - a.memory.inactiveFileBytes!);
    expect(a.blockIo).toEqual([
      expect.objectContaining({ major: 254, minor: 0, device: 'vda', readBytes: 43507712, writeBytes: 41943040, readOps: 217, writeOps: 40 }),
    ]);
    expect(a.pids).toEqual({ current: 5, max: 100, limitHits: 0 });
    expect(a.identity).toMatchObject({ runtime: 'docker', id: V1_A, kind: 'container' });
  });

  it('keeps unlimited as Infinity and reads B\'s OOM kills and pids refusals', () => {
    expect(samples.get('/')!.memory.limitBytes).toBe(Infinity);
    expect(b.cpu.quotaUs).toBe(Infinity);
    expect(b.memory.limitBytes).toBe(67108864);
    expect(b.memory.swapLimitBytes).toBe(0);
    expect(b.memory.maxUsageBytes).toBe(67108864);
    expect(b.memory.failcnt).toBe(0);
    expect(b.memory.events?.oomKill).toBe(41);
    expect(b.pids).toEqual({ current: 19, max: 20, limitHits: 1 });
    expect(b.cpusetCpus).toBe('1');
    expect(b.blockIo).toEqual([]);
  });

  it('reads the parent and the hand-made group, which exists in five hierarchies only', () => {
    expect(samples.get('/docker')!.memory.events?.oomKill).toBe(0);
    expect(samples.get('/docker')!.pids.current).toBe(24);
    const h = samples.get('/fixture-handmade')!;
    expect(h.cpu.throttledPeriods).toBe(153);
    expect(h.cpu.periods).toBe(156);
    expect(h.cpu.throttledSeconds).toBe(25.202758222);
    expect(h.memory.usageBytes).toBe(132767744);
    expect(h.pids.current).toBe(4);
    expect(h.identity.runtime).toBe('raw');
  });
});

describe.each(readers)('v2 fixture (kernel 6.1), %s reader', (reader) => {
  const samples = sampleFixture('cgroup-v2', reader);
  const find = (suffix: string) => [...samples.values()].find((s) => s.path.endsWith(suffix))!;
  const a = samples.get(`/system.slice/docker-${V2_A}.scope`)!;

  it('finds the root and all 19 cgroups', () => {
    expect(samples.size).toBe(20);
  });

  it('reads docker A exactly', () => {
    expect(a.cpu).toMatchObject({
      usageSeconds: 14.94088, userSeconds: 13.830104, systemSeconds: 1.110776,
      periods: 314, throttledPeriods: 279, throttledSeconds: 10.994608, quotaUs: 50000, periodUs: 100000, weight: 100,
    });
    expect(a.memory).toMatchObject({
      usageBytes: 139776000, limitBytes: 268435456, highBytes: 201326592, reservationBytes: 16777216,
      maxUsageBytes: 139776000, rssBytes: 110624768, cacheBytes: 27561984, inactiveFileBytes: 25772032,
      workingSetBytes: 139776000 - 25772032, swapBytes: 0, swapLimitBytes: Infinity, workingsetRefault: 2592,
      events: { low: 0, high: 0, max: 0, oom: 0, oomKill: 0, oomGroupKill: 0 },
    });
    expect(a.blockIo).toEqual([{ major: 254, minor: 0, device: 'vda', readBytes: 25165824, writeBytes: 25165824, readOps: 26, writeOps: 26, discardBytes: 0, discardOps: 0 }]);
    expect(a.pids).toEqual({ current: 9, max: 100, limitHits: 0 });
    expect(a.processes).toBe(3);
    expect(a.pressure.cpu).toEqual({
      some: { avg10: 30.17, avg60: 16.58, avg300: 4.37, totalSeconds: 13.802466 },
      full: { avg10: 29.34, avg60: 15.38, avg300: 4.01, totalSeconds: 12.693052 },
    });
  });

  it('reads defaults as unlimited and empty io.stat as no devices (docker B)', () => {
    const b = samples.get(`/system.slice/docker-${V2_B}.scope`)!;
    expect(b.memory.limitBytes).toBe(Infinity);
    expect(b.cpu.quotaUs).toBe(Infinity);
    expect(b.cpu.periodUs).toBe(100000);
    expect(b.pids.max).toBe(Infinity);
    expect(b.blockIo).toEqual([]);
  });

  it('reads memory.events after an OOM kill and pids.events after refused forks', () => {
    expect(find(`cri-containerd-${BURSTABLE_APP}.scope`).memory.events).toEqual({ low: 0, high: 0, max: 182, oom: 1, oomKill: 1, oomGroupKill: 0 });
    expect(find(`cri-containerd-${BURSTABLE_APP}.scope`).memory.maxUsageBytes).toBe(134217728);
    expect(find(`cri-containerd-${BURSTABLE_APP}.scope`).cpusetCpus).toBe('1');
    expect(find(`cri-containerd-${BESTEFFORT_APP}.scope`).pids).toEqual({ current: 31, max: 32, limitHits: 5 });
    const libpod = find(`libpod-${LIBPOD}.scope`);
    expect(libpod.memory.events?.high).toBe(2707);
    expect(libpod.memory.shmemBytes).toBe(104857600);
    expect(libpod.blockIo[0]).toMatchObject({ readBytes: 8388608, writeBytes: 16777216, readOps: 2048, writeOps: 16 });
  });

  it('reads the root, which has no memory.current or cpu.max on this kernel', () => {
    const root = samples.get('/')!;
    expect(root.cpu.usageSeconds).toBe(60.996);
    expect(root.memory.usageBytes).toBeUndefined();
    expect(root.cpu.quotaUs).toBeUndefined();
    expect(root.blockIo[0]).toMatchObject({ readBytes: 33577984, writeBytes: 50403328, readOps: 2088, writeOps: 71 });
  });
});

describe('beyond the fd budget', () => {
  it('reads cgroups whose files do not fit the budget by opening them per read, with the same values', () => {
    const full = sampleFixture('cgroup-v2', 'fallback');
    // Room for one cgroup's files: the other 19 are read through the chunked open/read/close path.
    const collector = new Collector({ hostRoot: fixture('cgroup-v2'), reader: 'fallback', groups: ALL_GROUPS, fdBudget: 12 });
    try {
      collector.discover();
      expect(collector.stats.uncachedCgroups).toBeGreaterThanOrEqual(19);
      expect(collector.stats.openFds).toBeLessThanOrEqual(12);
      const tight = new Map(collector.sample().map((s) => [s.path, s]));
      expect([...tight.keys()].sort()).toEqual([...full.keys()].sort());
      for (const [path, s] of tight) {
        expect({ cpu: s.cpu, memory: s.memory, blockIo: s.blockIo, pids: s.pids, pressure: s.pressure }).toEqual({
          cpu: full.get(path)!.cpu, memory: full.get(path)!.memory, blockIo: full.get(path)!.blockIo, pids: full.get(path)!.pids, pressure: full.get(path)!.pressure,
        });
      }
      expect(collector.stats.readErrors).toEqual({});
    } finally {
      collector.close();
    }
  });
});

describe('--max-cgroups', () => {
  it('tracks at most the bound (parents first), counts the refused ones and says so once', () => {
    const said: string[] = [];
    const collector = new Collector({ hostRoot: fixture('cgroup-v2'), reader: 'fallback', groups: ALL_GROUPS, maxCgroups: 5 });
    collector.onBound = (m) => said.push(m);
    try {
      collector.discover();
      expect(collector.paths()).toHaveLength(5);
      expect(collector.paths()).toContain('/');
      expect(collector.stats.cgroupsRefused).toBe(15);
      collector.discover(); // the next walk refuses them again, but says nothing new
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(/tracking 5 cgroups, the --max-cgroups bound/);
      expect(collector.sample()).toHaveLength(5);
    } finally {
      collector.close();
    }
  });
});
