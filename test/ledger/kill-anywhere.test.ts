// kill -9 at any moment, including inside a transaction: a child writes ticks of 1,000 containers
// back to back and is killed and restarted 20 times at random moments. Afterwards every container's
// rollups add up exactly to what its counters say happened between the ledger's first reading and
// its stored base: nothing half-written, nothing lost, nothing counted twice.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { childCommand } from './child-bundle.js';
import { decodeCounters } from '../../collector/ledger/statements.js';

const CONTAINERS = 1000;
const KILLS = 20;
const dir = mkdtempSync(join(tmpdir(), 'cgmeter-kill-anywhere-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(command: string[], path: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...command, path, String(CONTAINERS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (code, signal) => reject(new Error(`ticker exited early (${code ?? signal})`)));
  });
}

describe('ledger killed at any moment', () => {
  it(`keeps rollups and bases consistent through ${KILLS} SIGKILLs at random moments`, async () => {
    const command = await childCommand(join(import.meta.dirname, 'ticker-entry.ts'), dir);
    const path = join(dir, 'ledger.db');
    for (let k = 0; k < KILLS; k++) {
      const child = await start(command, path);
      await sleep(150 + Math.random() * 600);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const since = Number(db.prepare(`SELECT value FROM meta WHERE key = 'watching_since_ms'`).pluck().get());
      const bases = db.prepare(`SELECT l.container_key key, l.counters FROM last_seen l WHERE l.container_key IS NOT NULL`).all() as Array<{ key: number; counters: Uint8Array }>;
      const sums = new Map((db.prepare('SELECT container_key key, sum(cpu_core_s) cpu, sum(alive_s) alive, sum(samples) samples FROM usage_hourly GROUP BY container_key').all() as Array<{ key: number; cpu: number; alive: number; samples: number }>).map((r) => [r.key, r]));
      expect(bases.length).toBe(CONTAINERS);
      let ticks = 0;
      for (const base of bases) {
        const counters = decodeCounters(base.counters);
        const seconds = (counters.timestampMs - since) / 1000;
        const sum = sums.get(base.key)!;
        // Every interval from the first reading to the stored base is in the rollups, once.
        expect(sum.alive).toBeCloseTo(seconds, 6);
        expect(sum.cpu).toBeCloseTo(seconds * 0.5, 6);
        ticks = Math.max(ticks, sum.samples);
      }
      console.log(`${KILLS} kills; ${ticks} ticks of ${CONTAINERS} containers survived, covering ${((Number(decodeCounters(bases[0]!.counters).timestampMs) - since) / 1000).toFixed(1)} s`);
    } finally {
      db.close();
    }
  }, 120_000);
});
