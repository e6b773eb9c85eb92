// Runtime identity from cgroup paths: every cgroup of the real v1/v2 fixtures, well-known forms
// from real hosts, malformed input, and the registry's ordering rules.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RuntimeModule } from '../../collector/model/identity.js';
import { parseCgroupPath } from '../../collector/runtimes/cgroup-path.js';
import { containerdModule } from '../../collector/runtimes/containerd/index.js';
import { crioModule } from '../../collector/runtimes/crio/index.js';
import { dockerModule } from '../../collector/runtimes/docker/index.js';
import { kubernetesModule } from '../../collector/runtimes/kubernetes/index.js';
import { lxcModule } from '../../collector/runtimes/lxc/index.js';
import { podmanModule } from '../../collector/runtimes/podman/index.js';
import { rawModule } from '../../collector/runtimes/raw/index.js';
import { defaultRuntimeModules, identifyCgroup } from '../../collector/runtimes/registry.js';
import { runcModule } from '../../collector/runtimes/runc/index.js';
import { systemdModule } from '../../collector/runtimes/systemd/index.js';
import {
  MALFORMED_CASES,
  NORMALISATION_CASES,
  REAL_WORLD_CASES,
  V1,
  V1_FIXTURE_CASES,
  V2,
  V2_FIXTURE_CASES,
} from './identify-cases.js';

// The fixtures live beside the repository (DESIGN.md: "see ../shared/fixtures") until they are
// copied into test/fixtures; CGMETER_FIXTURES overrides both.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixturesDir = [process.env.CGMETER_FIXTURES, join(repoRoot, 'test/fixtures'), join(repoRoot, '../shared/fixtures')]
  .filter((dir): dir is string => dir !== undefined)
  .find((dir) => existsSync(join(dir, 'cgroup-v2/ids.env')));

describe('identifyCgroup', () => {
  describe.each([
    ['cgroup v2 fixture', V2_FIXTURE_CASES],
    ['cgroup v1 fixture', V1_FIXTURE_CASES],
    ['real-world forms', REAL_WORLD_CASES],
    ['malformed paths', MALFORMED_CASES],
  ])('%s', (_title, cases) => {
    it.each(cases)('%s', (path, expected) => {
      expect(identifyCgroup(path)).toStrictEqual(expected);
    });
  });

  it.each(NORMALISATION_CASES)('%s is read as %s', (spelling, clean) => {
    expect(identifyCgroup(spelling)).toStrictEqual(identifyCgroup(clean));
  });

  it('never throws, and names only valid ids, on arbitrary paths', () => {
    const segment = fc.oneof(
      fc.constantFrom('', '.', '..', 'docker', 'kubepods', 'kubepods.slice', 'burstable', 'container', 'lxc', 'libpod_parent', 'conmon'),
      fc.constantFrom(`docker-${V2.DOCKER_A}.scope`, `crio-${V2.LIBPOD}`, `pod${V2.POD_BURSTABLE_UID}`, V1.CONTAINER_A, 'x.slice', 'lxc.payload.'),
      fc.string({ maxLength: 80 }),
      fc.stringMatching(/^[0-9a-fA-F]{60,68}$/),
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), fc.boolean(), (segments, trailingSlash) => {
        const path = `/${segments.join('/')}${trailingSlash ? '/' : ''}`;
        const identity = identifyCgroup(path);
        const clean = parseCgroupPath(path);
        if (identity.runtime === 'raw') expect(identity.id).toBe(clean.path);
        if (['docker', 'containerd', 'cri-o', 'runc'].includes(identity.runtime)) {
          expect(identity.id).toMatch(/^[0-9a-f]{64}$/);
        }
        if (!clean.claimable) expect(identity.runtime).toBe('raw');
        expect(identifyCgroup(clean.path)).toStrictEqual(identity);
      }),
      { numRuns: 2000 },
    );
  });
});

describe.skipIf(fixturesDir === undefined)('fixture coverage', () => {
  const dir = fixturesDir ?? '';

  /** Every directory below root, as a cgroup path; `/` for root itself. */
  function cgroupDirs(root: string, rel = '/'): string[] {
    const here = rel === '/' ? root : join(root, rel);
    const children = readdirSync(here, { withFileTypes: true }).filter((entry) => entry.isDirectory());
    return [rel, ...children.flatMap((child) => cgroupDirs(root, rel === '/' ? `/${child.name}` : `${rel}/${child.name}`))];
  }

  /** The cgroup paths of every `proc/<pid>/cgroup` line, as the kernel wrote them. */
  function procCgroupPaths(fixture: string): string[] {
    const procDir = join(dir, fixture, 'proc');
    return readdirSync(procDir)
      .filter((entry) => /^\d+$/.test(entry))
      .flatMap((pid) => readFileSync(join(procDir, pid, 'cgroup'), 'utf8').split('\n'))
      .filter((line) => line !== '')
      .map((line) => line.split(':').slice(2).join(':'));
  }

  function idsEnv(fixture: string): Record<string, string> {
    const text = readFileSync(join(dir, fixture, 'ids.env'), 'utf8');
    return Object.fromEntries(text.split('\n').filter((line) => line.includes('=')).map((line) => line.split('=', 2) as [string, string]));
  }

  it('the v2 table covers exactly the cgroups of the v2 fixture', () => {
    const dirs = cgroupDirs(join(dir, 'cgroup-v2/sys/fs/cgroup'));
    expect(dirs.sort()).toStrictEqual(V2_FIXTURE_CASES.map(([path]) => path).sort());
  });

  it('the v1 table covers exactly the cgroups of the v1 fixture, over all hierarchies', () => {
    const hierarchiesDir = join(dir, 'cgroup-v1/sys/fs/cgroup');
    const hierarchies = readdirSync(hierarchiesDir, { withFileTypes: true }).filter((entry) => entry.isDirectory());
    const dirs = new Set(hierarchies.flatMap((hierarchy) => cgroupDirs(join(hierarchiesDir, hierarchy.name))));
    expect([...dirs].sort()).toStrictEqual(V1_FIXTURE_CASES.map(([path]) => path).sort());
  });

  it.each(['cgroup-v2', 'cgroup-v1'])('%s: /proc/<pid>/cgroup paths identify as their table entry', (fixture) => {
    const table = new Map([...V2_FIXTURE_CASES, ...V1_FIXTURE_CASES]);
    const paths = procCgroupPaths(fixture);
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) expect(identifyCgroup(path)).toStrictEqual(table.get(path));
  });

  it('the ids in the tables are those of ids.env', () => {
    expect(idsEnv('cgroup-v2')).toMatchObject(V2);
    expect(idsEnv('cgroup-v1')).toMatchObject(V1);
  });
});

describe('modules', () => {
  const engines: RuntimeModule[] = [
    kubernetesModule, dockerModule, containerdModule, crioModule, podmanModule, lxcModule, systemdModule, runcModule,
  ];

  it('default order: kubernetes, engines, systemd, runc, raw', () => {
    expect(defaultRuntimeModules.map((module) => module.name)).toStrictEqual([
      'kubernetes', 'docker', 'containerd', 'cri-o', 'podman', 'lxc', 'systemd', 'runc', 'raw',
    ]);
  });

  it.each(['', '/', '//', '/../..'])('no module but raw claims %j', (path) => {
    for (const module of engines) expect(module.identify(path)).toBeUndefined();
    expect(rawModule.identify(path)?.runtime).toBe('raw');
  });

  it('each engine module alone declines the other engines\' containers', () => {
    const dockerPath = `/system.slice/docker-${V2.DOCKER_A}.scope`;
    const podmanPath = `/machine.slice/libpod-${V2.LIBPOD}.scope`;
    expect(podmanModule.identify(dockerPath)).toBeUndefined();
    expect(containerdModule.identify(dockerPath)).toBeUndefined();
    expect(crioModule.identify(podmanPath)).toBeUndefined();
    expect(dockerModule.identify(podmanPath)).toBeUndefined();
    expect(lxcModule.identify(dockerPath)).toBeUndefined();
    expect(kubernetesModule.identify(dockerPath)).toBeUndefined();
  });

  it('raw is the last resort wherever the caller lists it', () => {
    const path = `/docker/${V1.CONTAINER_A}`;
    expect(identifyCgroup(path, [rawModule, dockerModule]).runtime).toBe('docker');
    expect(identifyCgroup(path, [])).toStrictEqual({ runtime: 'raw', id: path, name: path, labels: {}, kind: 'cgroup' });
  });

  it('order decides overlaps: without kubernetes first, a pod container loses its pod', () => {
    const path = `/kubepods/burstable/pod${V2.POD_BURSTABLE_UID}/${V2.CRI_BURSTABLE_APP}`;
    expect(identifyCgroup(path, [runcModule, kubernetesModule]).runtime).toBe('runc');
    expect(identifyCgroup(path).podUid).toBe(V2.POD_BURSTABLE_UID);
  });
});
