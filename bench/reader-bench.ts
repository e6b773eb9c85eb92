// CPU per cgroup per full v1 sample, for every way of reading the counters, in one run:
// the C floor (pread + strtoull), the native addon, the TS fallback, and a naive
// readFileSync + split parse. Prints ratios to the floor; never fails on timing.
//
// usage: node --import tsx bench/reader-bench.ts [N ...] [--rounds-budget S] [--repeat R]
//   N: cgroups to create (default 100 1000); S: cgroup-samples per measurement (default 40000).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseReader, createFallbackReader, FileFormat, formatSpec, slotCount, type BatchReader, type FormatSpec } from '../native/index.js';
import { BenchCgroups, type Controller } from './bench-cgroups.js';

const BLKIO_KEYS = ['Read', 'Write', 'Sync', 'Async', 'Discard', 'Total'];
const single = formatSpec(FileFormat.Single);
// The v1 file set cgmeter reads per container, with the keys its metrics use.
const FILES: ReadonlyArray<readonly [Controller, string, FormatSpec]> = [
  ['cpuacct', 'cpuacct.usage', single],
  ['cpuacct', 'cpuacct.stat', formatSpec(FileFormat.Keyed, ['user', 'system'])],
  ['cpuacct', 'cpuacct.usage_percpu', formatSpec(FileFormat.List, [], Math.max(cpus().length, 1))],
  ['cpu', 'cpu.stat', formatSpec(FileFormat.Keyed, ['nr_periods', 'nr_throttled', 'throttled_time'])],
  ['cpu', 'cpu.cfs_quota_us', single],
  ['cpu', 'cpu.cfs_period_us', single],
  ['cpu', 'cpu.shares', single],
  ['memory', 'memory.usage_in_bytes', single],
  ['memory', 'memory.limit_in_bytes', single],
  ['memory', 'memory.max_usage_in_bytes', single],
  ['memory', 'memory.failcnt', single],
  ['memory', 'memory.stat', formatSpec(FileFormat.Keyed, [
    'cache', 'rss', 'rss_huge', 'shmem', 'mapped_file', 'swap', 'pgfault', 'pgmajfault', 'inactive_anon', 'active_anon',
    'inactive_file', 'active_file', 'unevictable', 'hierarchical_memory_limit', 'total_cache', 'total_rss', 'total_inactive_file'])],
  ['memory', 'memory.oom_control', formatSpec(FileFormat.Keyed, ['oom_kill_disable', 'under_oom', 'oom_kill'])],
  ['blkio', 'blkio.throttle.io_service_bytes_recursive', formatSpec(FileFormat.DeviceLines, BLKIO_KEYS, 4)],
  ['blkio', 'blkio.throttle.io_serviced_recursive', formatSpec(FileFormat.DeviceLines, BLKIO_KEYS, 4)],
  ['pids', 'pids.current', single],
  ['pids', 'pids.max', single],
  ['pids', 'pids.events', formatSpec(FileFormat.Keyed, ['max'])],
];

interface Options { sizes: number[]; roundsBudget: number; repeat: number }

function parseArgs(argv: string[]): Options {
  const options: Options = { sizes: [], roundsBudget: 40_000, repeat: 3 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => Number(argv[++i]);
    if (arg === '--rounds-budget') options.roundsBudget = value();
    else if (arg === '--repeat') options.repeat = value();
    else if (/^\d+$/.test(arg)) options.sizes.push(Number(arg));
    else throw new Error(`unknown argument ${arg}; usage: reader-bench.ts [N ...] [--rounds-budget S] [--repeat R]`);
  }
  if (options.sizes.length === 0) options.sizes = [100, 1000];
  return options;
}

// Signal handlers only run when the event loop turns: yield every 100 ms so that Ctrl-C cleans
// up promptly. One setImmediate per 100 ms is far below the measurement's noise.
const yieldToSignals = () => new Promise<void>((resolve) => setImmediate(resolve));

/** µs of whole-process CPU (user + sys) per call of fn, over `rounds` calls after a warm-up. */
async function cpuPerRound(rounds: number, fn: () => void): Promise<number> {
  for (let i = 0; i < 3; i++) fn();
  const start = process.cpuUsage();
  let lastYield = performance.now();
  for (let i = 0; i < rounds; i++) {
    fn();
    if (performance.now() - lastYield > 100) {
      await yieldToSignals();
      lastYield = performance.now();
    }
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / rounds;
}

/** One readAll over every fd of the sample; throws if any file failed (the set must be right). */
function batchRound(reader: BatchReader, fds: Int32Array, specIds: Int32Array, offsets: Int32Array, out: Float64Array, errnos: Int32Array): () => void {
  return () => {
    const failures = reader.readAll(fds, specIds, offsets, out, errnos, fds.length);
    if (failures !== 0) throw new Error(`${reader.kind}: ${failures} files failed, first errno ${errnos.find((e) => e !== 0)}`);
  };
}

// What a typical exporter writes: read the file fresh, split, Number(), objects per file.
function naiveParse(text: string, format: FileFormat): unknown {
  switch (format) {
    case FileFormat.Single:
      return text.trim() === 'max' ? Infinity : Number(text.trim());
    case FileFormat.List:
      return text.trim().split(/\s+/).map(Number);
    case FileFormat.DeviceLines: {
      const rows: Record<string, Record<string, number>> = {};
      for (const line of text.split('\n')) {
        const [device, key, value] = line.split(' ');
        if (device && key && value !== undefined) (rows[device] ??= {})[key] = Number(value);
      }
      return rows;
    }
    default: {
      const values: Record<string, number> = {};
      for (const line of text.split('\n')) {
        const [key, value] = line.split(' ');
        if (key) values[key] = Number(value);
      }
      return values;
    }
  }
}

function naiveRound(paths: string[], formats: FileFormat[]): () => void {
  const sink: unknown[] = new Array(paths.length);
  return () => {
    for (let i = 0; i < paths.length; i++) sink[i] = naiveParse(readFileSync(paths[i]!, 'latin1'), formats[i]!);
  };
}

function compileFloor(dir: string): string {
  const binary = join(dir, 'floor');
  const source = join(import.meta.dirname, 'floor.c');
  const cc = spawnSync('cc', ['-O2', '-o', binary, source], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`cc -O2 bench/floor.c failed: ${cc.stderr || cc.error?.message}`);
  return binary;
}

/** The floor runs as a child (its own getrusage), asynchronously so that signals still land. */
let floorChild: ChildProcess | undefined;
function floorPerRound(binary: string, listFile: string, rounds: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [listFile, String(rounds)], { stdio: ['ignore', 'pipe', 'pipe'] });
    floorChild = child;
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      floorChild = undefined;
      const match = /cpu_us_per_round ([\d.]+)/.exec(output);
      if (status !== 0 || !match) reject(new Error(`floor failed (${status}): ${output}`));
      else resolve(Number(match[1]));
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

type Method = 'C floor (pread + strtoull)' | 'native addon' | 'TS fallback' | 'naive readFileSync + split';
const BUDGET: Partial<Record<Method, number>> = { 'native addon': 1.15, 'TS fallback': 1.6 };

async function measure(cgroups: BenchCgroups, n: number, options: Options, floorBinary: string, workDir: string): Promise<Map<Method, number>> {
  cgroups.create(n);
  const paths: string[] = [];
  const specs = FILES.map(([, , spec]) => spec);
  const specIds: number[] = [];
  const offsets: number[] = [];
  let slots = 0;
  for (let i = 0; i < n; i++) {
    FILES.forEach(([controller, file, spec], s) => {
      paths.push(join(cgroups.dir(controller, i), file));
      specIds.push(s);
      offsets.push(slots);
      slots += slotCount(spec);
    });
  }
  const listFile = join(workDir, `paths-${n}.txt`);
  writeFileSync(listFile, paths.join('\n') + '\n');
  const fds = Int32Array.from(paths.map((p) => openSync(p, 'r')));
  try {
    const ids = Int32Array.from(specIds);
    const slotOffsets = Int32Array.from(offsets);
    const out = new Float64Array(slots);
    const errnos = new Int32Array(fds.length);
    const rounds = Math.max(5, Math.ceil(options.roundsBudget / n));
    const formats = specIds.map((s) => specs[s]!.format);
    const runs: Array<[Method, () => Promise<number>]> = [
      ['C floor (pread + strtoull)', () => floorPerRound(floorBinary, listFile, rounds)],
      ['native addon', () => cpuPerRound(rounds, batchRound(chooseReader('native').create(specs), fds, ids, slotOffsets, out, errnos))],
      ['TS fallback', () => cpuPerRound(rounds, batchRound(createFallbackReader(specs), fds, ids, slotOffsets, out, errnos))],
      ['naive readFileSync + split', () => cpuPerRound(rounds, naiveRound(paths, formats))],
    ];
    const samples = new Map<Method, number[]>(runs.map(([m]) => [m, []]));
    // Interleaved repeats, so that drift on this noisy VM hits every method alike.
    for (let r = 0; r < options.repeat; r++) for (const [method, run] of runs) samples.get(method)!.push((await run()) / n);
    console.error(`  N=${n}: ${rounds} rounds x ${options.repeat} repeats, ${fds.length} fds`);
    return new Map([...samples].map(([m, xs]) => [m, median(xs)]));
  } finally {
    for (const fd of fds) closeSync(fd);
    cgroups.removeSync();
  }
}

function printTable(results: Map<number, Map<Method, number>>): void {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`\nmachine: ${cpu}, ${cpus().length} CPUs, Linux ${release()}, Node ${process.version}`);
  console.log(`per cgroup per full sample of ${FILES.length} v1 files; CPU = user + sys; median of interleaved repeats\n`);
  for (const [n, byMethod] of results) {
    const floor = byMethod.get('C floor (pread + strtoull)')!;
    console.log(`N = ${n} cgroups`);
    console.log(`  ${'method'.padEnd(28)} ${'µs CPU/cgroup'.padStart(14)} ${'× floor'.padStart(8)}  budget`);
    for (const [method, us] of byMethod) {
      const ratio = us / floor;
      const budget = BUDGET[method];
      const verdict = budget === undefined ? '' : `≤ ${budget}× ${ratio <= budget ? 'ok' : 'OVER'}`;
      console.log(`  ${method.padEnd(28)} ${us.toFixed(2).padStart(14)} ${ratio.toFixed(2).padStart(8)}  ${verdict}`);
    }
    console.log('');
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const why = BenchCgroups.unavailable();
  if (why !== undefined) {
    console.error(`reader-bench: ${why}; nothing measured`);
    return;
  }
  chooseReader('native'); // fail now, with the loader's reason, if the addon is not built
  const cgroups = new BenchCgroups();
  const workDir = mkdtempSync(join(tmpdir(), 'cgmeter-bench-'));
  const cleanup = () => {
    floorChild?.kill('SIGKILL');
    cgroups.removeSync();
    rmSync(workDir, { recursive: true, force: true });
  };
  // Leave no cgroup or sleeper behind, however the run ends.
  process.on('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanup();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
  try {
    const floorBinary = compileFloor(workDir);
    const results = new Map<number, Map<Method, number>>();
    for (const n of options.sizes) results.set(n, await measure(cgroups, n, options, floorBinary, workDir));
    printTable(results);
  } finally {
    cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(`reader-bench: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
});
