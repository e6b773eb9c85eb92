import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger } from '../../collector/ledger/ledger.js';
import { LedgerLockedError } from '../../collector/ledger/schema.js';
import { HOUR_MS } from '../../collector/ledger/buckets.js';
import { fakeSample, snapshotsOf, TEST_HOST, hexId, MiB, type FakeReading } from './fake-samples.js';

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const dirs: string[] = [];
const open: Ledger[] = [];

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cgmeter-ledger-'));
  dirs.push(dir);
  return join(dir, 'ledger.db');
}

function newLedger(path = tempPath(), host = TEST_HOST): Ledger {
  const ledger = new Ledger({ path, retentionMs: 90 * 24 * HOUR_MS, host });
  open.push(ledger);
  return ledger;
}

afterEach(() => {
  for (const l of open.splice(0)) l.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const A = `/docker/${hexId('a')}`;
const B = `/docker/${hexId('b')}`;

/** One tick: root plus containers, all read at `t`. */
function tick(ledger: Ledger, t: number, containers: Array<Omit<FakeReading, 'timestampMs'>>, rootCpu = t / 1000, gone: FakeReading[] = []) {
  const samples = [fakeSample({ path: '/', timestampMs: t, inode: 1, cpuSeconds: rootCpu, memoryBytes: 4 * 1024 * MiB, cpusetCpus: '0-1' }),
    ...containers.map((r) => fakeSample({ ...r, timestampMs: t }))];
  return ledger.record(snapshotsOf(samples), gone.map(fakeSample));
}

function totals(ledger: Ledger): Record<string, { cpu: number; alive: number; mem: number; samples: number }> {
  const rows = ledger.db.prepare(`SELECT c.container_id id, sum(u.cpu_core_s) cpu, sum(u.alive_s) alive, sum(u.mem_byte_s) mem, sum(u.samples) samples
    FROM usage_hourly u JOIN containers c ON c.key = u.container_key GROUP BY c.key`).all() as Array<{ id: string; cpu: number; alive: number; mem: number; samples: number }>;
  return Object.fromEntries(rows.map((r) => [r.id, { cpu: r.cpu, alive: r.alive, mem: r.mem, samples: r.samples }]));
}

describe('Ledger', () => {
  it('starts containers that predate it from their first reading, and integrates the rest', () => {
    const ledger = newLedger();
    tick(ledger, T0, [{ path: A, createdMs: T0 - 3600_000, cpuSeconds: 500, memoryBytes: 10 * MiB }]);
    tick(ledger, T0 + 1000, [{ path: A, createdMs: T0 - 3600_000, cpuSeconds: 500.5, memoryBytes: 10 * MiB }]);
    tick(ledger, T0 + 2000, [{ path: A, createdMs: T0 - 3600_000, cpuSeconds: 501, memoryBytes: 30 * MiB }]);
    const t = totals(ledger)[hexId('a')]!;
    expect(t.cpu).toBe(1);
    expect(t.alive).toBe(2);
    expect(t.mem).toBe(10 * MiB + 20 * MiB);
    const host = ledger.db.prepare('SELECT sum(covered_s) s, sum(cpu_capacity_core_s) cap, sum(cpu_core_s) cpu FROM host_hourly').get() as Record<string, number>;
    expect(host).toEqual({ s: 2, cap: 4, cpu: 2 });
  });

  it('bills a container born after the ledger started from its creation, even seen once', () => {
    const ledger = newLedger();
    tick(ledger, T0, []);
    // Made at T0+200 ms, read once at T0+1000, gone before T0+2000.
    tick(ledger, T0 + 1000, [{ path: B, createdMs: T0 + 200, cpuSeconds: 0.3, memoryBytes: 8 * MiB }]);
    const stats = tick(ledger, T0 + 2000, [], (T0 + 2000) / 1000, [{ path: B, timestampMs: T0 + 1000, createdMs: T0 + 200 }]);
    expect(stats.ended).toBe(1);
    const t = totals(ledger)[hexId('b')]!;
    expect(t.cpu).toBe(0.3);
    expect(t.alive).toBeCloseTo(0.8, 9);
    const row = ledger.db.prepare('SELECT from_creation, ended_ms, created_ms FROM containers').get();
    expect(row).toEqual({ from_creation: 1, ended_ms: T0 + 1000, created_ms: T0 + 200 });
  });

  it('resumes after a restart from the stored base: nothing re-added, nothing lost', () => {
    const path = tempPath();
    const reference = newLedger();
    const readings = Array.from({ length: 10 }, (_, i) => ({ t: T0 + i * 1000, cpu: 100 + i * 0.5 }));
    let ledger = newLedger(path);
    readings.forEach(({ t, cpu }, i) => {
      tick(reference, t, [{ path: A, createdMs: 1, cpuSeconds: cpu, memoryBytes: MiB }]);
      if (i === 4 || i === 7) {
        ledger.close(); // as after kill -9: only committed ticks survive
        ledger = newLedger(path);
      }
      if (i === 5) return; // cgmeter was down for this tick
      tick(ledger, t, [{ path: A, createdMs: 1, cpuSeconds: cpu, memoryBytes: MiB }]);
    });
    const { samples, ...resumed } = totals(ledger)[hexId('a')]!;
    const { samples: referenceSamples, ...undisturbed } = totals(reference)[hexId('a')]!;
    expect(resumed).toEqual(undisturbed);
    expect(resumed.cpu).toBe(4.5);
    expect([samples, referenceSamples]).toEqual([8, 9]); // the tick it was down for is spanned, not lost
  });

  it('leaves bases and rollups untouched when a tick fails, and integrates across it next time', () => {
    const ledger = newLedger();
    const reference = newLedger();
    for (const l of [ledger, reference]) tick(l, T0, [{ path: A, createdMs: 1, cpuSeconds: 10 }]);
    const statements = (ledger as unknown as { sql: { addUsage: (...a: unknown[]) => void } }).sql;
    const real = statements.addUsage.bind(statements);
    statements.addUsage = () => { throw new Error('disk full'); };
    expect(() => tick(ledger, T0 + 1000, [{ path: A, createdMs: 1, cpuSeconds: 11 }])).toThrow('disk full');
    statements.addUsage = real;
    tick(reference, T0 + 1000, [{ path: A, createdMs: 1, cpuSeconds: 11 }]);
    for (const l of [ledger, reference]) tick(l, T0 + 2000, [{ path: A, createdMs: 1, cpuSeconds: 12 }]);
    expect(totals(ledger)[hexId('a')]!.cpu).toBe(2);
    expect(totals(ledger)[hexId('a')]!.alive).toBe(2);
    expect(totals(ledger)[hexId('a')]!.cpu).toBe(totals(reference)[hexId('a')]!.cpu);
  });

  it('treats a cgroup recreated under the same path as a new incarnation, never a negative interval', () => {
    const ledger = newLedger();
    tick(ledger, T0, [{ path: A, inode: 5, createdMs: 1, cpuSeconds: 40 }]);
    tick(ledger, T0 + 1000, [{ path: A, inode: 5, createdMs: 1, cpuSeconds: 41 }]);
    // Same container id (engine restart), new cgroup made at T0+1500 whose counter restarted.
    tick(ledger, T0 + 2000, [{ path: A, inode: 6, createdMs: T0 + 1500, cpuSeconds: 0.25 }]);
    tick(ledger, T0 + 3000, [{ path: A, inode: 6, createdMs: T0 + 1500, cpuSeconds: 0.75 }]);
    expect(totals(ledger)[hexId('a')]!.cpu).toBe(1 + 0.25 + 0.5);
  });

  it('splits an interval across the hour boundary and keeps peaks in the hour they were read', () => {
    const ledger = newLedger();
    tick(ledger, T0 + HOUR_MS - 500, [{ path: A, createdMs: 1, cpuSeconds: 0, memoryBytes: 100 }]);
    tick(ledger, T0 + HOUR_MS + 500, [{ path: A, createdMs: 1, cpuSeconds: 1, memoryBytes: 300 }]);
    const rows = ledger.db.prepare('SELECT hour_ms, cpu_core_s, mem_peak_bytes, samples FROM usage_hourly ORDER BY hour_ms').all();
    expect(rows).toEqual([
      { hour_ms: T0, cpu_core_s: 0.5, mem_peak_bytes: 0, samples: 0 },
      { hour_ms: T0 + HOUR_MS, cpu_core_s: 0.5, mem_peak_bytes: 300, samples: 1 },
    ]);
  });

  it('forgets every base after a reboot (new boot id)', () => {
    const path = tempPath();
    let ledger = newLedger(path);
    tick(ledger, T0, [{ path: A, createdMs: 1, cpuSeconds: 100 }]);
    tick(ledger, T0 + 1000, [{ path: A, createdMs: 1, cpuSeconds: 101 }]);
    ledger.close();
    ledger = newLedger(path, { ...TEST_HOST, bootId: 'boot-2' });
    expect(ledger.db.prepare('SELECT ended_ms FROM containers').pluck().get()).toBe(T0 + 1000); // closed at its last reading
    // After the reboot the same path and inode hold a new cgroup whose counter is small again.
    tick(ledger, T0 + 60_000, [{ path: A, createdMs: 1, cpuSeconds: 3, monotonicMs: 5000 }]);
    tick(ledger, T0 + 61_000, [{ path: A, createdMs: 1, cpuSeconds: 4, monotonicMs: 6000 }]);
    expect(totals(ledger)[hexId('a')]!.cpu).toBe(2);
  });

  it('bills containers only, once per container identity', () => {
    const ledger = newLedger();
    const scope = `/system.slice/docker-${hexId('c')}.scope`;
    const rows = (t: number, cpu: number) => [
      { path: '/kubepods/pod1', createdMs: 1, cpuSeconds: cpu * 10, kind: 'pod' as const, id: 'pod1' },
      { path: scope, createdMs: 1, cpuSeconds: cpu * 2, id: hexId('c') },
      { path: `${scope}/container`, createdMs: 1, cpuSeconds: cpu, id: hexId('c') },
    ];
    tick(ledger, T0, rows(T0, 1));
    tick(ledger, T0 + 1000, rows(T0, 2));
    expect(totals(ledger)).toEqual({ [hexId('c')]: { cpu: 1, alive: 1, mem: 0, samples: 1 } });
  });

  it('keeps the newest identity of a container (engine metadata arrives after its first sample)', () => {
    const ledger = newLedger();
    tick(ledger, T0, [{ path: A, createdMs: 1, cpuSeconds: 1 }]);
    tick(ledger, T0 + 1000, [{ path: A, createdMs: 1, cpuSeconds: 2, identity: { name: 'web-1', image: 'shop/web:3', labels: { team: 'shop' } } }]);
    tick(ledger, T0 + 2000, [{ path: A, createdMs: 1, cpuSeconds: 3, identity: { name: 'web-1', image: 'shop/web:3', labels: { team: 'shop' } } }]);
    expect(ledger.db.prepare('SELECT count(*) n, name, image, labels_json FROM containers').get()).toEqual({ n: 1, name: 'web-1', image: 'shop/web:3', labels_json: '{"team":"shop"}' });
    expect(totals(ledger)[hexId('a')]!.cpu).toBe(2);
  });

  it('refuses a second writer on the same file', () => {
    const path = tempPath();
    newLedger(path);
    expect(() => newLedger(path)).toThrow(LedgerLockedError);
  });

  it('deletes rollups older than the retention once per hour', () => {
    const path = tempPath();
    const ledger = new Ledger({ path, retentionMs: 2 * HOUR_MS, host: TEST_HOST });
    open.push(ledger);
    for (let h = 0; h < 5; h++) {
      tick(ledger, T0 + h * HOUR_MS, [{ path: A, createdMs: 1, cpuSeconds: h }]);
      tick(ledger, T0 + h * HOUR_MS + 1000, [{ path: A, createdMs: 1, cpuSeconds: h + 0.5 }]);
    }
    const hours = ledger.db.prepare('SELECT DISTINCT hour_ms FROM usage_hourly ORDER BY hour_ms').pluck().all();
    expect(hours).toEqual([T0 + 2 * HOUR_MS, T0 + 3 * HOUR_MS, T0 + 4 * HOUR_MS]);
  });
});
