// Quiet refresh (CollectorOptions.quietRefreshMs, `serve --quiet-refresh`): a cgroup whose CPU time
// did not move has only that file read; its other files keep their last values until the CPU time
// moves or the refresh period passes. Run on copies of the real kernel fixtures (regular files, so
// the test can change one counter at a time), with both readers.

import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  gate: (root: string) => [file: string, text: (n: number) => string];
  memory: (root: string) => string;
  procs: (root: string) => string;
  limit: (root: string) => string;
}

const V1_PATH = '/docker/5aacd01bb9954993bfff3b1738339116d934bc62d7589f515d57dd78d53bbb83';
const V2_PATH = '/system.slice/docker-376f487bf99250bcc5fc3fe8c25a75d3176d40b0050403f03b4d7d31fd48e7f2.scope';
const layouts: Layout[] = [
  {
    fixture: 'cgroup-v1',
    path: V1_PATH,
    gate: (root) => [join(root, 'sys/fs/cgroup/cpuacct', V1_PATH, 'cpuacct.usage'), (ns) => `${ns}\n`],
    memory: (root) => join(root, 'sys/fs/cgroup/memory', V1_PATH, 'memory.usage_in_bytes'),
    // The first v1 hierarchy holding the cgroup (pids comes first: Collector.homeDir 'procs').
    procs: (root) => join(root, 'sys/fs/cgroup/pids', V1_PATH, 'cgroup.procs'),
    limit: (root) => join(root, 'sys/fs/cgroup/memory', V1_PATH, 'memory.limit_in_bytes'),
  },
  {
    fixture: 'cgroup-v2',
    path: V2_PATH,
    gate: (root) => [join(root, 'sys/fs/cgroup', V2_PATH, 'cpu.stat'),
      (us) => `usage_usec ${us}\nuser_usec 1\nsystem_usec 1\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n`],
    memory: (root) => join(root, 'sys/fs/cgroup', V2_PATH, 'memory.current'),
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

    it('keeps a quiet cgroup\'s values when the batch is laid out again (a cgroup came)', () => {
      const root = copyOf(layout.fixture);
      const collector = new Collector({ hostRoot: root, reader, groups: ALL_GROUPS, quietRefreshMs: LONG_MS });
      try {
        collector.discover();
        const first = byPath(collector.sample()).get(layout.path)!;
        writeFileSync(layout.memory(root), '987654321\n');
        // A new sibling: discovery registers it and the next sample lays the batch out anew.
        for (const dir of hierarchyDirsOf(root, layout)) {
          mkdirSync(join(dir, 'cgm-new'));
          for (const f of readdirSync(join(dir, layout.path.split('/').pop()!), { withFileTypes: true })) {
            if (f.isFile()) cpSync(join(dir, layout.path.split('/').pop()!, f.name), join(dir, 'cgm-new', f.name));
          }
        }
        expect(collector.discover().added.length).toBe(1);
        const after = byPath(collector.sample());
        expect(after.get(layout.path)!.memory.usageBytes).toBe(first.memory.usageBytes);
        expect(after.get(layout.path)!.cpu.usageSeconds).toBe(first.cpu.usageSeconds);
        expect(after.size).toBe(collector.paths().length);
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
        collector.discover({ refreshConfig: false });
        const quiet = byPath(collector.sample()).get(layout.path)!;
        expect(quiet.processes).toBe(before.processes); // no task ran: the walk did not count again
        expect(quiet.memory.limitBytes).toBe(before.memory.limitBytes); // limits left to inotify
        expect(collector.refreshConfigFiles(layout.path)).toBe(true); // what serve does on the write's event
        expect(byPath(collector.sample()).get(layout.path)!.memory.limitBytes).toBe(77777216);
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

/** Hierarchy directories holding the cgroup's parent, where a sibling is made. */
function hierarchyDirsOf(root: string, layout: Layout): string[] {
  const parent = layout.path.split('/').slice(0, -1).join('/');
  const base = join(root, 'sys/fs/cgroup');
  if (layout.fixture === 'cgroup-v2') return [join(base, parent)];
  return ['cpu', 'cpuacct', 'memory', 'blkio', 'pids'].map((c) => join(base, c, parent));
}
