// Kernel features end to end, written once for whatever host runs them: the hybrid v1 host
// directly, and the pure cgroup v2 VM through `npm run test:v2` (issue 13). Nested container-like
// layouts, direct block I/O, OOM kills, refused forks, pressure, and a real runc container.

import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, symlinkSync, existsSync, rmdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Collector, ALL_GROUPS } from '../../collector/poller.js';
import { derive } from '../../collector/model/derive.js';
import type { CgroupSample } from '../../collector/model/sample.js';
import { cgroupMounts } from '../helpers/engines.js';
import { createTestCgroup, destroyAllTestCgroups, exited, detectHostCgroups, requireRootOrSkip, waitFor } from '../helpers/kernel.js';

const skip = requireRootOrSkip({ binaries: ['stress-ng', 'dd'] }, 'kernel feature tests');
const host = skip ? undefined : detectHostCgroups();
const MiB = 1024 * 1024;

afterEach(destroyAllTestCgroups);
afterAll(destroyAllTestCgroups);

function sampleOf(collector: Collector, path: string): CgroupSample {
  const s = collector.sample().find((x) => x.path === path);
  if (!s) throw new Error(`${path} was not sampled; tracked: ${collector.paths().filter((p) => p.includes('cgmeter')).join(', ')}`);
  return s;
}

function newCollector(): Collector {
  const c = new Collector({ hostRoot: '/', reader: 'auto', groups: ALL_GROUPS });
  c.discover();
  return c;
}

describe.skipIf(skip)(`kernel features on ${host?.label ?? 'no host'}`, () => {
  it('discovers nested systemd, kubelet and docker layouts and names them', async () => {
    const id = randomBytes(32).toString('hex');
    const uid = '8c2e9f4a-3b1d-4e6f-9a7c-5d2b1e0f3a4c';
    const pod = `kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid.replace(/-/g, '_')}.slice`;
    const cri = createTestCgroup(`${pod}/cri-containerd-${id}.scope`, { controllers: ['cpu', 'memory', 'pids'] });
    const top = cri.topPath;
    const docker = `${top}/system.slice/docker-${id}.scope`;
    const service = `${top}/system.slice/cron.service`;
    for (const dir of cri.hierarchies) {
      mkdirSync(`${dir}${top}/system.slice`);
      mkdirSync(`${dir}${docker}`);
      mkdirSync(`${dir}${service}`);
    }
    await cri.spawnIn('sleep', ['60']);
    const collector = newCollector();
    try {
      const paths = collector.paths();
      for (const p of [cri.path, `${top}/${pod}`, docker, service]) expect(paths).toContain(p);
      expect(collector.identity(cri.path)).toMatchObject({ runtime: 'containerd', id, kind: 'container', podUid: uid, qos: 'burstable' });
      expect(collector.identity(`${top}/${pod}`)).toMatchObject({ runtime: 'kubernetes', kind: 'pod', podUid: uid });
      expect(collector.identity(docker)).toMatchObject({ runtime: 'docker', id, kind: 'container' });
      expect(sampleOf(collector, cri.path).pids.current).toBe(1);
    } finally {
      collector.close();
    }
  });

  it('counts direct writes to the block device in the cgroup\'s I/O counters', async () => {
    const cg = createTestCgroup('io', { controllers: ['cpu', 'memory', 'io', 'pids'] });
    // In the VM / is a 9p overlay; /disk is a real ext4 on /dev/vda.
    const dir = process.env.V2VM === '1' ? '/disk' : tmpdir();
    const file = join(dir, `cgmeter-io-${process.pid}`);
    const collector = newCollector();
    try {
      const before = sampleOf(collector, cg.path);
      const dd = await cg.spawnIn('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', 'count=16', 'oflag=direct'], { stdio: 'ignore' });
      expect(await exited(dd)).toEqual({ code: 0, signal: null });
      const after = sampleOf(collector, cg.path);
      const written = after.blockIo.reduce((a, d) => a + (d.writeBytes ?? 0), 0) - before.blockIo.reduce((a, d) => a + (d.writeBytes ?? 0), 0);
      expect(written).toBeGreaterThanOrEqual(16 * MiB);
      expect(written).toBeLessThan(18 * MiB);
      const device = after.blockIo.find((d) => (d.writeBytes ?? 0) >= 16 * MiB)!;
      expect(device.device).toMatch(/^(vd|sd|nvme|xvd)/);
      expect(device.writeOps).toBeGreaterThanOrEqual(16);
    } finally {
      collector.close();
      rmSync(file, { force: true });
    }
  });

  it('counts OOM kills under a memory limit and refused forks under pids.max', async () => {
    const cg = createTestCgroup('oom', { controllers: ['cpu', 'memory', 'pids'] });
    cg.setLimits({ memoryBytes: 64 * MiB, pidsMax: 16 });
    if (host!.mode !== 'v2') cg.write('memory', 'memory.memsw.limit_in_bytes', 64 * MiB);
    const stress = await cg.spawnIn('stress-ng', ['--vm', '1', '--vm-bytes', '128M', '--vm-keep', '--timeout', '30s', '--quiet']);
    const collector = newCollector();
    try {
      await waitFor(() => (sampleOf(collector, cg.path).memory.events?.oomKill ?? 0) >= 1, { timeoutMs: 30_000, what: 'an OOM kill' });
      // Only now fill pids.max: earlier, the refused forks could be stress-ng's own worker. And only
      // once stress-ng is gone: with its worker refilling the 64 MiB, the OOM killer could take the
      // shell below before it forked (a v2 VM run once saw no refused fork in 30 s).
      for (const pid of cg.procs()) {
        try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
      }
      await exited(stress);
      await waitFor(() => cg.procs().length === 0, { timeoutMs: 10_000, what: "stress-ng's workers to exit" });
      await cg.spawnIn('sh', ['-c', 'for i in $(seq 40); do sleep 30 & done; wait']).catch(() => undefined);
      await waitFor(() => (sampleOf(collector, cg.path).pids.limitHits ?? 0) >= 1, { timeoutMs: 30_000, what: 'a refused fork' });
      const s = sampleOf(collector, cg.path);
      expect(s.memory.limitBytes).toBe(64 * MiB);
      expect(s.memory.usageBytes).toBeLessThanOrEqual(64 * MiB);
      expect(s.pids.max).toBe(16);
      expect(s.pids.current).toBeLessThanOrEqual(16);
      expect(s.pids.limitHits).toBeGreaterThanOrEqual(1);
      expect(s.memory.events?.oomKill).toBeGreaterThanOrEqual(1);
    } finally {
      collector.close();
    }
  });

  it('reads CPU pressure growing while four busy loops share the CPUs', async () => {
    const cg = createTestCgroup('psi', { controllers: ['cpu', 'memory', 'pids'] });
    cg.setLimits({ cpuQuotaUs: 20000, cpuPeriodUs: 100000 });
    await cg.spawnIn('stress-ng', ['--cpu', '4', '--timeout', '20s', '--quiet']);
    const collector = newCollector();
    try {
      const first = sampleOf(collector, cg.path);
      expect(first.pressure.cpu?.some.totalSeconds).toBeTypeOf('number');
      await sleep(3000);
      const second = sampleOf(collector, cg.path);
      const stalled = second.pressure.cpu!.some.totalSeconds! - first.pressure.cpu!.some.totalSeconds!;
      expect(stalled).toBeGreaterThan(0.5); // 4 runnable tasks under a 0.2-core quota wait most of the time
      expect(second.pressure.memory?.some).toBeDefined();
      expect(derive(second, first).cpu.throttledRatio).toBeGreaterThan(0.5);
    } finally {
      collector.close();
    }
  });
});

const skipRunc = skip || requireRootOrSkip({ binaries: ['runc', 'busybox'] }, 'runc test');

describe.skipIf(skipRunc)(`a runc container on ${host?.label ?? 'no host'}`, () => {
  const id = randomBytes(32).toString('hex');
  const parent = `/cgmeter-runc-${process.pid}`;
  let bundle: string | undefined;

  afterAll(() => {
    try {
      execFileSync('runc', ['delete', '-f', id], { stdio: 'ignore' });
    } catch {
      // never started, or already gone
    }
    // Every hierarchy, named ones (name=systemd) included: runc makes the path in all of them.
    for (const mount of cgroupMounts()) {
      if (existsSync(`${mount}${parent}`)) rmdirSync(`${mount}${parent}`, { recursive: false });
    }
    if (bundle) rmSync(bundle, { recursive: true, force: true });
  });

  it('is discovered with runtime runc, its id and its own network namespace', async () => {
    bundle = mkdtempSync(join(tmpdir(), 'cgm-runc-'));
    const rootfs = join(bundle, 'rootfs');
    mkdirSync(join(rootfs, 'bin'), { recursive: true });
    copyFileSync('/bin/busybox', join(rootfs, 'bin/busybox'));
    for (const applet of ['sh', 'sleep']) symlinkSync('busybox', join(rootfs, 'bin', applet));
    for (const d of ['proc', 'sys', 'dev', 'tmp']) mkdirSync(join(rootfs, d));
    execFileSync('runc', ['spec'], { cwd: bundle });
    const spec = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
    spec.process.terminal = false;
    spec.process.args = ['sleep', '120'];
    spec.linux.cgroupsPath = `${parent}/${id}`;
    spec.linux.resources = { ...spec.linux.resources, memory: { limit: 32 * MiB }, pids: { limit: 10 } };
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec));
    execFileSync('runc', ['run', '-d', '--pid-file', join(bundle, 'pid'), id], { cwd: bundle, stdio: 'ignore' });
    const collector = newCollector();
    try {
      const s = sampleOf(collector, `${parent}/${id}`);
      expect(s.identity).toMatchObject({ runtime: 'runc', id, kind: 'container' });
      expect(s.memory.limitBytes).toBe(32 * MiB);
      expect(s.pids).toMatchObject({ current: 1, max: 10 });
      expect(s.network?.interfaces.map((i) => i.name)).toEqual(['lo']);
    } finally {
      collector.close();
    }
  });
});
