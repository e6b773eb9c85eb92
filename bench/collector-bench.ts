// Whole-collector cost: CPU µs per cgroup per full sample (batch read + parse + Sample
// assembly + derive) for N real cgroups, with the native reader and the TypeScript fallback.
// Run: node --import tsx bench/collector-bench.ts [N…]   (root; creates and removes its cgroups)

import { mkdirSync, writeFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { Collector, ALL_GROUPS } from '../collector/poller.js';
import { derive } from '../collector/model/derive.js';
import { loadNative } from '../native/index.js';
import { createTestCgroup, destroyAllTestCgroups } from '../test/helpers/kernel.js';
import type { CgroupSample } from '../collector/model/sample.js';

export interface CollectorBenchRow {
  cgroups: number;
  reader: 'native' | 'fallback';
  filesPerCgroup: number;
  cpuMicrosPerCgroupSample: number;
  /** The batch read + parse alone (the reader's share of the above). */
  readCpuMicrosPerCgroupSample: number;
  discoveryMs: number;
}

function measure(reader: 'native' | 'fallback', prefix: string, rounds: number): CollectorBenchRow {
  const collector = new Collector({ hostRoot: '/', reader, groups: ALL_GROUPS });
  try {
    const t0 = performance.now();
    collector.discover();
    const discoveryMs = performance.now() - t0;
    const tracked = collector.paths().filter((p) => p.startsWith(prefix)).length;
    let previous = new Map<string, CgroupSample>();
    for (let i = 0; i < 3; i++) previous = new Map(collector.sample().map((s) => [s.path, s])); // warm up
    const before = process.cpuUsage();
    let readMicros = 0;
    for (let i = 0; i < rounds; i++) {
      const samples = collector.sample();
      readMicros += collector.stats.lastReadCpuMicros;
      for (const s of samples) derive(s, previous.get(s.path));
      previous = new Map(samples.map((s) => [s.path, s]));
    }
    const used = process.cpuUsage(before);
    const all = collector.paths().length;
    return {
      cgroups: tracked,
      reader,
      filesPerCgroup: collector.stats.openFds / all,
      cpuMicrosPerCgroupSample: (used.user + used.system) / rounds / all,
      readCpuMicrosPerCgroupSample: readMicros / rounds / all,
      discoveryMs,
    };
  } finally {
    collector.close();
  }
}

export async function runCollectorBench(sizes: number[]): Promise<CollectorBenchRow[]> {
  const rows: CollectorBenchRow[] = [];
  const sleepers: ChildProcess[] = [];
  const readers = (['native', 'fallback'] as const).filter((r) => r === 'fallback' || !(loadNative() instanceof Error));
  try {
    for (const n of sizes) {
      const parent = createTestCgroup('bench', { controllers: ['cpu', 'memory', 'io', 'pids'], prefix: 'cgmeter-bench' });
      for (let i = 0; i < n; i++) for (const dir of parent.dirs()) mkdirSync(`${dir}/c${i}`);
      // One in ten holds a process, so cgroup.procs and pids are not all empty.
      for (let i = 0; i < n; i += 10) {
        const child = spawn('sleep', ['600'], { stdio: 'ignore' });
        sleepers.push(child);
        for (const dir of parent.dirs()) writeFileSync(`${dir}/c${i}/cgroup.procs`, String(child.pid));
      }
      const rounds = n >= 1000 ? 30 : 200;
      for (const reader of readers) rows.push(measure(reader, parent.path, rounds));
      for (const s of sleepers.splice(0)) s.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 200));
      await parent.destroy();
    }
  } finally {
    for (const s of sleepers) s.kill('SIGKILL');
    await destroyAllTestCgroups();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const rows = await runCollectorBench(sizes.length ? sizes : [100, 1000]);
  console.log('cgroups  reader    files/cgroup  µs/cgroup/sample: whole  of which read+parse  discovery ms');
  for (const r of rows) {
    console.log(`${String(r.cgroups).padStart(7)}  ${r.reader.padEnd(8)}  ${r.filesPerCgroup.toFixed(1).padStart(12)}  ${r.cpuMicrosPerCgroupSample.toFixed(1).padStart(23)}  ${r.readCpuMicrosPerCgroupSample.toFixed(1).padStart(19)}  ${r.discoveryMs.toFixed(0).padStart(12)}`);
  }
}
