// Quiet refresh (CollectorOptions.quietRefreshMs, `serve --quiet-refresh`): a cgroup whose CPU time
// did not move has only that file read; its other files keep their last values until the CPU time
// moves or the refresh period passes. Run on copies of the real kernel fixtures (regular files, so
// the test can change one counter at a time), with both readers.

import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Collector, ALL_GROUPS } from '../../collector/poller.js';
import { loadNative } from '../../native/index.js';
import type { CgroupSample } from '../../collector/model/sample.js';

const fixture = (p: string) => fileURLToPath(new URL(`../fixtures/${p}`, import.meta.url));
const readers = (['fallback', 'native'] as const).filter((r) => r === 'fallback' || !(loadNative() instanceof Error) || process.env.CI === 'true');
const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** An hour: no cgroup's turn comes during a test (a turn falls in a given 50 ms with p ≈ 1.4e-5). */
const LONG_MS = 3_600_000;

interface Layout {
  fixture: string;
  /** The cgroup under test, and where its gate (CPU time) and memory usage files are. */
  path: string;
  gate: (root: string, path?: string) => [file: string, text: (n: number) => string];
  memory: (root: string, path?: string) => string;
  procs: (root: string) => string;
  limit: (root: string) => string;
}

const V1_PATH = '/docker/5aacd01bb9954993bfff3b1738339116d934bc62d7589f515d57dd78d53bbb83';
const V2_PATH = '/system.slice/docker-376f487bf99250bcc5fc3fe8c25a75d3176d40b0050403f03b4d7d31fd48e7f2.scope';
const layouts: Layout[] = [
  {
    fixture: 'cgroup-v1',
    path: V1_PATH,
    gate: (root, path = V1_PATH) => [join(root, 'sys/fs/cgroup/cpuacct', path, 'cpuacct.usage'), (ns) => `${ns}\n`],
    memory: (root, path = V1_PATH) => join(root, 'sys/fs/cgroup/memory', path, 'memory.usage_in_bytes'),
    // The first v1 hierarchy holding the cgroup (pids comes first: Collector.homeDir 'procs').
    procs: (root) => join(root, 'sys/fs/cgroup/pids', V1_PATH, 'cgroup.procs'),
    limit: (root) => join(root, 'sys/fs/cgroup/memory', V1_PATH, 'memory.limit_in_bytes'),
  },
  {
    fixture: 'cgroup-v2',
    path: V2_PATH,
    gate: (root, path = V2_PATH) => [join(root, 'sys/fs/cgroup', path, 'cpu.stat'),
      (us) => `usage_usec ${us}\nuser_usec 1\nsystem_usec 1\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n`],
    memory: (root, path = V2_PATH) => join(root, 'sys/fs/cgroup', path, 'memory.current'),
    procs: (root) => join(root, 'sys/fs/cgroup', V2_PATH, 'cgroup.procs'),
    limit: (root) => join(root, 'sys/fs/cgroup', V2_PATH, 'memory.max'),
  },
];

function copyOf(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cgm-quiet-'));
  temps.push(dir);
  cpSync(fixture(name), dir, { recursive: true });
  return dir;
}

const byPath = (samples: CgroupSample[]) => new Map(samples.map((s) => [s.path, s]));

describe.each(readers)('quiet refresh, %s reader', (reader) => {
  describe.each(layouts)('$fixture', (layout) => {
    it('keeps a quiet cgroup\'s other counters until its CPU time moves, then reads them all', () => {
      const root = copyOf(layout.fixture);
      const [gateFile, gateText] = layout.gate(root);
      const collector = new Collector({ hostRoot: root, reader, groups: ALL_GROUPS, quietRefreshMs: LONG_MS });
      try {
        collector.discover();
        const first = byPath(collector.sample()).get(layout.path)!;
        expect(collector.stats.quietCgroups).toBe(0); // the first sample reads everything
        writeFileSync(gateFile, gateText(1000)); // in place: the cached fd sees it
        collector.sample(); // the CPU time moved: read in full, the gate remembers 1000
        writeFileSync(layout.memory(root), '123456789\n');
        const quiet = byPath(collector.sample()).get(layout.path)!;
        // Only the memory file changed: the cgroup is quiet and its memory is the value read before.
        expect(quiet.memory.usageBytes).toBe(first.memory.usageBytes);
        expect(first.memory.usageBytes).not.toBe(123456789);
        expect(quiet.cpu.usageSeconds).toBeCloseTo(layout.fixture === 'cgroup-v1' ? 1000 / 1e9 : 1000 / 1e6, 15);
        // Every cgroup of a tree of regular files is quiet now.
        expect(collector.stats.quietCgroups).toBe(collector.paths().length);
        writeFileSync(gateFile, gateText(2000));
        const moved = byPath(collector.sample()).get(layout.path)!;
        expect(moved.memory.usageBytes).toBe(123456789);
        expect(collector.stats.quietCgroups).toBe(collector.paths().length - 1); // files don't roll up: only this one moved
      } finally {
        collector.close();
      }
    });

    it('keeps a quiet cgroup\'s values when the batch is laid out again, and reads it by its new place', () => {
      const root = copyOf(layout.fixture);
      const collector = new Collector({ hostRoot: root, reader, groups: ALL_GROUPS, quietRefreshMs: LONG_MS });
      try {
        collector.discover();
        // The last leaf cgroup (no children) that has a memory file is tested; a leaf laid out
        // before it goes, so the tested one's slots move down.
        const paths = collector.paths();
        const isLeaf = (p: string) => p !== '/' && !paths.some((q) => q.startsWith(`${p}/`));
        const tested = paths.filter((p) => isLeaf(p) && existsSync(layout.memory(root, p))).pop()!;
        const earlier = paths.slice(0, paths.indexOf(tested)).find(isLeaf);
        expect(earlier).toBeDefined();
        const [gateFile, gateText] = layout.gate(root, tested);
        const first = byPath(collector.sample()).get(tested)!;
        for (const dir of hierarchyDirs(root, layout)) rmSync(join(dir, earlier!), { recursive: true, force: true });
        writeFileSync(layout.memory(root, tested), '987654321\n');
        expect(collector.discover().removed).toEqual([earlier]);
        const after = byPath(collector.sample());
        expect(after.has(earlier!)).toBe(false);
        // Carried over, not read (quiet) and not lost (NaN) in the new layout.
        expect(after.get(tested)!.memory.usageBytes).toBe(first.memory.usageBytes);
        expect(after.get(tested)!.cpu.usageSeconds).toBe(first.cpu.usageSeconds);
        expect(collector.isQuiet(tested)).toBe(true);
        // Its gate is found at its new place: moving it reads the cgroup in full.
        writeFileSync(gateFile, gateText(31337));
        const moved = byPath(collector.sample()).get(tested)!;
        expect(moved.memory.usageBytes).toBe(987654321);
        expect(collector.isQuiet(tested)).toBe(false);
      } finally {
        collector.close();
      }
    });

    it('reads a quiet cgroup in full again once the refresh period has passed', async () => {
      const root = copyOf(layout.fixture);
      const quietMs = 200;
      const collector = new Collector({ hostRoot: root, reader, groups: ALL_GROUPS, quietRefreshMs: quietMs });
      try {
        collector.discover();
        collector.sample();
        writeFileSync(layout.memory(root), '555555555\n');
        const started = performance.now();
        let seen: number | undefined;
        // The contract: the new value shows within one period (plus a sample) of being written.
        while (performance.now() - started < 2 * quietMs + 100) {
          seen = byPath(collector.sample()).get(layout.path)!.memory.usageBytes;
          if (seen === 555555555) break;
          await sleep(20);
        }
        expect(seen).toBe(555555555);
      } finally {
        collector.close();
      }
    });

    it('re-reads process counts at a walk only when the CPU time moved since, and limits only when asked', () => {
      const root = copyOf(layout.fixture);
      const [gateFile, gateText] = layout.gate(root);
      const collector = new Collector({ hostRoot: root, reader, groups: ALL_GROUPS, quietRefreshMs: LONG_MS });
      try {
        collector.discover();
        collector.sample();
        collector.discover(); // counts read against the sampled CPU time
        const before = byPath(collector.sample()).get(layout.path)!;
        const procsFile = layout.procs(root);
        writeFileSync(procsFile, `${readFileSync(procsFile, 'latin1')}4242\n`); // one more process
        writeFileSync(layout.limit(root), '77777216\n');
        writeFileSync(layout.memory(root), '7777216\n'); // the reclaim a lowered limit causes
        collector.discover({ refreshConfig: false });
        const quiet = byPath(collector.sample()).get(layout.path)!;
        expect(quiet.processes).toBe(before.processes); // no task ran: the walk did not count again
        expect(quiet.memory.limitBytes).toBe(before.memory.limitBytes); // limits left to inotify
        expect(collector.refreshConfigFiles(layout.path)).toBe(true); // what serve does on the write's event
        const limited = byPath(collector.sample()).get(layout.path)!;
        expect(limited.memory.limitBytes).toBe(77777216);
        // …and the usage is read with it, though the cgroup's CPU time did not move: never the new
        // limit beside the old usage.
        expect(limited.memory.usageBytes).toBe(7777216);
        expect(collector.refreshConfigFiles('/no/such/cgroup')).toBe(false);
        writeFileSync(gateFile, gateText(5000)); // a task ran
        collector.sample();
        collector.discover({ refreshConfig: false });
        expect(byPath(collector.sample()).get(layout.path)!.processes).toBe(before.processes! + 1);
      } finally {
        collector.close();
      }
    });

    it('reads every file at every sample when quiet refresh is off (the default)', () => {
      const root = copyOf(layout.fixture);
      const collector = new Collector({ hostRoot: root, reader, groups: ALL_GROUPS });
      try {
        collector.discover();
        collector.sample();
        writeFileSync(layout.memory(root), '42\n');
        expect(byPath(collector.sample()).get(layout.path)!.memory.usageBytes).toBe(42);
        expect(collector.stats.quietCgroups).toBe(0);
      } finally {
        collector.close();
      }
    });
  });

  it('refuses a negative or infinite period', () => {
    expect(() => new Collector({ hostRoot: fixture('cgroup-v2'), reader, groups: ALL_GROUPS, quietRefreshMs: -5 })).toThrow(/quietRefreshMs must be a finite number ≥ 0, got -5/);
    expect(() => new Collector({ hostRoot: fixture('cgroup-v2'), reader, groups: ALL_GROUPS, quietRefreshMs: Infinity })).toThrow(/got Infinity/);
  });
});

/** The fixture's hierarchy mounts (v2: one; v1: every controller's, named ones too). */
function hierarchyDirs(root: string, layout: Layout): string[] {
  const base = join(root, 'sys/fs/cgroup');
  if (layout.fixture === 'cgroup-v2') return [base];
  return readdirSync(base, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(base, d.name));
}
