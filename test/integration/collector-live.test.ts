// The collector on the running kernel (hybrid v1 here, pure v2 in the VM: test/v2/run.sh):
// known loads in real cgroups read back at the values the kernel enforces.

import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { Collector, ALL_GROUPS } from '../../collector/poller.js';
import { derive } from '../../collector/model/derive.js';
import { loadNative } from '../../native/index.js';
import { createTestCgroup, destroyAllTestCgroups, detectHostCgroups, requireRootOrSkip, waitFor } from '../helpers/kernel.js';
import { heldMemoryLoad } from '../helpers/loads.js';

const skip = requireRootOrSkip({ binaries: ['stress-ng'] }, 'collector live tests');
const host = skip ? undefined : detectHostCgroups();
const readers = (['fallback', 'native'] as const).filter((r) => r === 'fallback' || !(loadNative() instanceof Error) || process.env.CI === 'true');
const MiB = 1024 * 1024;
// The v2 VM has 1 GiB of RAM; 200 MiB fits there too.
const LOAD_MIB = Number(process.env.CGMETER_TEST_VM_MIB ?? 200);

afterEach(destroyAllTestCgroups);
afterAll(destroyAllTestCgroups);

function newCollector(reader: 'fallback' | 'native'): Collector {
  return new Collector({ hostRoot: '/', reader, groups: ALL_GROUPS });
}

describe.skipIf(skip).each(readers)(`collector on the live kernel (${host?.label ?? 'no host'}), %s reader`, (reader) => {
  it('reads 0.5 core (±5%) for a busy loop under a 50000/100000 CPU quota', async () => {
    const cg = createTestCgroup('cpu-load', { controllers: ['cpu', 'memory', 'pids'] });
    cg.setLimits({ cpuQuotaUs: 50000, cpuPeriodUs: 100000 });
    cg.favourCpu();
    await cg.spawnIn('stress-ng', ['--cpu', '1', '--timeout', '30s', '--quiet']);
    const collector = newCollector(reader);
    try {
      collector.discover();
      expect(collector.paths()).toContain(cg.path);
      await sleep(1000); // let the quota settle into its steady state
      const kernelBefore = cg.cpuUsageNs();
      const first = collector.sample().find((s) => s.path === cg.path)!;
      await sleep(4000);
      const second = collector.sample().find((s) => s.path === cg.path)!;
      const kernelCores = (cg.cpuUsageNs() - kernelBefore) / 1e9 / ((second.monotonicMs - first.monotonicMs) / 1000);
      const snapshot = derive(second, first);
      expect(snapshot.cpu.limitCores).toBe(0.5);
      // cgmeter reads what the kernel counts (the direct reads bracket ours by a few ms)…
      expect(Math.abs(snapshot.cpu.coresUsed! - kernelCores)).toBeLessThan(0.02);
      // …and the kernel holds the load to its quota: 0.5 ± 5 %, unless other work starved it of CPU
      // (then the comparison with the kernel above is the check, and the log says so).
      // Throttling, likewise, only happens to a load that reaches its quota.
      if (kernelCores > 0.475) {
        expect(snapshot.cpu.coresUsed).toBeGreaterThan(0.475);
        expect(snapshot.cpu.coresUsed).toBeLessThan(0.525);
        expect(snapshot.cpu.throttledRatio).toBeGreaterThan(0.5);
      } else {
        console.warn(`the load got ${kernelCores.toFixed(3)} core of its 0.5 quota (busy machine); compared with the kernel only`);
      }
      expect(second.processes).toBeGreaterThanOrEqual(1);
    } finally {
      collector.close();
    }
  });

  it(`reads a ${LOAD_MIB} MiB resident load as ${LOAD_MIB} MiB (±10%)`, async () => {
    const cg = createTestCgroup('mem-load', { controllers: ['cpu', 'memory', 'pids'] });
    await cg.spawnIn('stress-ng', heldMemoryLoad(LOAD_MIB, 60));
    const collector = newCollector(reader);
    try {
      collector.discover();
      // Wait until the worker has touched all its pages.
      await waitFor(() => cg.memoryUsageBytes() > LOAD_MIB * MiB * 0.95, { timeoutMs: 30_000, what: 'the load to be resident' });
      await sleep(500);
      const sample = collector.sample().find((s) => s.path === cg.path)!;
      expect(sample.memory.usageBytes).toBeGreaterThan(LOAD_MIB * MiB * 0.9);
      expect(sample.memory.usageBytes).toBeLessThan(LOAD_MIB * MiB * 1.1);
      expect(sample.memory.workingSetBytes).toBeGreaterThan(LOAD_MIB * MiB * 0.9);
      expect(sample.memory.rssBytes).toBeGreaterThan(LOAD_MIB * MiB * 0.9);
      expect(sample.memory.limitBytes).toBe(Infinity);
    } finally {
      collector.close();
    }
  });

  it('drops a cgroup removed while it is being sampled, without an error', async () => {
    const cg = createTestCgroup('vanishing', { controllers: ['cpu', 'memory', 'pids'] });
    await cg.spawnIn('sleep', ['60']);
    const collector = newCollector(reader);
    try {
      collector.discover();
      expect(collector.sample().some((s) => s.path === cg.path)).toBe(true);
      await cg.destroy(); // kills the sleep and rmdirs the cgroup while our fds are open
      const after = collector.sample();
      expect(after.some((s) => s.path === cg.path)).toBe(false);
      expect(collector.paths()).not.toContain(cg.path);
      expect(collector.stats.cgroupsGone).toBeGreaterThanOrEqual(1);
      expect(collector.stats.readErrors).toEqual({});
      // And the next walk does not bring it back.
      collector.discover();
      expect(collector.paths()).not.toContain(cg.path);
    } finally {
      collector.close();
    }
  });

  it('quiet refresh: a sleeping cgroup is read by its CPU time alone, a busy one in full, and a quiet one removed is dropped', async () => {
    const sleeping = createTestCgroup('quiet-sleeping');
    const busy = createTestCgroup('quiet-busy');
    const empty = createTestCgroup('quiet-empty');
    await sleeping.spawnIn('sleep', ['120']);
    await busy.spawnIn('stress-ng', ['--cpu', '1', '--cpu-load', '20', '--timeout', '60s', '--quiet']);
    const collector = new Collector({ hostRoot: '/', reader, groups: ALL_GROUPS, quietRefreshMs: 3_600_000 });
    try {
      collector.discover();
      const first = collector.sample().find((s) => s.path === sleeping.path)!;
      await sleep(300);
      collector.sample(); // the sleep's start may still have moved the CPU time since the first read
      await sleep(300);
      const samples = collector.sample();
      expect(collector.isQuiet(sleeping.path)).toBe(true);
      expect(collector.isQuiet(empty.path)).toBe(true);
      expect(collector.isQuiet(busy.path)).toBe(false);
      expect(collector.stats.quietCgroups).toBeGreaterThanOrEqual(2);
      const quiet = samples.find((s) => s.path === sleeping.path)!;
      // Held values, not holes: the quiet cgroup still reports its memory and its one process's pids.
      expect(quiet.memory.usageBytes).toBe(first.memory.usageBytes);
      expect(quiet.pids.current).toBe(1);
      expect(quiet.cpu.usageSeconds).toBeCloseTo(sleeping.cpuUsageNs() / 1e9, 9);
      // The gate file answers ENODEV like the rest: a quiet cgroup removed goes at the next sample.
      await empty.destroy();
      const after = collector.sample();
      expect(after.some((s) => s.path === empty.path)).toBe(false);
      expect(collector.stats.cgroupsGone).toBeGreaterThanOrEqual(1);
      expect(collector.stats.readErrors).toEqual({});
    } finally {
      collector.close();
    }
  });

  it('sees a cgroup recreated under the same path as a new one (no rate across it)', async () => {
    const cg = createTestCgroup('recreated', { controllers: ['cpu', 'memory', 'pids'] });
    const collector = newCollector(reader);
    try {
      collector.discover();
      const before = collector.sample().find((s) => s.path === cg.path)!;
      const { rmdirSync, mkdirSync } = await import('node:fs');
      const dirs = cg.dirs();
      for (const d of dirs) rmdirSync(d);
      for (const d of dirs) mkdirSync(d);
      collector.discover();
      const after = collector.sample().find((s) => s.path === cg.path)!;
      expect(after.inode).not.toBe(before.inode);
      expect(derive(after, before).cpu.coresUsed).toBeUndefined();
    } finally {
      collector.close();
    }
  });
});
