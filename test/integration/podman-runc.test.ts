// `cgmeter ls` with a podman container (metadata from `podman system service`, the Docker-
// compatible API) and a plain runc container in a cgroupsPath of our choosing, both started here.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { requireRootOrSkip, detectHostCgroups } from '../helpers/kernel.js';
import { startPodman, startRuncContainer, removeEmptyCgroups, cgroupMounts, PODMAN_IMAGE, PODMAN_RUN_FLAGS, type Podman, type RuncContainer } from '../helpers/engines.js';
import { cgroupNamespaces, hostNamespaceInodes } from '../../collector/namespaces/process-namespaces.js';
import { existsSync } from 'node:fs';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/cgmeter.js', import.meta.url));
// The v2 VM starts no engines (as in docker-ls.test.ts); the namespace tests run there.
const skip = requireRootOrSkip({ binaries: ['podman', 'conmon', 'runc'] }, 'podman and runc tests') || detectHostCgroups().mode === 'v2' && process.env.V2VM === '1';

interface LsRow {
  sample: { path: string; identity: Record<string, unknown> & { id: string; name: string; runtime: string; kind: string } };
  limits: { memoryBytes?: number | 'max'; cpuCores?: number | 'max' };
}

describe.skipIf(skip)('podman and runc containers in cgmeter ls', () => {
  let podman: Podman | undefined;
  let socket: string;
  let podmanId: string;
  let runc: RuncContainer | undefined;
  const runcId = randomBytes(32).toString('hex');
  const parentsBefore = new Set(['/libpod_parent/conmon', '/libpod_parent'].filter((p) => cgroupMounts().some((m) => existsSync(`${m}${p}`))));

  beforeAll(async () => {
    podman = await startPodman();
    podmanId = await podman.podman('run', '-d', ...PODMAN_RUN_FLAGS, '--name', 'cgm-podman', '--label', 'app=cgm',
      '--memory', '32m', '--cpus', '0.5', PODMAN_IMAGE, 'sleep', '600');
    socket = await podman.startService();
    runc = await startRuncContainer(runcId, `/cgmeter-test-runc/${runcId}`);
  }, 180_000);

  afterAll(async () => {
    const errors: unknown[] = [];
    for (const step of [() => runc?.stop(), () => podman?.stop()]) {
      try {
        await step();
      } catch (err) {
        errors.push(err);
      }
    }
    // podman's cgroupfs parents outlive its containers; remove them if this test made them.
    removeEmptyCgroups(['/libpod_parent/conmon', '/libpod_parent'].filter((p) => !parentsBefore.has(p)));
    if (errors.length > 0) throw errors[0];
  }, 120_000);

  const ls = async (...args: string[]) => (await run(process.execPath, [bin, 'ls', '--interval', '300ms', '--docker-socket', 'none', '--podman-socket', socket, ...args])).stdout;

  it('lists the podman container with runtime podman, its name, image, labels and limits', async () => {
    const rows = JSON.parse(await ls('--json')) as LsRow[];
    const row = rows.find((r) => r.sample.identity.id === podmanId)!;
    expect(row.sample.path).toBe(`/libpod_parent/libpod-${podmanId}`);
    expect(row.sample.identity).toMatchObject({
      runtime: 'podman', kind: 'container', name: 'cgm-podman', image: `localhost/${PODMAN_IMAGE}`, labels: { app: 'cgm' },
      configuredLimits: { memoryBytes: 32 * 1024 * 1024, cpuCores: 0.5 },
    });
    expect(row.limits.memoryBytes).toBe(32 * 1024 * 1024);
    expect(row.limits.cpuCores).toBeCloseTo(0.5, 9);
  });

  it('lists the runc container as runc by its id (no engine knows it), with its own pid/net/ipc/uts/mnt namespaces', async () => {
    const rows = JSON.parse(await ls('--json')) as LsRow[];
    const row = rows.find((r) => r.sample.identity.id === runcId)!;
    expect(row.sample).toMatchObject({ path: `/cgmeter-test-runc/${runcId}`, identity: { runtime: 'runc', kind: 'container', name: runcId.slice(0, 12) } });
    const host = hostNamespaceInodes('/proc');
    const pidsMount = cgroupMounts().find((m) => existsSync(`${m}/cgmeter-test-runc/${runcId}/cgroup.procs`))!;
    const ns = cgroupNamespaces(`${pidsMount}/cgmeter-test-runc/${runcId}/cgroup.procs`, '/proc', host)!;
    expect(ns.pid).toBe(runc!.pid);
    expect(ns.pidCount).toBe(1);
    // REAL-COMPONENTS.md: new pid, net, ipc, uts, mnt; cgroup, user, time shared with the host.
    expect(ns.sharedWithHost).toEqual((['cgroup', 'time', 'user'] as const).filter((k) => host[k] !== undefined));
  });

  it('ls table and --tree show both; conmon is a helper, drawn but not listed', async () => {
    const table = (await ls()).split('\n');
    expect(table.find((l) => l.startsWith(podmanId.slice(0, 12)))).toMatch(/^\w{12}\s+cgm-podman\s+localhost\/local\/busybox:latest\s+podman\s+\S+\s+0\.50\s+\S+ \/ 32\.0MiB\s/);
    expect(table.find((l) => l.startsWith(runcId.slice(0, 12)))).toMatch(new RegExp(`^${runcId.slice(0, 12)}\\s+${runcId.slice(0, 12)}\\s+--\\s+runc\\s`));
    expect(table.some((l) => /\bconmon\b/.test(l))).toBe(false);
    const tree = await ls('--tree');
    expect(tree).toContain(`─cgmeter-test-runc\n│ └─${runcId.slice(0, 12)}…  ◆ runc ${runcId.slice(0, 12)}`);
    expect(tree).toMatch(/─libpod_parent\n {2}├─conmon {2}· podman helper conmon\n {2}└─libpod-\w{12}… {2}◆ podman cgm-podman \(localhost\/local\/busybox:latest\)/);
  });
});
