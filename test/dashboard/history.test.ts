// The chart history: rings that grow to their capacity and keep order, forgetting vanished cgroups
// (containers after a minute, plain cgroups after a few frames), restarting for a recreated cgroup.
import { describe, expect, it } from 'vitest';
import { HistoryStore, memoryRatesBetween } from '../../dashboard/model/history.js';
import { makeSnapshot } from './make-snapshot.js';

const snap = (path: string, cores: number, kind: 'container' | 'cgroup' = 'container', inode = 1) => {
  const s = makeSnapshot({ path, coresUsed: cores, kind });
  return { ...s, sample: { ...s.sample, inode } };
};

describe('HistoryStore', () => {
  it('keeps the newest points in order through growth and wrap-around', () => {
    const h = new HistoryStore(20);
    for (let i = 0; i < 50; i++) h.record([snap('/a', i)], i * 1000);
    const { values, timesMs } = h.series('/a', 'coresUsed');
    expect(values).toEqual(Array.from({ length: 20 }, (_, i) => 30 + i));
    expect(timesMs[0]).toBe(30_000);
    expect(h.series('/a', 'coresUsed', 3).values).toEqual([47, 48, 49]);
    expect(h.series('/a', 'usageBytes').values.every(Number.isNaN)).toBe(true);
    for (let n = 1; n <= 9; n++) {
      const small = new HistoryStore(20);
      for (let i = 0; i < n; i++) small.record([snap('/a', i)], i);
      expect(small.series('/a', 'coresUsed').values).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });
  it('forgets a vanished plain cgroup after a few frames, a container after a minute', () => {
    const h = new HistoryStore();
    h.record([snap('/c', 1), snap('/g', 1, 'cgroup')], 0);
    for (let i = 1; i <= 6; i++) h.record([], i * 1000);
    expect(h.has('/g')).toBe(false);
    expect(h.has('/c')).toBe(true);
    expect(h.lastSample('/c')?.path).toBe('/c');
    for (let i = 7; i <= 61; i++) h.record([], i * 1000);
    expect(h.has('/c')).toBe(false);
  });
  it('starts over for a cgroup made again under the same path', () => {
    const h = new HistoryStore();
    h.record([snap('/c', 1, 'container', 1)], 0);
    h.record([snap('/c', 2, 'container', 2)], 1000);
    expect(h.series('/c', 'coresUsed').values).toEqual([2]);
  });
  it('memory event rates from consecutive Samples of one incarnation', () => {
    const a = makeSnapshot({ path: '/m', memory: { workingsetRefault: 100, pgscan: 50, pgsteal: 40 } }).sample;
    const b = { ...a, monotonicMs: a.monotonicMs + 2000, memory: { ...a.memory, workingsetRefault: 300, pgscan: 150, pgsteal: 40 } };
    expect(memoryRatesBetween(b, a)).toEqual({ refaultPs: 100, pgscanPs: 50, pgstealPs: 0, pgmajfaultPs: undefined });
    expect(memoryRatesBetween(b, { ...a, inode: 9 })).toEqual({});
    expect(memoryRatesBetween(a, undefined)).toEqual({});
  });
});
