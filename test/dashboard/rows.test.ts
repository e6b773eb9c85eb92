// Rows from Snapshots: filter, sort (and reverse, unknowns last), the cgroup tree with folding.
import { describe, expect, it } from 'vitest';
import { matchesFilter, tableRows, treeRows, type RowQuery } from '../../dashboard/model/rows.js';
import { fixtureReadings, V2_BURSTABLE_APP, V2_DOCKER_A, V2_DOCKER_B } from './fixture-frames.js';
import { makeSnapshot } from './make-snapshot.js';

const query = (over: Partial<RowQuery> = {}): RowQuery => ({
  set: 'main', sort: { columnId: 'cpu', reversed: false }, filter: '', showAll: false, nowMs: 0, ...over,
});

describe('flat table rows', () => {
  const snapshots = [
    makeSnapshot({ path: '/a', name: 'web', image: 'nginx:1.25', coresUsed: 0.2, labels: { tier: 'front' } }),
    makeSnapshot({ path: '/b', name: 'db', image: 'postgres:16', coresUsed: 1.5 }),
    makeSnapshot({ path: '/c', name: 'batch', coresUsed: undefined }),
    makeSnapshot({ path: '/d', name: 'system', kind: 'cgroup', coresUsed: 3 }),
    makeSnapshot({ path: '/', name: '/', kind: 'cgroup', coresUsed: 4 }),
  ];
  it('shows containers by default, highest CPU first, unknown last', () => {
    expect(tableRows(snapshots, query()).map((r) => r.key)).toEqual(['/b', '/a', '/c']);
  });
  it('reverses, but keeps unknown values last', () => {
    expect(tableRows(snapshots, query({ sort: { columnId: 'cpu', reversed: true } })).map((r) => r.key)).toEqual(['/a', '/b', '/c']);
  });
  it('sorts text A→Z', () => {
    expect(tableRows(snapshots, query({ sort: { columnId: 'name', reversed: false } })).map((r) => r.key)).toEqual(['/c', '/b', '/a']);
  });
  it('with showAll lists every cgroup but the root (the header covers the host)', () => {
    expect(tableRows(snapshots, query({ showAll: true })).map((r) => r.key)).toEqual(['/d', '/b', '/a', '/c']);
  });
  it('filters by name, image, label key=value, case-insensitively', () => {
    expect(tableRows(snapshots, query({ filter: 'WEB' })).map((r) => r.key)).toEqual(['/a']);
    expect(tableRows(snapshots, query({ filter: 'postgres' })).map((r) => r.key)).toEqual(['/b']);
    expect(tableRows(snapshots, query({ filter: 'tier=front' })).map((r) => r.key)).toEqual(['/a']);
    expect(matchesFilter(snapshots[0]!, '  ')).toBe(true);
    expect(tableRows(snapshots, query({ filter: 'nothing-like-this' }))).toEqual([]);
  });
});

describe('on the v2 fixture', () => {
  const { snapshots, timeMs } = fixtureReadings('cgroup-v2');
  it('lists the 8 containers and 2 pods, the throttled docker A and the besteffort spinner on top by CPU', () => {
    const rows = tableRows(snapshots, query({ nowMs: timeMs }));
    expect(rows).toHaveLength(10);
    expect(rows[0]!.snapshot.sample.identity.name).toBe('15e3b7e5ea24');
    expect(rows[1]!.key).toBe(V2_DOCKER_A);
    expect(rows.slice(0, 2).map((r) => r.snapshot.cpu.coresUsed!.toFixed(3))).toEqual(['0.606', '0.319']);
  });
  it('sorts by memory % of limit: limited containers first, unlimited last', () => {
    const rows = tableRows(snapshots, query({ sort: { columnId: 'memPercent', reversed: false } }));
    expect(rows.slice(0, 3).map((r) => r.key)).toEqual([V2_DOCKER_A, V2_BURSTABLE_APP, V2_BURSTABLE_APP.slice(0, V2_BURSTABLE_APP.lastIndexOf('/'))]);
    expect(rows[0]!.snapshot.memory.percentOfLimit).toBeCloseTo((139776000 / 268435456) * 100, 0);
    expect(rows.at(-1)!.snapshot.memory.percentOfLimit).toBeUndefined();
  });
});

describe('cgroup tree', () => {
  const { snapshots } = fixtureReadings('cgroup-v2');
  it('draws the hierarchy, marks containers, sorts siblings by the sort column', () => {
    const rows = treeRows(snapshots, query({ sort: { columnId: 'name', reversed: false } }), new Set());
    const text = rows.map((r) => `${r.treePrefix}${r.label}`);
    expect(text[0]).toBe('▾ /');
    expect(text).toContain('├─▾ system.slice');
    expect(text).toContain('│ ├── ◆ 376f487bf992');
    expect(text).toContain('│ ├── ◆ 4e7d912fd678');
    expect(text).toContain('│ └── containerd.service');
    expect(text).toContain('│ │ └─▾ ◆ 1f7d3c5b-9e2a-4b8c-8d6f-2a4e6c8b0d1f');
    expect(text).toContain('└─▾ user.slice');
    expect(text.at(-1)).toBe('    └── session-1.scope');
    expect(rows).toHaveLength(snapshots.length);
  });
  it('folds a node: its subtree is hidden, its marker turns', () => {
    const rows = treeRows(snapshots, query({ sort: { columnId: 'name', reversed: false } }), new Set(['/kubepods.slice', '/system.slice']));
    const text = rows.map((r) => `${r.treePrefix}${r.label}`);
    expect(text).toContain('├─▸ kubepods.slice');
    expect(text).toContain('├─▸ system.slice');
    expect(rows.some((r) => r.key === V2_DOCKER_A)).toBe(false);
    expect(rows.some((r) => r.key === V2_BURSTABLE_APP)).toBe(false);
  });
  it('a filter keeps the matches and their ancestors', () => {
    const rows = treeRows(snapshots, query({ filter: '4e7d912fd678' }), new Set());
    expect(rows.map((r) => r.key)).toEqual(['/', '/system.slice', V2_DOCKER_B]);
  });
});
