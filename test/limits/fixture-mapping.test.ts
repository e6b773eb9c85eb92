// The vocabulary mapped onto v1 and v2 files, on copies of the real fixture trees: the right file
// gets the right text, in an order the kernel accepts, every change audited; and rollback restores
// what a failed plan had already changed.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuditLog, applyPlan, cliActor, parseLimitRequest, planFreeze, planLimits, type AuditEntry, type HostFacts,
} from '../../collector/limits/index.js';
import { weightToShares } from '../../collector/counters/assemble.js';
import { copyFixture, FIXTURE_CONTAINER, type FixtureTree } from './fixture-tree.js';

const MiB = 1024 * 1024;
const FACTS: HostFacts = { onlineCpus: [0, 1], onlineNodes: [0], blockDevices: new Map([['254:0', 'vda']]) };
const REQUEST = {
  memory: '512M', 'memory-high': '400M', 'memory-swap': '1G', cpus: '1.5', 'cpu-weight': '200',
  'io-read-bps': ['vda=50M'], 'io-write-iops': ['254:0=100'], pids: '256',
};

let tree: FixtureTree;
let auditDir: string;
let audit: AuditLog;

function auditEntries(): AuditEntry[] {
  try {
    return readFileSync(audit.path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditEntry);
  } catch {
    return [];
  }
}

afterEach(() => {
  rmSync(auditDir, { recursive: true, force: true });
});

afterAll(() => tree?.remove());

describe.each(['v1', 'v2'] as const)('limits on the %s fixture tree', (kind) => {
  const { id, path } = FIXTURE_CONTAINER[kind];

  // One copy per tree; each test starts from the container's original files.
  beforeAll(() => {
    tree?.remove();
    tree = copyFixture(kind);
  });

  beforeEach(() => {
    tree.reset([path]);
    auditDir = mkdtempSync(join(tmpdir(), 'cgm-audit-'));
    audit = new AuditLog(join(auditDir, 'audit.log'));
  });

  it('resolves the container by id, id prefix and cgroup path', () => {
    expect(tree.resolve(id).path).toBe(path);
    expect(tree.resolve(id.slice(0, 12)).path).toBe(path);
    expect(tree.resolve(path).identity.id).toBe(id);
    expect(tree.resolve(`${tree.dir('memory', path)}`).path).toBe(path);
  });

  it('writes every knob to its file with the kernel\'s text', async () => {
    const plan = planLimits(tree.resolve(id), parseLimitRequest(REQUEST), { force: false, facts: FACTS });
    const result = await applyPlan(plan, { audit, actor: cliActor() });
    expect(result.ok).toBe(true);
    const read = (controller: string, file: string) => tree.read(controller, path, file).trim();
    if (kind === 'v1') {
      expect(plan.writes.map((w) => w.file)).toEqual([
        'cpu.cfs_quota_us', 'cpu.shares', 'pids.max', 'blkio.throttle.read_bps_device', 'blkio.throttle.write_iops_device',
        // memory 256M→512M fits under the current memsw (512M): memory first, then memsw.
        'memory.limit_in_bytes', 'memory.memsw.limit_in_bytes', 'memory.soft_limit_in_bytes',
      ]);
      expect(read('cpu', 'cpu.cfs_quota_us')).toBe('150000');
      expect(read('cpu', 'cpu.cfs_period_us')).toBe('100000');
      expect(read('cpu', 'cpu.shares')).toBe(String(weightToShares(200)));
      expect(read('pids', 'pids.max')).toBe('256');
      expect(read('blkio', 'blkio.throttle.read_bps_device')).toBe(`254:0 ${50 * MiB}`);
      expect(read('blkio', 'blkio.throttle.write_iops_device')).toBe('254:0 100');
      expect(read('memory', 'memory.limit_in_bytes')).toBe(String(512 * MiB));
      expect(read('memory', 'memory.memsw.limit_in_bytes')).toBe(String(1024 * MiB));
      expect(read('memory', 'memory.soft_limit_in_bytes')).toBe(String(400 * MiB));
    } else {
      expect(plan.writes.map((w) => w.file)).toEqual(['cpu.max', 'cpu.weight', 'pids.max', 'io.max', 'memory.max', 'memory.swap.max', 'memory.high']);
      expect(read('cpu', 'cpu.max')).toBe('150000 100000');
      expect(read('cpu', 'cpu.weight')).toBe('200');
      expect(read('pids', 'pids.max')).toBe('256');
      expect(read('io', 'io.max')).toBe(`254:0 rbps=${50 * MiB} wiops=100`);
      expect(read('memory', 'memory.max')).toBe(String(512 * MiB));
      // docker's --memory-swap is memory plus swap: v2's swap.max gets the difference.
      expect(read('memory', 'memory.swap.max')).toBe(String(512 * MiB));
      expect(read('memory', 'memory.high')).toBe(String(400 * MiB));
    }
    const entries = auditEntries();
    expect(entries).toHaveLength(plan.writes.length);
    expect(entries.every((e) => e.outcome === 'applied' && e.target.id === id && e.target.path === path && e.via === 'cli')).toBe(true);
    expect(entries.map((e) => e.file)).toEqual(plan.writes.map((w) => join(w.dir, w.file)));
  });

  it('lowers memory and memsw (v1: memory first), unsets to -1 / max', async () => {
    const lower = planLimits(tree.resolve(id), parseLimitRequest({ memory: '64M', 'memory-swap': '128M' }), { force: true, facts: FACTS });
    expect((await applyPlan(lower, { audit, actor: cliActor() })).ok).toBe(true);
    const unset = planLimits(tree.resolve(id), parseLimitRequest({ unset: ['memory', 'cpus', 'pids', 'io-read-bps'] }), { force: false, facts: FACTS });
    expect((await applyPlan(unset, { audit, actor: cliActor() })).ok).toBe(true);
    const read = (controller: string, file: string) => tree.read(controller, path, file).trim();
    if (kind === 'v1') {
      expect(lower.writes.map((w) => w.file)).toEqual(['memory.limit_in_bytes', 'memory.memsw.limit_in_bytes']);
      // Raising back to no limit: memsw first (memory may never exceed it).
      expect(unset.writes.map((w) => [w.file, w.text])).toEqual([
        ['cpu.cfs_quota_us', '-1'], ['pids.max', 'max'], ['blkio.throttle.read_bps_device', '254:0 0'],
        ['memory.memsw.limit_in_bytes', '-1'], ['memory.limit_in_bytes', '-1'],
      ]);
      expect(read('memory', 'memory.limit_in_bytes')).toBe('-1');
    } else {
      expect(lower.writes.map((w) => [w.file, w.text])).toEqual([['memory.max', String(64 * MiB)], ['memory.swap.max', String(64 * MiB)]]);
      expect(unset.writes.map((w) => [w.file, w.text])).toEqual([
        ['cpu.max', 'max 100000'], ['pids.max', 'max'], ['io.max', '254:0 rbps=max'], ['memory.max', 'max'],
      ]);
      expect(read('memory', 'memory.max')).toBe('max');
    }
  });

  it('needs force for a memory limit below the current usage', () => {
    expect(() => planLimits(tree.resolve(id), parseLimitRequest({ memory: '64M' }), { force: false, facts: FACTS }))
      .toThrow(/below the current usage.*pass --force/);
    const plan = planLimits(tree.resolve(id), parseLimitRequest({ memory: '64M' }), { force: true, facts: FACTS });
    expect(plan.warnings.join()).toMatch(/below the current usage/);
  });

  it.each([
    [{ cpus: '3' }, /more than this host's 2 online CPUs/],
    [{ cpus: '0.005' }, /minimum is 1ms/],
    [{ 'io-read-bps': 'sdz=1M' }, /unknown block device "sdz"; known: vda \(254:0\)/],
    [{ 'io-read-bps': '8:0=1M' }, /the host has no 8:0/],
    [{ 'memory-swap': '100M' }, /must be at least the memory limit/],
  ])('refuses %j before writing', (vocabulary, message) => {
    expect(() => planLimits(tree.resolve(id), parseLimitRequest(vocabulary), { force: true, facts: FACTS })).toThrow(message);
  });

  it('freezes and thaws through the right file', async () => {
    const target = tree.resolve(id);
    if (kind === 'v2') writeFileSync(join(tree.dir('memory', path), 'cgroup.events'), 'populated 1\nfrozen 1\n');
    const freeze = await applyPlan(planFreeze(target, 'freeze', 500), { audit, actor: cliActor() });
    expect(freeze.ok).toBe(true);
    expect(kind === 'v1' ? tree.read('freezer', path, 'freezer.state').trim() : tree.read('memory', path, 'cgroup.freeze').trim())
      .toBe(kind === 'v1' ? 'FROZEN' : '1');
    if (kind === 'v2') {
      // The kernel never says "frozen 0" in this copied tree: thaw times out and is undone.
      const thaw = await applyPlan(planFreeze(target, 'thaw', 300), { audit, actor: cliActor() });
      expect(thaw.ok).toBe(false);
      expect(thaw.error?.message).toMatch(/did not reach "frozen 0" within 300ms/);
      expect(tree.read('memory', path, 'cgroup.freeze').trim()).toBe('1');
    }
  });

  it('rolls back every earlier write when a later one fails', async () => {
    const plan = planLimits(tree.resolve(id), parseLimitRequest({ cpus: '1', pids: '50', memory: '300M' }), { force: false, facts: FACTS });
    const memoryFile = kind === 'v1' ? 'memory.limit_in_bytes' : 'memory.max';
    const before = { cpu: tree.read('cpu', path, kind === 'v1' ? 'cpu.cfs_quota_us' : 'cpu.max'), pids: tree.read('pids', path, 'pids.max'), memory: tree.read('memory', path, memoryFile) };
    // Between plan and apply the memory file is swapped for a link: the last write must refuse it.
    const file = join(tree.dir('memory', path), memoryFile);
    unlinkSync(file);
    symlinkSync('/dev/null', file);
    const result = await applyPlan(plan, { audit, actor: cliActor() });
    expect(result.ok).toBe(false);
    expect(result.error?.message).toMatch(/not a regular file; refusing to write it/);
    expect(tree.read('cpu', path, kind === 'v1' ? 'cpu.cfs_quota_us' : 'cpu.max')).toBe(before.cpu.trim());
    expect(tree.read('pids', path, 'pids.max')).toBe(before.pids.trim());
    expect(result.writes.map((w) => w.outcome)).toEqual(['rolled-back', 'rolled-back', 'failed']);
    expect(auditEntries().map((e) => e.outcome)).toEqual(['applied', 'applied', 'failed', 'rolled-back', 'rolled-back']);
  });
});

describe('cpuset on the v2 fixture (lxc.payload.c1 has every controller)', () => {
  beforeAll(() => {
    tree?.remove();
    tree = copyFixture('v2');
  });

  beforeEach(() => {
    auditDir = mkdtempSync(join(tmpdir(), 'cgm-audit-'));
    audit = new AuditLog(join(auditDir, 'audit.log'));
  });

  it('writes cpuset.cpus/mems within the parent, empties them on unset, refuses CPUs outside', async () => {
    const target = tree.resolve('/lxc.payload.c1');
    const set = planLimits(target, parseLimitRequest({ 'cpuset-cpus': '1', 'cpuset-mems': '0' }), { force: false, facts: FACTS });
    expect((await applyPlan(set, { audit, actor: cliActor() })).ok).toBe(true);
    expect(tree.read('cpuset', '/lxc.payload.c1', 'cpuset.cpus').trim()).toBe('1');
    const unset = planLimits(target, parseLimitRequest({ unset: ['cpuset-cpus'] }), { force: false, facts: FACTS });
    expect(unset.writes[0]!.text).toBe('\n'); // v2: empty = everything the parent has
    expect(() => planLimits(target, parseLimitRequest({ 'cpuset-cpus': '5' }), { force: false, facts: FACTS })).toThrow(/CPU 5 is not online/);
    // system.slice delegates no cpuset: the files are absent and the request says so.
    expect(() => planLimits(tree.resolve(FIXTURE_CONTAINER.v2.id), parseLimitRequest({ 'cpuset-cpus': '0' }), { force: false, facts: FACTS }))
      .toThrow(/cpuset.cpus does not exist \(is the controller enabled/);
  });
});
