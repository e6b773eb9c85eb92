// `cgmeter limit|freeze|thaw` on containers of a real dockerd (started by this test, cgroupfs driver),
// named by their docker names: the kernel's account of each limit, read from the container's cgroup.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { detectHostCgroups, requireRootOrSkip, waitFor } from '../helpers/kernel.js';
import { startDockerd, BUSYBOX_IMAGE, type Dockerd } from '../helpers/dockerd.js';
import { ensureBuilt, runCgmeter } from '../limits/run-cli.js';
import type { AuditEntry } from '../../collector/limits/index.js';

// The v2 VM has no dockerd set up; engine tests run on the host (as docker-ls does).
const skip = requireRootOrSkip({ binaries: ['dockerd', 'docker'] }, 'limits dockerd tests') || process.env.V2VM === '1';
const host = skip ? undefined : detectHostCgroups();
const MiB = 1024 * 1024;
const PARENT = `/cgmeter-test-limits-docker-${process.pid}`;

describe.skipIf(skip)('cgmeter limit on dockerd containers by name', () => {
  let dockerd: Dockerd;
  let scratch: string;
  let auditLog: string;
  let busy: string;
  let hungry: string;

  const cli = (...args: string[]) => runCgmeter([...args, '--audit-log', auditLog], { CGMETER_DOCKER_SOCKET: dockerd.socket, CGMETER_PODMAN_SOCKET: 'none' });
  /** A file of the container's cgroup in a v1 hierarchy (or unified on v2). */
  const read = (id: string, controller: string, file: string) =>
    readFileSync(join(host!.mode === 'v2' ? host!.unified! : host!.mounts[controller]!, id === busy ? PARENT : 'docker', id, file), 'utf8');
  const usageNs = (id: string) => (host!.mode === 'v2'
    ? Number(/^usage_usec (\d+)$/m.exec(read(id, 'cpu', 'cpu.stat'))![1]) * 1000
    : Number(read(id, 'cpuacct', 'cpuacct.usage')));
  async function coresOver(id: string, ms: number): Promise<number> {
    const before = usageNs(id);
    const started = process.hrtime.bigint();
    await sleep(ms);
    return (usageNs(id) - before) / Number(process.hrtime.bigint() - started);
  }
  const keyed = (text: string, key: string) => Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'cgm-limits-docker-'));
    auditLog = join(scratch, 'audit.log');
    await ensureBuilt();
    dockerd = await startDockerd();
    // Its own cgroup parent, given the largest CPU weight, so that on this shared 2-core machine the
    // quota and not the neighbours' load is what holds it (the name still comes from dockerd).
    busy = await dockerd.docker('run', '-d', '--network', 'none', '--name', 'cgm-lim-busy', '--cgroup-parent', PARENT, BUSYBOX_IMAGE, 'sh', '-c', 'while :; do :; done');
    writeFileSync(join(host!.mode === 'v2' ? host!.unified! : host!.mounts.cpu!, PARENT, host!.mode === 'v2' ? 'cpu.weight' : 'cpu.shares'), host!.mode === 'v2' ? '10000' : '262144');
    // Waits for /tmp/go, so that the limit is in place before it allocates (a limit below usage
    // cannot be reached without swap on v1).
    hungry = await dockerd.docker('run', '-d', '--network', 'none', '--name', 'cgm-lim-hungry', BUSYBOX_IMAGE, 'sh', '-c',
      'while [ ! -e /tmp/go ]; do sleep 0.2; done; while :; do head -c 200m /dev/zero | busybox tail > /dev/null; done');
  }, 180_000);

  afterAll(async () => {
    // A test that failed between freeze and thaw must not leave dockerd unable to kill its container.
    await cli('thaw', 'cgm-lim-busy').catch(() => undefined);
    await dockerd?.stop();
    rmSync(scratch, { recursive: true, force: true });
    // runc leaves the parent it made in every hierarchy (name=systemd too); it is empty once dockerd
    // removed the container.
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
      .filter((l) => / - cgroup2? /.test(l)).map((l) => l.split(' ')[4]!);
    for (const mount of mounts) {
      await waitFor(() => { try { rmdirSync(join(mount, PARENT)); } catch (err) { if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; } return true; }, { timeoutMs: 5000, what: `rmdir ${mount}${PARENT}` });
    }
  }, 60_000);

  it('holds a busy container to a 0.3-core quota set by name', async () => {
    const run = await cli('limit', 'cgm-lim-busy', '--cpus', '0.3');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^limit cgm-lim-busy \\(${busy.slice(0, 12)}\\) at ${PARENT}/${busy}: done`, 'm'));
    await sleep(1000);
    const cores = await coresOver(busy, 3000);
    console.info(`dockerd: --cpus 0.3 by name held a busy container to ${cores.toFixed(3)} core over 3 s`);
    expect(cores).toBeGreaterThan(0.27);
    expect(cores).toBeLessThan(0.33);
    const entry = readFileSync(auditLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditEntry).at(-1)!;
    expect(entry).toMatchObject({ outcome: 'applied', target: { query: 'cgm-lim-busy', id: busy, name: 'cgm-lim-busy', runtime: 'docker', path: `${PARENT}/${busy}` } });
  });

  it('caps a container that allocates 200 MiB at 64 MiB; the kernel counts failures and OOM kills', async () => {
    const run = await cli('limit', 'cgm-lim-hungry', '--memory', '64M');
    expect(run.code, run.stderr).toBe(0);
    await dockerd.docker('exec', 'cgm-lim-hungry', 'sh', '-c', 'echo > /tmp/go');
    if (host!.mode === 'v2') {
      await waitFor(() => keyed(read(hungry, 'memory', 'memory.events'), 'oom_kill') > 0, { timeoutMs: 60_000, what: 'an OOM kill' });
    } else {
      await waitFor(() => keyed(read(hungry, 'memory', 'memory.oom_control'), 'oom_kill') > 0, { timeoutMs: 60_000, what: 'an OOM kill' });
      expect(Number(read(hungry, 'memory', 'memory.failcnt'))).toBeGreaterThan(0);
      expect(Number(read(hungry, 'memory', 'memory.max_usage_in_bytes'))).toBeLessThanOrEqual(64 * MiB);
    }
  });

  it('refuses a new process once pids.max is reached, and allows it after --unset pids', async () => {
    expect((await cli('limit', 'cgm-lim-busy', '--pids', '1')).code).toBe(0);
    const refusedBefore = keyed(read(busy, 'pids', 'pids.events'), 'max');
    // `docker exec` only joins the cgroup (pids.max limits forks, not joins); then either the shell's
    // fork for `cat` fails, or (timing) already a thread of runc's init inside the cgroup does.
    const fork = () => dockerd.docker('exec', 'cgm-lim-busy', 'sh', '-c', 'cat /dev/null && echo forked').then((out) => out, (err: Error) => `failed: ${err.message}`);
    // What the failure says varies with where the refused fork happened (sh's "can't fork", runc's
    // "exec failed", or nothing when runc's own helper died); the kernel's pids.events count is the proof.
    expect(await fork()).toMatch(/^failed: /);
    expect(keyed(read(busy, 'pids', 'pids.events'), 'max')).toBeGreaterThan(refusedBefore);
    expect((await cli('limit', 'cgm-lim-busy', '--unset', 'pids')).code).toBe(0);
    expect(await fork()).toBe('forked');
  });

  it('freezes and thaws it by name', async () => {
    const frozen = await cli('freeze', 'cgm-lim-busy');
    expect(frozen.code, frozen.stderr).toBe(0);
    expect(await coresOver(busy, 1500)).toBeLessThan(0.02);
    const thawed = await cli('thaw', 'cgm-lim-busy');
    expect(thawed.code, thawed.stderr).toBe(0);
    expect(await coresOver(busy, 2000)).toBeGreaterThan(0.15);
  });
});
