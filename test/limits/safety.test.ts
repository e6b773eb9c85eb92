// Where a limit may be written: only discovered cgroups, only under a mountinfo cgroup mount, never
// through a symlink or `..`, never a file outside the allowlist, never the root without allowRoot,
// never on a filesystem that is not cgroupfs.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Collector } from '../../collector/poller.js';
import { LimitError, knownCgroups, parseLimitRequest, planLimits, resolveTarget } from '../../collector/limits/index.js';
import { safeCgroupDir, writeKernelFile } from '../../collector/limits/safe-path.js';
import { copyFixture, FIXTURE_CONTAINER, type FixtureTree } from './fixture-tree.js';

let tree: FixtureTree | undefined;
const scratch: string[] = [];

afterEach(() => {
  tree?.remove();
  tree = undefined;
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function refusal(fn: () => unknown): LimitError {
  try {
    fn();
  } catch (err) {
    if (err instanceof LimitError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

const { id, path } = FIXTURE_CONTAINER.v2;

describe('target lookups on the v2 fixture tree (read only, one copy)', () => {
  let shared: FixtureTree;
  beforeAll(() => { shared = copyFixture('v2'); });
  afterAll(() => shared?.remove());

  it('refuses paths with .. or . segments, whatever they would lead to', () => {
    for (const query of [`${path}/..`, '/system.slice/../../etc', '/system.slice/./x', '../etc/passwd', '/a//b']) {
      expect(refusal(() => shared.resolve(query)).kind).toBe('unsafe');
    }
  });

  it('refuses what discovery does not know: /etc/passwd, an unknown id, a file inside a cgroup', () => {
    expect(refusal(() => shared.resolve('/etc/passwd'))).toMatchObject({ kind: 'not-found' });
    expect(refusal(() => shared.resolve('0123456789ab'))).toMatchObject({ kind: 'not-found' });
    expect(refusal(() => shared.resolve(`${path}/memory.max`))).toMatchObject({ kind: 'not-found' });
  });

  it('refuses the root cgroup unless allowed', () => {
    expect(refusal(() => shared.resolve('/')).message).toMatch(/--allow-root/);
    expect(shared.resolve('/', true).path).toBe('/');
  });

  it('refuses directories that are not on a cgroup filesystem (statfs) unless told it is a copied tree', () => {
    const err = refusal(() => resolveTarget(shared.hierarchy, shared.known, id, { allowRoot: false }));
    expect(err.message).toMatch(/is not on a cgroup filesystem \(statfs type 0x/);
  });
});

describe('target safety on changed copies of the v2 fixture tree', () => {

  it('refuses a target reached through a symlinked directory (lstat of every component)', () => {
    tree = copyFixture('v2');
    // The cgroup mount itself replaced by a link to a copy: discovery follows it, the writer must not.
    const mount = join(tree.root, 'sys/fs/cgroup');
    renameSync(mount, join(tree.root, 'elsewhere'));
    symlinkSync(join(tree.root, 'elsewhere'), mount);
    const collector = new Collector({ hostRoot: tree.root, reader: 'fallback', groups: new Set() });
    collector.discover();
    const known = knownCgroups(collector);
    collector.close();
    expect(known.some((k) => k.path === path)).toBe(true);
    const err = refusal(() => resolveTarget(collector.hierarchy, known, id, { allowRoot: false, requireCgroupFs: false }));
    expect(err.kind).toBe('unsafe');
    expect(err.message).toMatch(/sys\/fs\/cgroup is a symbolic link/);
  });

  it('refuses a cgroup directory swapped for a symlink after discovery', () => {
    tree = copyFixture('v2');
    const dir = tree.dir('memory', path);
    renameSync(dir, `${dir}.real`);
    symlinkSync(`${dir}.real`, dir);
    expect(refusal(() => tree!.resolve(id)).message).toMatch(/is a symbolic link; cgmeter never writes through links/);
  });

  it('refuses a symlink given as the target', () => {
    tree = copyFixture('v2');
    const link = join(tree.root, 'link-to-container');
    symlinkSync(tree.dir('memory', path), link);
    expect(refusal(() => tree!.resolve(link)).message).toMatch(/is a symbolic link; name the container/);
  });

  it('refuses an allowlisted file that is a symlink, leaving its target untouched', () => {
    tree = copyFixture('v2');
    const victim = join(tree.root, 'victim');
    writeFileSync(victim, 'precious\n');
    const file = join(tree.dir('memory', path), 'pids.max');
    rmSync(file);
    symlinkSync(victim, file);
    expect(refusal(() => planLimits(tree!.resolve(id), parseLimitRequest({ pids: '10' }), { force: false })).message)
      .toMatch(/pids.max is a symbolic link; refusing to read it/);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
  });
});

describe('the writer', () => {
  it('writes only allowlisted names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgm-allow-'));
    scratch.push(dir);
    for (const name of ['cgroup.procs', 'release_agent', 'tasks', 'notify_on_release', '../pids.max', 'cgroup.subtree_control']) {
      writeFileSync(join(dir, 'x'), '');
      expect(() => writeKernelFile(dir, name, '1')).toThrow(/not on the limits allowlist/);
    }
  });

  it('accepts only mount directories that mountinfo listed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgm-mounts-'));
    scratch.push(dir);
    mkdirSync(join(dir, 'cg'));
    expect(() => safeCgroupDir(join(dir, 'cg'), '/x', { hostRoot: '/', mountDirs: new Set(['/sys/fs/cgroup/memory']), requireCgroupFs: false }))
      .toThrow(/is not a cgroup mount listed in mountinfo/);
  });
});
