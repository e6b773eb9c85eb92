// What `cgmeter ls` prints, on identities from real cgroup paths plus engine metadata: table
// rows with IMAGE and CPUS, limits for --json, duplicates hidden, and the --tree drawing.

import { describe, expect, it } from 'vitest';
import { derive, type Snapshot } from '../../collector/model/derive.js';
import type { CgroupSample } from '../../collector/model/sample.js';
import type { ContainerIdentity } from '../../collector/model/identity.js';
import { identifyCgroup } from '../../collector/runtimes/registry.js';
import { duplicateChildPaths, lsRows, rowLimits, formatCores } from '../../cli/commands/ls-view.js';
import { renderTree } from '../../cli/commands/ls-tree.js';
import { metadataFromArgs } from '../../cli/metadata-flags.js';

const DOCKER_ID = 'd2a9bb63a144454609098dde28b37949bdd4d94d7580d9b41f3f2925e1364825';
const PODMAN_ID = '6abb9a458a347298c47d55b967f116fe7473889ba74bb8f91dad653935cca7c9';
const MiB = 1024 * 1024;

function snapshot(path: string, extra: Partial<CgroupSample> = {}, identity: Partial<ContainerIdentity> = {}): Snapshot {
  const sample: CgroupSample = {
    path, inode: 1, timestampMs: 0, monotonicMs: 0,
    identity: { ...identifyCgroup(path), ...identity },
    cpu: { quotaUs: Infinity, periodUs: 100_000 }, memory: { usageBytes: MiB, limitBytes: Infinity }, blockIo: [], pids: { current: 1 }, pressure: {},
    ...extra,
  };
  return derive(sample);
}

const docker = snapshot(`/docker/${DOCKER_ID}`, { cpu: { quotaUs: 30_000, periodUs: 100_000 }, memory: { usageBytes: 2 * MiB, limitBytes: 64 * MiB }, pids: { current: 1, max: Infinity } },
  { name: 'cgm-web', image: 'local/busybox:latest', configuredLimits: { memoryBytes: 64 * MiB, cpuCores: 0.3 } });
const scope = snapshot(`/machine.slice/libpod-${PODMAN_ID}.scope`, {}, { name: 'pc1', image: 'localhost/local/busybox:latest' });
const crunChild = snapshot(`/machine.slice/libpod-${PODMAN_ID}.scope/container`, {}, { name: 'pc1', image: 'localhost/local/busybox:latest' });
const all = [snapshot('/'), snapshot('/docker'), docker, snapshot('/machine.slice'), scope, crunChild, snapshot('/system.slice'), snapshot('/system.slice/cron.service')];

describe('ls rows', () => {
  it('NAME and IMAGE from metadata, CPUS from the kernel quota, memory limit', () => {
    expect(lsRows([docker])[0]).toEqual(['d2a9bb63a144', 'cgm-web', 'local/busybox:latest', 'docker', '--', '0.30', '2.0MiB / 64.0MiB', '3.13%', '--', '0B / 0B', '1']);
  });

  it('without metadata: short id as name, no image, no CPU limit', () => {
    const bare = snapshot(`/docker/${DOCKER_ID}`);
    expect(lsRows([bare])[0]!.slice(0, 6)).toEqual(['d2a9bb63a144', 'd2a9bb63a144', '--', 'docker', '--', '--']);
  });

  it('limits for --json: bytes and cores, Infinity (→ "max") when unlimited', () => {
    expect(rowLimits(docker)).toEqual({ memoryBytes: 64 * MiB, cpuCores: 0.3, pidsMax: Infinity });
    expect(formatCores(0.3)).toBe('0.30');
    expect(formatCores(Infinity)).toBe('--');
  });

  it('a child with its parent\'s identity (crun\'s container subgroup) is a duplicate', () => {
    expect([...duplicateChildPaths(all)]).toEqual([`/machine.slice/libpod-${PODMAN_ID}.scope/container`]);
  });
});

describe('ls --tree', () => {
  it('containers and what is above them, marked by runtime, name and image', () => {
    expect(renderTree(all, { all: false })).toBe([
      '/',
      '├─docker',
      '│ └─d2a9bb63a144…  ◆ docker cgm-web (local/busybox:latest)',
      '└─machine.slice',
      '  └─libpod-6abb9a458a34….scope  ◆ podman pc1 (localhost/local/busybox:latest)',
      '    └─container  (same container as above)',
    ].join('\n'));
  });

  it('--all draws every cgroup', () => {
    expect(renderTree(all, { all: true }).split('\n')).toEqual([
      '/',
      '├─docker',
      '│ └─d2a9bb63a144…  ◆ docker cgm-web (local/busybox:latest)',
      '├─machine.slice',
      '│ └─libpod-6abb9a458a34….scope  ◆ podman pc1 (localhost/local/busybox:latest)',
      '│   └─container  (same container as above)',
      '└─system.slice',
      '  └─cron.service',
    ]);
  });

  it('pods and helpers are marked as such', () => {
    const pod = snapshot('/kubepods/burstable/pod8c2e9f4a-3b1d-4c6e-9f0a-1b2c3d4e5f60', {}, { name: 'web-0', pod: 'web-0', namespace: 'shop' });
    const conmon = snapshot('/libpod_parent/conmon');
    expect(renderTree([pod, conmon], { all: false }).split('\n')).toEqual([
      '/',
      '├─kubepods',
      '│ └─burstable',
      '│   └─pod8c2e9f4a-3b1d-4c6e-9f0a-1b2c3d4e5f60  ◆ kubernetes pod web-0 ns shop',
      '└─libpod_parent',
      '  └─conmon  · podman helper conmon',
    ]);
  });
});

describe('metadata flags', () => {
  const args = (values: Record<string, string>) => ({ values, positionals: [] });
  it('defaults, explicit paths and none', () => {
    expect(metadataFromArgs(args({}))).toEqual({ sockets: [
      { engine: 'docker', socketPath: '/var/run/docker.sock', explicit: false },
      { engine: 'podman', socketPath: '/run/podman/podman.sock', explicit: false },
    ] });
    expect(metadataFromArgs(args({ 'docker-socket': '/tmp/d.sock', 'podman-socket': 'none' }))).toEqual({ sockets: [
      { engine: 'docker', socketPath: '/tmp/d.sock', explicit: true },
    ] });
  });

  it('a relative path is a usage error that says what would be right', () => {
    expect(() => metadataFromArgs(args({ 'docker-socket': 'docker.sock' }))).toThrow('--docker-socket must be an absolute socket path (e.g. /var/run/docker.sock) or none, got "docker.sock"');
  });
});
