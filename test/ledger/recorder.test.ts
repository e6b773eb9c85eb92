// Recorded Samples in a real ledger file: the cadence, the export filter, chains of key and delta
// rounds, retention by whole chains, a failed write, the wall clock going back, a restart, schema
// migration of a version-1 file, and LedgerHistorySource reading it all back (also while the
// writer goes on writing, as `cgmeter top --replay` does next to a running serve).
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Ledger } from '../../collector/ledger/ledger.js';
import { KEY_ROUND_EVERY, SampleRecorder, type RecordSettings } from '../../collector/ledger/recorder.js';
import { LedgerHistorySource } from '../../collector/ledger/history.js';
import { openLedgerReadOnly, SCHEMA_VERSION } from '../../collector/ledger/schema.js';
import { loadLedgerUsage } from '../../exporters/billing/ledger-source.js';
import { derive } from '../../collector/model/derive.js';
import type { CgroupSample } from '../../collector/model/sample.js';
import { RealisticFleet } from '../../bench/record-samples.js';
import { fakeSample, snapshotsOf, TEST_HOST, hexId } from './fake-samples.js';

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const RECORD: RecordSettings = { intervalMs: 10_000, retentionMs: 3_600_000 };
const dirs: string[] = [];
const closers: Array<{ close(): void }> = [];

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cgmeter-record-'));
  dirs.push(dir);
  return join(dir, 'ledger.db');
}

function openLedger(path: string): Ledger {
  const ledger = new Ledger({ path, retentionMs: 90 * 86_400_000, host: TEST_HOST });
  closers.push(ledger);
  return ledger;
}

function openHistory(path: string): LedgerHistorySource {
  const history = LedgerHistorySource.open(path);
  closers.push(history);
  return history;
}

afterEach(() => {
  for (const c of closers.splice(0).reverse()) c.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const A = `/docker/${hexId('a')}`;
const B = `/docker/${hexId('b')}`;

/** The root, container A, container B (from tick 5 on) and a non-container cgroup, read at t. */
function tick(t: number, k: number): CgroupSample[] {
  return [
    fakeSample({ path: '/', timestampMs: t, inode: 1, cpuSeconds: 100 + k * 1.5, memoryBytes: 4e9 }),
    fakeSample({ path: A, timestampMs: t, inode: 10, cpuSeconds: k * 0.5, memoryBytes: 200e6 + k * 4096, quotaUs: 50_000, netnsInode: 77, rxBytes: k * 1500 }),
    ...(k >= 5 ? [fakeSample({ path: B, timestampMs: t, inode: 11, cpuSeconds: (k - 5) * 0.25, memoryBytes: 50e6 })] : []),
    fakeSample({ path: '/system.slice/cron.service', timestampMs: t, inode: 12, kind: 'cgroup', cpuSeconds: k * 0.001 }),
  ];
}

/** JSON form with "max" for Infinity, as --once --json prints: what a reader compares. */
const json = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x) => (x === Infinity ? 'max' : x)));

describe('recording Samples in the ledger', () => {
  it('records the first tick of every interval, only what the filter passes, and reads it back exactly', () => {
    const path = tempPath();
    const ledger = openLedger(path);
    const exported = (s: { sample: CgroupSample }) => s.sample.identity.kind === 'container' || s.sample.path === '/';
    const recorder = new SampleRecorder(ledger.db, RECORD, exported);
    const recorded = new Map<number, CgroupSample[]>();
    // One tick a second (with some jitter) for 3 minutes: rounds on the 10 s grid.
    for (let k = 0; k < 180; k++) {
      const t = T0 + k * 1000 + (k % 3) * 7;
      const samples = tick(t, k);
      const snapshots = snapshotsOf(samples);
      ledger.record(snapshots);
      const stats = recorder.record(snapshots);
      if (stats) recorded.set(stats.roundMs, samples.filter((s) => s.path !== '/system.slice/cron.service'));
      if (stats) expect(stats).toMatchObject({ roundMs: t, cgroups: k >= 5 ? 3 : 2, key: (recorded.size - 1) % KEY_ROUND_EVERY === 0 });
    }
    expect([...recorded.keys()]).toEqual(Array.from({ length: 18 }, (_, i) => T0 + i * 10_000 + ((i * 10) % 3) * 7));
    const history = openHistory(path);
    const times = [...recorded.keys()];
    expect(history.bounds()).toEqual({ firstMs: times[0], lastMs: times[17] });
    expect(history.recordIntervalMs()).toBe(10_000);
    expect(history.roundsAfter(times[3]!, 2)).toEqual([times[4], times[5]]);
    expect(history.roundsAfter(times[3]! - 1, 1)).toEqual([times[3]]);
    expect(history.roundsAtOrBefore(times[3]!, 2)).toEqual([times[2], times[3]]);
    expect(history.roundsAtOrBefore(times[3]! - 1, 5)).toEqual([times[0], times[1], times[2]]);
    expect(history.roundsAtOrBefore(T0 - 1, 5)).toEqual([]);
    expect(history.roundsAfter(times[17]!, 5)).toEqual([]);
    // In time order (each a step from the last), then backwards and at random (each from its key round).
    const order = [...times, ...[...times].reverse(), times[9], times[2], times[16], times[0]];
    for (const t of order) expect(json(history.samplesAt(t!))).toEqual(json(recorded.get(t!)));
    // Exactly: Infinity stays Infinity, not "max"; numbers to the bit.
    const a = history.samplesAt(times[7]!).find((s) => s.path === A)!;
    expect(a.memory.limitBytes).toBe(Infinity);
    expect(a.cpu.usageSeconds).toBe(recorded.get(times[7]!)!.find((s) => s.path === A)!.cpu.usageSeconds);
    expect(history.samplesAt(times[7]! + 1)).toEqual([]);
    // Rates come back from derive() over two recorded rounds: A used 0.5 core.
    const previous = history.samplesAt(times[6]!).find((s) => s.path === A)!;
    expect(derive(a, previous).cpu.coresUsed).toBeCloseTo(5 / ((times[7]! - times[6]!) / 1000), 9);
  });

  it('keeps whole chains within retention, and each kept round reads back', () => {
    const path = tempPath();
    const ledger = openLedger(path);
    const recorder = new SampleRecorder(ledger.db, { intervalMs: 1000, retentionMs: 45_000 });
    const samples = new Map<number, CgroupSample[]>();
    let pruned = 0;
    for (let k = 0; k < 200; k++) {
      const t = T0 + k * 1000;
      const round = tick(t, k);
      samples.set(t, round);
      pruned += recorder.record(snapshotsOf(round))!.pruned;
    }
    const rows = ledger.db.prepare('SELECT round_ms, key_ms FROM sample_rounds ORDER BY round_ms').all() as Array<{ round_ms: number; key_ms: number }>;
    expect(pruned + rows.length).toBe(200);
    const last = T0 + 199_000;
    // Everything within 45 s is kept, and at most the chain that crosses the cutoff besides.
    expect(rows[0]!.round_ms).toBeLessThanOrEqual(last - 45_000);
    expect(rows[0]!.round_ms).toBeGreaterThan(last - 45_000 - KEY_ROUND_EVERY * 1000);
    expect(rows[0]!.key_ms).toBe(rows[0]!.round_ms); // the oldest row is a key round: nothing undecodable
    const history = openHistory(path);
    for (const { round_ms } of rows) expect(json(history.samplesAt(round_ms))).toEqual(json(samples.get(round_ms)));
  });

  it('starts a new chain after a failed write, and when the wall clock went back', () => {
    const path = tempPath();
    const ledger = openLedger(path);
    const recorder = new SampleRecorder(ledger.db, RECORD);
    const record = (k: number, t = T0 + k * 10_000) => recorder.record(snapshotsOf(tick(t, k)));
    expect(record(0)!.key).toBe(true);
    expect(record(1)!.key).toBe(false);
    ledger.db.exec(`CREATE TEMP TRIGGER full BEFORE INSERT ON sample_rounds BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    expect(() => record(2)).toThrow(/disk is full/);
    // Not retried on every tick of the same interval.
    expect(recorder.record(snapshotsOf(tick(T0 + 20_500, 2)))).toBeUndefined();
    ledger.db.exec('DROP TRIGGER full');
    expect(record(3)).toMatchObject({ key: true, roundMs: T0 + 30_000 });
    expect(record(4)!.key).toBe(false);
    // A reader has the round at +30 s decoded (and kept).
    const history = openHistory(path);
    expect(history.samplesAt(T0 + 30_000)).toHaveLength(3);
    // The clock is set back by 25 s: the rounds from there on are gone, a new chain starts.
    const back = record(5, T0 + 15_000)!;
    expect(back).toMatchObject({ key: true, pruned: 2 });
    expect(history.roundsAfter(0, 10)).toEqual([T0, T0 + 10_000, T0 + 15_000]);
    for (const t of history.roundsAfter(0, 10)) expect(history.samplesAt(t)).toHaveLength(t === T0 + 15_000 ? 4 : 3);
    // +30 s is written again, in the new chain: the reader gives the new round, not the one it kept.
    expect(record(6, T0 + 30_000)).toMatchObject({ key: false });
    expect(json(history.samplesAt(T0 + 30_000))).toEqual(json(tick(T0 + 30_000, 6)));
  });

  it('resumes after a restart with a key round, recording nothing twice within an interval', () => {
    const path = tempPath();
    let ledger = openLedger(path);
    let recorder = new SampleRecorder(ledger.db, RECORD);
    recorder.record(snapshotsOf(tick(T0, 0)));
    recorder.record(snapshotsOf(tick(T0 + 10_000, 1)));
    ledger.close();
    ledger = openLedger(path);
    recorder = new SampleRecorder(ledger.db, RECORD);
    expect(recorder.record(snapshotsOf(tick(T0 + 12_000, 1)))).toBeUndefined();
    expect(recorder.record(snapshotsOf(tick(T0 + 20_000, 2)))).toMatchObject({ key: true });
    const history = openHistory(path);
    expect(history.roundsAfter(0, 10)).toEqual([T0, T0 + 10_000, T0 + 20_000]);
    expect(history.samplesAt(T0 + 10_000).map((s) => s.path)).toEqual(['/', A, '/system.slice/cron.service']);
  });

  it('is read while it is written (WAL): a reader sees each new round once it committed', () => {
    const path = tempPath();
    const ledger = openLedger(path);
    const recorder = new SampleRecorder(ledger.db, RECORD);
    const fleet = new RealisticFleet(50);
    const rounds: CgroupSample[][] = [];
    const write = (k: number) => {
      rounds.push(fleet.round(T0 + k * 10_000, 10));
      recorder.record(rounds[k]!.map((s) => derive(s)));
    };
    write(0);
    const history = openHistory(path);
    for (let k = 1; k < 40; k++) {
      write(k);
      const t = T0 + k * 10_000;
      expect(history.bounds()!.lastMs).toBe(t);
      expect(json(history.samplesAt(t))).toEqual(json(rounds[k]));
    }
  });
});

describe('schema version 2: migration and readers', () => {
  /** A file as cgmeter with schema version 1 left it: the billing tables, no sample_rounds. */
  function versionOneLedger(path: string): void {
    const ledger = new Ledger({ path, retentionMs: 90 * 86_400_000, host: TEST_HOST });
    ledger.record(snapshotsOf(tick(T0, 0)));
    ledger.record(snapshotsOf(tick(T0 + 1000, 1)));
    ledger.db.exec(`DROP TABLE sample_rounds; UPDATE meta SET value = '1' WHERE key = 'schema_version'`);
    ledger.close();
  }

  it('migrates a version-1 file in place when the writer opens it; bills and replays from it', () => {
    const path = tempPath();
    versionOneLedger(path);
    // Before serve migrated it: the billing reader reads it, replay says why there is nothing.
    expect(loadLedgerUsage(path, T0 - 3_600_000, T0 + 3_600_000).containers.size).toBe(1);
    expect(() => LedgerHistorySource.open(path)).toThrow(/written by an older cgmeter serve, which recorded no Samples/);
    const ledger = openLedger(path);
    const recorder = new SampleRecorder(ledger.db, RECORD);
    ledger.record(snapshotsOf(tick(T0 + 2000, 2)));
    recorder.record(snapshotsOf(tick(T0 + 2000, 2)));
    expect(ledger.db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).pluck().get()).toBe(String(SCHEMA_VERSION));
    // The rollups written before the migration are still there, and go on.
    const usage = loadLedgerUsage(path, T0 - 3_600_000, T0 + 3_600_000);
    expect([...usage.containers.values()].map((c) => c.cgroupPath)).toEqual([A]);
    expect(usage.usage.reduce((sum, u) => sum + u.usage.cpuCoreSeconds, 0)).toBeCloseTo(1.0, 9);
    expect(openHistory(path).samplesAt(T0 + 2000)).toHaveLength(3);
  });

  it('refuses a file of a newer schema, and a file that is no ledger, saying so', () => {
    const path = tempPath();
    openLedger(path).close();
    const db = new Database(path);
    db.prepare(`UPDATE meta SET value = '99' WHERE key = 'schema_version'`).run();
    db.close();
    expect(() => new Ledger({ path, retentionMs: 86_400_000, host: TEST_HOST })).toThrow(/schema version 99; this cgmeter reads versions 1 to 2/);
    expect(() => openLedgerReadOnly(path)).toThrow(/not a cgmeter ledger of schema version 1 to 2 \(found 99\)/);
    expect(() => LedgerHistorySource.open(path)).toThrow(/found 99/);
    const text = join(dirs[0]!, 'notes.txt');
    writeFileSync(text, 'not a database, just text that is long enough to have a header of sixteen bytes\n');
    expect(() => LedgerHistorySource.open(text)).toThrow(/not a cgmeter ledger .*found none/);
    expect(() => LedgerHistorySource.open(join(dirs[0]!, 'absent.db'))).toThrow(/no ledger at .*absent\.db/);
  });
});
