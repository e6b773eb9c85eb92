// kill -9 at random moments: a serve-like child (test/ledger/serve-entry.ts) with a ledger is killed
// and restarted at least ten times while a load runs; an undisturbed ledger in this process meters
// the same load. At the end both agree within one sampling interval per kill, the killed one never
// above the undisturbed one (nothing counted twice), and its database is intact.

import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { CollectorService } from '../../collector/service.js';
import { ALL_GROUPS } from '../../collector/poller.js';
import { attachLedger } from '../../collector/ledger/attach.js';
import { createTestCgroup, destroyAllTestCgroups, requireRootOrSkip, waitFor } from '../helpers/kernel.js';
import { hexId } from '../ledger/fake-samples.js';
import { childCommand } from '../ledger/child-bundle.js';

const skip = requireRootOrSkip({ binaries: ['stress-ng'] }, 'ledger crash test');
const INTERVAL_MS = 1000;
const LOAD_SECONDS = 40;
const MIN_KILLS = 10;
const ENTRY = join(import.meta.dirname, '../ledger/serve-entry.ts');

let command: string[] = [];

function startChild(path: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...command, path, String(INTERVAL_MS)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
    child.once('exit', (code, signal) => reject(new Error(`serve-entry exited (${code ?? signal}) before its first tick: ${stderr}`)));
  });
}

async function kill9(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}

function totals(path: string, containerId: string): { cpuCoreSeconds: number; workingSetByteSeconds: number; aliveSeconds: number; integrity: string } {
  const db = new Database(path, { readonly: true });
  try {
    const row = db.prepare(`SELECT sum(u.cpu_core_s) cpu, sum(u.ws_byte_s) ws, sum(u.alive_s) alive FROM usage_hourly u
      JOIN containers c ON c.key = u.container_key WHERE c.container_id = ?`).get(containerId) as { cpu: number; ws: number; alive: number };
    return { cpuCoreSeconds: row.cpu, workingSetByteSeconds: row.ws, aliveSeconds: row.alive, integrity: db.pragma('integrity_check', { simple: true }) as string };
  } finally {
    db.close();
  }
}

afterEach(destroyAllTestCgroups);
afterAll(destroyAllTestCgroups);

describe.skipIf(skip)('ledger under kill -9', () => {
  it(`loses at most one interval per kill and counts nothing twice (${MIN_KILLS}+ kills)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgmeter-ledger-crash-'));
    const killedPath = join(dir, 'killed.db');
    const steadyPath = join(dir, 'steady.db');
    const service = new CollectorService({ collector: { hostRoot: '/', reader: 'auto', groups: ALL_GROUPS }, intervalMs: INTERVAL_MS, discoveryIntervalMs: 2000 });
    const steady = attachLedger(service, { path: steadyPath, retentionMs: 86_400_000 }, () => {});
    let child: ChildProcess | undefined;
    command = await childCommand(ENTRY, dir);
    try {
      service.start();
      child = await startChild(killedPath);
      const id = hexId('crash-load');
      const cg = createTestCgroup(id, { controllers: ['cpu', 'memory', 'pids'] });
      cg.setLimits({ cpuQuotaUs: 50_000, cpuPeriodUs: 100_000 });
      cg.favourCpu();
      const load = await cg.spawnIn('stress-ng', ['--cpu', '1', '--vm', '1', '--vm-bytes', '64M', '--vm-keep', '--timeout', `${LOAD_SECONDS}s`, '--quiet']);
      let loadRunning = true;
      load.once('exit', () => (loadRunning = false));
      const kills: number[] = [];
      while (loadRunning && kills.length < MIN_KILLS + 2) {
        await sleep(200 + Math.random() * 1300); // anywhere in a tick, or while it writes
        if (!loadRunning) break;
        await kill9(child);
        kills.push(Date.now());
        await sleep(Math.random() * 1000); // down for up to a tick
        child = await startChild(killedPath);
      }
      await waitFor(() => !loadRunning, { timeoutMs: (LOAD_SECONDS + 30) * 1000, what: 'the load to end' });
      await sleep(3 * INTERVAL_MS); // both ledgers read the final counters
      await kill9(child);
      service.stop();
      steady.close();

      const a = totals(steadyPath, id);
      const b = totals(killedPath, id);
      console.log(`${kills.length} kills; undisturbed ${a.cpuCoreSeconds.toFixed(3)} core-s, ${(a.workingSetByteSeconds / 2 ** 20).toFixed(0)} MiB-s, ${a.aliveSeconds.toFixed(2)} s alive; `
        + `killed ${b.cpuCoreSeconds.toFixed(3)} core-s, ${(b.workingSetByteSeconds / 2 ** 20).toFixed(0)} MiB-s, ${b.aliveSeconds.toFixed(2)} s alive`);
      expect(kills.length).toBeGreaterThanOrEqual(MIN_KILLS);
      expect(b.integrity).toBe('ok');
      const perKill = kills.length * (INTERVAL_MS / 1000);
      // Counters resume from the stored base: CPU lost by a kill is re-read at the next start.
      expect(Math.abs(a.cpuCoreSeconds - b.cpuCoreSeconds)).toBeLessThan(perKill * 0.5);
      expect(b.cpuCoreSeconds).toBeLessThan(a.cpuCoreSeconds + 0.01);
      expect(Math.abs(a.aliveSeconds - b.aliveSeconds)).toBeLessThan(perKill);
      // Memory is a gauge: across a gap it is interpolated, within a peak's worth per lost interval.
      expect(Math.abs(a.workingSetByteSeconds - b.workingSetByteSeconds)).toBeLessThan(perKill * 80 * 2 ** 20);
      expect(a.cpuCoreSeconds).toBeGreaterThan(LOAD_SECONDS * 0.5 * 0.9);
    } finally {
      if (child) await kill9(child);
      service.stop();
      steady.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
