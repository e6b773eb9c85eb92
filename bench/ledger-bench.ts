// Ledger write cost per sample at N containers (default 1,000) and database growth per day, in one
// run. Floor: the same number of single-row upserts (two per container: its hourly rollup and its
// base) into a bare two-column table, in one transaction per tick, on the same disk. Prints ratios
// to the floor; never fails on timing.
//
// Then the recorded Samples (`sample_rounds`, for `cgmeter top --replay`) at 100 and 1,000
// containers of a realistic shape (bench/record-samples.ts): bytes per round per container (key and
// delta rounds), CPU per round, the file's size at the default retention, and the cost of reading a
// round back. Floors: storing the same bodies with a bare INSERT (the SQLite part alone), and the
// size of each round's full JSON deflated (the plain encoding the delta one replaces).
//
// usage: node --import tsx bench/ledger-bench.ts [N] [--ticks T] [--record-only]

import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { Ledger } from '../collector/ledger/ledger.js';
import { KEY_ROUND_EVERY, SampleRecorder } from '../collector/ledger/recorder.js';
import { LedgerHistorySource } from '../collector/ledger/history.js';
import { ReplaySource } from '../dashboard/sources/replay-source.js';
import { DEFAULT_RECORD_INTERVAL, DEFAULT_RECORD_RETENTION, recordSettingsFrom } from '../collector/ledger/attach.js';
import { derive, type Snapshot } from '../collector/model/derive.js';
import type { CgroupSample } from '../collector/model/sample.js';
import { RealisticFleet } from './record-samples.js';

const args = process.argv.slice(2);
const containers = Number(args.find((a) => /^\d+$/.test(a)) ?? 1000);
const ticks = Number(args[args.indexOf('--ticks') + 1] ?? 0) || 300;
const GiB = 1024 ** 3;
const HOUR_MS = 3_600_000;
const host = { cpuCount: 64, memTotalBytes: 512 * GiB, bootId: 'bench' };

// The collector hands out one identity object per cgroup until discovery changes it: so does the bench.
const identities = new Map<string, CgroupSample['identity']>();

function identityOf(path: string, i: number): CgroupSample['identity'] {
  let identity = identities.get(path);
  if (!identity) {
    const id = i.toString(16).padStart(8, '0') + 'c'.repeat(56);
    identity = path === '/' ? { runtime: 'raw', id: '/', name: '/', labels: {}, kind: 'cgroup' }
      : { runtime: 'docker', id, name: `svc-${i % 50}-${i}`, image: `registry.example/team-${i % 7}/app:${i % 3}`, labels: { team: `t${i % 7}`, tier: 'web' }, kind: 'container' };
    identities.set(path, identity);
  }
  return identity;
}

function sample(path: string, i: number, tick: number, t: number, inode = 10_000 + i): CgroupSample {
  return {
    path, inode, timestampMs: t, monotonicMs: t - 1.7e12, createdMs: 1,
    identity: identityOf(path, i),
    cpu: { usageSeconds: tick * 0.25 + i, quotaUs: i % 2 ? 50_000 : Infinity, periodUs: 100_000 },
    memory: { usageBytes: 200e6 + (tick % 10) * 1e5, workingSetBytes: 150e6, limitBytes: i % 2 ? GiB : Infinity },
    blockIo: [{ major: 254, minor: 0, readBytes: tick * 4096, writeBytes: tick * 8192, readOps: tick, writeOps: tick * 2 },
      { major: 254, minor: 16, readBytes: 0, writeBytes: tick * 512, readOps: 0, writeOps: tick }],
    pids: {}, pressure: {},
    network: i % 3 === 0 ? { netnsInode: 4_000_000 + i, interfaces: [{ name: 'eth0', rxBytes: tick * 1500, rxPackets: tick, rxErrors: 0, rxDropped: 0, txBytes: tick * 700, txPackets: tick, txErrors: 0, txDropped: 0 }] } : undefined,
  };
}

function tickSnapshots(tick: number, t: number, generation = 0): Snapshot[] {
  const out: Snapshot[] = [derive(sample('/', 0, tick, t, 1))];
  for (let i = 0; i < containers; i++) out.push(derive(sample(`/docker/g${generation}-${i}`, i + generation * containers, tick, t)));
  return out;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Bytes this process passed to write(2) so far (the WAL appends), from /proc/self/io. */
function writtenBytes(): number {
  try {
    return Number(/^wchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'latin1'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

let walBytesPerTick = NaN;

function measureLedger(dir: string): { wallUs: number[]; cpuUs: number[] } {
  const ledger = new Ledger({ path: join(dir, 'write.db'), retentionMs: 90 * 24 * HOUR_MS, host });
  const t0 = Math.floor(Date.now() / HOUR_MS) * HOUR_MS + 60_000;
  ledger.record(tickSnapshots(0, t0));
  const wallUs: number[] = [];
  const cpuUs: number[] = [];
  const writtenBefore = writtenBytes();
  for (let k = 1; k <= ticks; k++) {
    // Built outside the timed region, one tick at a time as the collector does: the bench measures
    // the ledger, not the fake collector (and holds no heap of old ticks for the GC to walk).
    const snapshots = tickSnapshots(k, t0 + k * 1000);
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    ledger.record(snapshots);
    wallUs.push(Number(process.hrtime.bigint() - start) / 1000);
    const used = process.cpuUsage(cpu);
    cpuUs.push(used.user + used.system);
  }
  walBytesPerTick = (writtenBytes() - writtenBefore) / ticks;
  ledger.close();
  return { wallUs, cpuUs };
}

function measureFloor(dir: string): { wallUs: number[]; cpuUs: number[] } {
  const db = new Database(join(dir, 'floor.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v REAL)');
  const upsert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = v + excluded.v');
  const write = db.transaction((k: number) => {
    for (let i = 0; i < 2 * (containers + 1); i++) upsert.run(i, k);
  });
  write(0);
  const wallUs: number[] = [];
  const cpuUs: number[] = [];
  for (let k = 1; k <= ticks; k++) {
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    write(k);
    wallUs.push(Number(process.hrtime.bigint() - start) / 1000);
    const used = process.cpuUsage(cpu);
    cpuUs.push(used.user + used.system);
  }
  db.close();
  return { wallUs, cpuUs };
}

/** Bytes per day: steady containers, and with every container replaced each hour (churn). */
function growthPerDay(dir: string, churn: boolean): number {
  const path = join(dir, churn ? 'growth-churn.db' : 'growth.db');
  const ledger = new Ledger({ path, retentionMs: 90 * 24 * HOUR_MS, host });
  const t0 = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const size = () => {
    ledger.db.pragma('wal_checkpoint(TRUNCATE)');
    return statSync(path).size;
  };
  const hoursMeasured = 6;
  let sizeAfterFirstHour = 0;
  let tick = 0;
  for (let h = 0; h <= hoursMeasured; h++) {
    // Three readings per hour make the same rows as 3,600: a rollup row per container and hour.
    for (const offset of [1000, 2000, HOUR_MS / 2]) ledger.record(tickSnapshots(tick++, t0 + h * HOUR_MS + offset, churn ? h : 0));
    if (h === 0) sizeAfterFirstHour = size();
  }
  const perHour = (size() - sizeAfterFirstHour) / hoursMeasured;
  ledger.close();
  return perHour * 24;
}

interface RecordingFigures {
  readonly containers: number;
  readonly rounds: number;
  readonly keyBytesPerContainer: number;
  readonly deltaBytesPerContainer: number;
  readonly meanBytesPerContainer: number;
  readonly plainBytesPerContainer: number;
  readonly cpuMsPerRound: number;
  readonly floorCpuMsPerRound: number;
  readonly plainCpuMsPerRound: number;
  readonly fileBytesPerRound: number;
  readonly chainReadMs: number;
  readonly stepReadMs: number;
  readonly jumpMs: number;
  readonly stepBackMs: number;
}

/** Records 2 chains + 1 round of `n` containers through a real ledger file, then reads them back. */
function measureRecording(dir: string, n: number): RecordingFigures {
  const settings = recordSettingsFrom(DEFAULT_RECORD_INTERVAL, DEFAULT_RECORD_RETENTION)!;
  const path = join(dir, `record-${n}.db`);
  const ledger = new Ledger({ path, retentionMs: 90 * 24 * HOUR_MS, host });
  const recorder = new SampleRecorder(ledger.db, settings);
  const fleet = new RealisticFleet(n);
  const rounds = 2 * KEY_ROUND_EVERY + 1;
  const t0 = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const bodies: Buffer[] = [];
  let cpuUs = 0;
  let keyBytes = 0;
  let keys = 0;
  let deltaBytes = 0;
  let plainBytes = 0;
  let plainUs = 0;
  const sizeOf = () => {
    ledger.db.pragma('wal_checkpoint(TRUNCATE)');
    return statSync(path).size;
  };
  const sizeBefore = sizeOf();
  for (let k = 0; k < rounds; k++) {
    const t = t0 + k * settings.intervalMs;
    const samples = fleet.round(t, settings.intervalMs / 1000);
    const snapshots = samples.map((s) => derive(s));
    const cpu = process.cpuUsage();
    const stats = recorder.record(snapshots)!;
    const used = process.cpuUsage(cpu);
    cpuUs += used.user + used.system;
    if (stats.key) {
      keyBytes += stats.bytes;
      keys++;
    } else {
      deltaBytes += stats.bytes;
    }
    const plainCpu = process.cpuUsage();
    plainBytes += deflateRawSync(JSON.stringify(samples)).length;
    const plainUsed = process.cpuUsage(plainCpu);
    plainUs += plainUsed.user + plainUsed.system;
    bodies.push(ledger.db.prepare('SELECT body FROM sample_rounds WHERE round_ms = ?').pluck().get(t) as Buffer);
  }
  const fileBytesPerRound = (sizeOf() - sizeBefore) / rounds;
  ledger.close();

  // Floor: the same bodies, one bare INSERT each in its own transaction.
  const floor = new Database(join(dir, `record-floor-${n}.db`));
  floor.pragma('journal_mode = WAL');
  floor.pragma('synchronous = NORMAL');
  floor.exec('CREATE TABLE r (t INTEGER PRIMARY KEY, b BLOB)');
  const insert = floor.prepare('INSERT INTO r (t, b) VALUES (?, ?)');
  let floorUs = 0;
  bodies.forEach((body, k) => {
    const cpu = process.cpuUsage();
    floor.transaction(() => insert.run(k, body))();
    const used = process.cpuUsage(cpu);
    floorUs += used.user + used.system;
  });
  floor.close();

  // Reading back: the last but one round of a chain from nothing (29 rows from its key round),
  // then the last one (one row on from the round kept decoded).
  const history = LedgerHistorySource.open(path);
  const lastOfChain = t0 + (KEY_ROUND_EVERY - 1) * settings.intervalMs;
  let started = performance.now();
  const got = history.samplesAt(lastOfChain - settings.intervalMs);
  const chainReadMs = performance.now() - started;
  if (got.length !== n) throw new Error(`read back ${got.length} Samples, expected ${n}`);
  started = performance.now();
  history.samplesAt(lastOfChain);
  const stepReadMs = performance.now() - started;
  history.close();

  // What `cgmeter top --replay` does with it: a jump to the last round refills the charts with the
  // 30 rounds before it (decode, then derive() every Snapshot); a step back does it again.
  const replay = new ReplaySource(LedgerHistorySource.open(path), t0 + (rounds - 1) * settings.intervalMs, 1000, 30);
  started = performance.now();
  replay.start({ frames: () => {}, error: (message) => { throw new Error(message); } });
  const jumpMs = performance.now() - started;
  started = performance.now();
  for (let i = 0; i < 3; i++) replay.step(-1);
  const stepBackMs = (performance.now() - started) / 3;
  replay.stop();
  return {
    containers: n, rounds,
    keyBytesPerContainer: keyBytes / keys / n,
    deltaBytesPerContainer: deltaBytes / (rounds - keys) / n,
    meanBytesPerContainer: (keyBytes + deltaBytes) / rounds / n,
    plainBytesPerContainer: plainBytes / rounds / n,
    cpuMsPerRound: cpuUs / rounds / 1000,
    floorCpuMsPerRound: floorUs / rounds / 1000,
    plainCpuMsPerRound: plainUs / rounds / 1000,
    fileBytesPerRound,
    chainReadMs,
    stepReadMs,
    jumpMs,
    stepBackMs,
  };
}

function printRecording(figures: readonly RecordingFigures[]): void {
  const settings = recordSettingsFrom(DEFAULT_RECORD_INTERVAL, DEFAULT_RECORD_RETENTION)!;
  const retainedRounds = settings.retentionMs / settings.intervalMs;
  console.log(`recorded Samples (sample_rounds): a round every ${settings.intervalMs / 1000} s, kept ${settings.retentionMs / HOUR_MS} h (${retainedRounds} rounds), a key round every ${KEY_ROUND_EVERY}:`);
  for (const f of figures) {
    console.log(`  ${f.containers} containers: ${f.meanBytesPerContainer.toFixed(1)} B per container per round (key ${f.keyBytesPerContainer.toFixed(0)}, delta ${f.deltaBytesPerContainer.toFixed(1)}); `
      + `full JSON deflated would be ${f.plainBytesPerContainer.toFixed(0)} B (${(f.meanBytesPerContainer / f.plainBytesPerContainer).toFixed(2)}×)`);
    console.log(`    write: ${f.cpuMsPerRound.toFixed(2)} ms CPU per round (${(f.cpuMsPerRound * 1000 / f.containers).toFixed(1)} µs per container; ${(f.cpuMsPerRound / (settings.intervalMs / 100)).toFixed(3)}% of one core), `
      + `${(f.cpuMsPerRound / f.plainCpuMsPerRound).toFixed(2)}× deflating the full JSON (${f.plainCpuMsPerRound.toFixed(2)} ms); the INSERT alone ${f.floorCpuMsPerRound.toFixed(2)} ms`);
    console.log(`    file: ${(f.fileBytesPerRound / 1024).toFixed(1)} KiB per round on disk → ${(f.fileBytesPerRound * retainedRounds / 1e6).toFixed(1)} MB at the default retention`);
    console.log(`    read: a round from its key round (${KEY_ROUND_EVERY - 1} rows) ${f.chainReadMs.toFixed(1)} ms, one step on ${f.stepReadMs.toFixed(1)} ms; `
      + `replay: a jump (charts refilled with 30 rounds) ${f.jumpMs.toFixed(0)} ms, a step back ${f.stepBackMs.toFixed(0)} ms`);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'cgmeter-ledger-bench-'));
try {
  if (!args.includes('--record-only')) measureBilling();
  printRecording([measureRecording(dir, 100), measureRecording(dir, 1000)]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function measureBilling(): void {
  const ledger = measureLedger(dir);
  const floor = measureFloor(dir);
  const summary = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return { median: quantile(s, 0.5), p95: quantile(s, 0.95), mean: xs.reduce((a, b) => a + b, 0) / xs.length };
  };
  const lw = summary(ledger.wallUs);
  const lc = summary(ledger.cpuUs);
  const fw = summary(floor.wallUs);
  const fc = summary(floor.cpuUs);
  const steady = growthPerDay(dir, false);
  const churned = growthPerDay(dir, true);
  const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
  console.log(`ledger write per sample, ${containers} containers, ${ticks} ticks (${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}, Linux ${release()}, Node ${process.versions.node}):`);
  console.log(`  ledger: wall median ${(lw.median / 1000).toFixed(2)} ms, p95 ${(lw.p95 / 1000).toFixed(2)} ms; CPU mean ${(lc.mean / 1000).toFixed(2)} ms = ${(lc.mean / containers).toFixed(1)} µs per container`);
  console.log(`  floor (${2 * (containers + 1)} bare upserts): wall median ${(fw.median / 1000).toFixed(2)} ms; CPU mean ${(fc.mean / 1000).toFixed(2)} ms`);
  console.log(`  ratio to floor: wall ${(lw.median / fw.median).toFixed(2)}×, CPU ${(lc.mean / fc.mean).toFixed(2)}×`);
  console.log(`  at one sample a second: ${(lc.mean / 1e4).toFixed(2)}% of one core; ${(walBytesPerTick / 1024).toFixed(0)} KiB appended to the WAL per sample (${(walBytesPerTick * 86_400 / 1e9).toFixed(1)} GB/day before the page cache absorbs rewrites)`);
  console.log(`database growth per day, ${containers} containers: ${mb(steady)} steady; ${mb(churned)} with every container replaced hourly`);
  console.log(`  → 90 days retained: about ${mb(steady * 90)} steady, ${mb(churned * 90)} with hourly churn`);
}
