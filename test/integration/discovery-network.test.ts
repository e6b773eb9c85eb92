// Discovery reacting to the tree (inotify, not only the periodic walk) and network counters
// from a cgroup's own net namespace — never the host's.

import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CollectorService } from '../../collector/service.js';
import { Collector, ALL_GROUPS } from '../../collector/poller.js';
import { createTestCgroup, destroyAllTestCgroups, detectHostCgroups, requireRootOrSkip, waitFor } from '../helpers/kernel.js';

const skip = requireRootOrSkip({ binaries: ['unshare', 'ip', 'ping'] }, 'discovery and network tests');
const v2 = !skip && detectHostCgroups().mode === 'v2';

afterEach(destroyAllTestCgroups);
afterAll(destroyAllTestCgroups);

describe.skipIf(skip)('discovery and network on the live kernel', () => {
  it('sees a new cgroup within a second through inotify, with the periodic walk set to a minute', async () => {
    const parent = createTestCgroup('parent', { controllers: ['cpu', 'memory', 'pids'] });
    const service = new CollectorService({ collector: { hostRoot: '/', reader: 'auto', groups: ALL_GROUPS }, intervalMs: 200, discoveryIntervalMs: 60_000 });
    service.start();
    try {
      const { mkdirSync } = await import('node:fs');
      for (const dir of parent.dirs()) mkdirSync(`${dir}/late`);
      const started = Date.now();
      await waitFor(() => service.latest().some((s) => s.sample.path === `${parent.path}/late`), { timeoutMs: 5000, intervalMs: 50, what: 'the new cgroup to be sampled' });
      expect(Date.now() - started).toBeLessThan(2000);
      // A subtree made at once (mkdir -p) is found whole, and removing it drops all of it.
      for (const dir of parent.dirs()) mkdirSync(`${dir}/deep/inner`, { recursive: true });
      await waitFor(() => service.latest().some((s) => s.sample.path === `${parent.path}/deep/inner`), { timeoutMs: 5000, intervalMs: 50, what: 'the nested cgroup to be sampled' });
      const { rmdirSync } = await import('node:fs');
      for (const dir of parent.dirs()) {
        rmdirSync(`${dir}/deep/inner`);
        rmdirSync(`${dir}/deep`);
        rmdirSync(`${dir}/late`);
      }
      await waitFor(() => !service.latest().some((s) => s.sample.path.startsWith(`${parent.path}/`)), { timeoutMs: 5000, intervalMs: 50, what: 'the removed cgroups to leave' });
      expect(service.health().sampleErrors).toBe(0);
    } finally {
      service.stop();
    }
  });

  it('re-reads limits written by someone else within a second through inotify, with the periodic walk set to a minute', async () => {
    const cg = createTestCgroup('limits-watched', { controllers: ['cpu', 'memory', 'pids'] });
    const service = new CollectorService({ collector: { hostRoot: '/', reader: 'auto', groups: ALL_GROUPS, quietRefreshMs: 10_000 }, intervalMs: 200, discoveryIntervalMs: 60_000 });
    service.start();
    const latest = () => service.latest().find((s) => s.sample.path === cg.path)?.sample;
    try {
      await waitFor(() => latest() !== undefined, { timeoutMs: 5000, intervalMs: 50, what: 'the cgroup to be sampled' });
      // Watches cover every tracked cgroup's limit files: the walk no longer needs to re-read them.
      expect(service.health().limitsWatched).toBe(true);
      const MiB = 1024 * 1024;
      const writes: Array<[string, () => void, () => boolean]> = [
        ['memory limit', () => cg.setLimits({ memoryBytes: 64 * MiB }), () => latest()?.memory.limitBytes === 64 * MiB],
        // On v1 in the cpu hierarchy, which is not the one the tree is watched in.
        ['CPU quota', () => cg.setLimits({ cpuQuotaUs: 25_000, cpuPeriodUs: 100_000 }), () => latest()?.cpu.quotaUs === 25_000],
        ['pids limit', () => cg.setLimits({ pidsMax: 50 }), () => latest()?.pids.max === 50],
      ];
      for (const [what, write, seen] of writes) {
        expect(seen()).toBe(false);
        const started = Date.now();
        write();
        await waitFor(seen, { timeoutMs: 5000, intervalMs: 20, what: `the new ${what} to be read` });
        // A walk is a minute away: only the write's inotify event can have brought it this soon.
        expect(Date.now() - started).toBeLessThan(2000);
      }
      // The same path made again (a restarted unit): the new directories get watches of their own.
      const inode = latest()!.inode;
      const { mkdirSync, rmdirSync } = await import('node:fs');
      for (const dir of cg.dirs()) rmdirSync(dir);
      for (const dir of cg.dirs()) mkdirSync(dir);
      await waitFor(() => latest() !== undefined && latest()!.inode !== inode, { timeoutMs: 5000, intervalMs: 20, what: 'the cgroup made again to be sampled' });
      const started = Date.now();
      cg.setLimits({ memoryBytes: 96 * MiB });
      await waitFor(() => latest()?.memory.limitBytes === 96 * MiB, { timeoutMs: 5000, intervalMs: 20, what: 'the limit of the cgroup made again to be read' });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(service.health().sampleErrors).toBe(0);
    } finally {
      service.stop();
    }
  });

  // v2: a parent's cpuset.cpus bounds its children's effective CPUs, which change with no write and no
  // event of their own. v1 refuses a parent's write that would take a child's CPUs (EBUSY): there the
  // cgroup's own cpuset.cpus is written, in the cpuset hierarchy (not the one the tree is watched in).
  it('re-reads a cgroup\'s CPUs within a second of a write (v2: to its parent\'s cpuset.cpus), with the periodic walk set to a minute', async () => {
    const cg = createTestCgroup('outer/inner', { controllers: ['cpu', 'memory', 'pids', 'cpuset'] });
    const host = detectHostCgroups();
    const written = v2 ? `${host.unified}${cg.path.slice(0, cg.path.lastIndexOf('/'))}` : `${host.mounts.cpuset}${cg.path}`;
    const service = new CollectorService({ collector: { hostRoot: '/', reader: 'auto', groups: ALL_GROUPS, quietRefreshMs: 10_000 }, intervalMs: 200, discoveryIntervalMs: 60_000 });
    service.start();
    const cpusOf = () => service.latest().find((s) => s.sample.path === cg.path)?.sample.cpusetCpus;
    try {
      await waitFor(() => cpusOf() !== undefined, { timeoutMs: 5000, intervalMs: 50, what: 'the inner cgroup to be sampled' });
      const { readFileSync, writeFileSync } = await import('node:fs');
      const online = readFileSync('/sys/devices/system/cpu/online', 'utf8').trim();
      expect(cpusOf()).toBe(online);
      expect(online).not.toBe('0'); // this host and the v2 VM have 2 CPUs
      const started = Date.now();
      writeFileSync(`${written}/cpuset.cpus`, '0');
      await waitFor(() => cpusOf() === '0', { timeoutMs: 5000, intervalMs: 20, what: 'the inner cgroup\'s CPUs to be read again' });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(service.health().limitsWatched).toBe(true);
    } finally {
      service.stop();
    }
  });

  it('reads network counters from the cgroup\'s own namespace and never the host\'s', async () => {
    const own = createTestCgroup('own-netns', { controllers: ['cpu', 'memory', 'pids'] });
    const hostNet = createTestCgroup('host-netns', { controllers: ['cpu', 'memory', 'pids'] });
    // As runc does: the process is in the cgroup first and leaves the host's namespace later (here
    // after 3 s), so discovery sees the host's. Then 5 pings over loopback inside the fresh
    // namespace: lo counts exactly 5 echo requests + 5 replies.
    await own.spawnIn('sh', ['-c', 'sleep 3; exec unshare -n sh -c "ip link set lo up && ping -c 5 -i 0.2 -q 127.0.0.1 >/dev/null; exec sleep 60"']);
    await hostNet.spawnIn('sleep', ['60']);
    const collector = new Collector({ hostRoot: '/', reader: 'auto', groups: ALL_GROUPS });
    try {
      collector.discover();
      const early = collector.sample().find((x) => x.path === own.path)!;
      // Normally still the host's namespace; on a slow machine (the emulated VM) the 3 s may be over.
      if (early.networkNote !== 'host-netns') console.warn(`the process had left the host namespace before the first sample (${early.networkNote ?? 'own network'})`);
      // No discovery walk from here on: a young cgroup's namespace is looked at again every sample.
      await waitFor(() => {
        const s = collector.sample().find((x) => x.path === own.path);
        return (s?.network?.interfaces.find((i) => i.name === 'lo')?.rxPackets ?? 0) >= 10;
      }, { timeoutMs: 20_000, what: 'the pings to be counted' });
      const samples = collector.sample();
      const mine = samples.find((s) => s.path === own.path)!;
      expect(mine.network!.interfaces.map((i) => i.name)).toEqual(['lo']);
      const lo = mine.network!.interfaces[0]!;
      expect(lo.rxPackets).toBe(10);
      expect(lo.txPackets).toBe(10);
      expect(lo.rxBytes).toBe(lo.txBytes);
      const host = samples.find((s) => s.path === hostNet.path)!;
      expect(host.network).toBeUndefined();
      expect(host.networkNote).toBe('host-netns');
    } finally {
      collector.close();
    }
  });
  it('finds the namespaces of a process that joins a young cgroup registered empty, without waiting for the slow refresh', async () => {
    // runc's order again: the cgroup exists (and is registered) before its first process joins.
    const cg = createTestCgroup('empty-first', { controllers: ['cpu', 'memory', 'pids'] });
    const collector = new Collector({ hostRoot: '/', reader: 'auto', groups: ALL_GROUPS });
    try {
      collector.discover();
      const before = collector.sample().find((x) => x.path === cg.path)!;
      expect(before.namespaces).toBeUndefined();
      expect(before.networkNote).toBe('no-process');
      const child = await cg.spawnIn('sleep', ['60']);
      // No discovery walk: the young cgroup's recheck in sample() alone must find it.
      const after = collector.sample().find((x) => x.path === cg.path)!;
      expect(after.namespaces?.pid).toBe(child.pid);
      expect(after.networkNote).toBe('host-netns');
    } finally {
      collector.close();
    }
  });
});
