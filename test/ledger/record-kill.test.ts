// Recorded Samples under kill -9 at any moment: a child records rounds of 200 containers back to
// back (pruning as it goes) and is killed and restarted 15 times at random moments. Afterwards the
// file is intact and every stored round decodes to exactly the Samples the child was writing:
// a round is all there or not at all, and a restart's new chain never leans on a lost row.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { childCommand } from './child-bundle.js';
import { LedgerHistorySource } from '../../collector/ledger/history.js';
import { roundSamples } from './record-ticker-samples.js';

const KILLS = 15;
const dir = mkdtempSync(join(tmpdir(), 'cgmeter-record-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(command: string[], path: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...command, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (code, signal) => reject(new Error(`record ticker exited early (${code ?? signal})`)));
  });
}

/** Plain JSON data with Infinity spelled out: what is compared (key order aside). */
const json = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x) => (x === Infinity ? 'Infinity' : x)));

describe('recorded Samples killed at any moment', () => {
  it(`read back exactly after ${KILLS} SIGKILLs at random moments`, async () => {
    const command = await childCommand(join(import.meta.dirname, 'record-ticker-entry.ts'), dir);
    const path = join(dir, 'ledger.db');
    for (let k = 0; k < KILLS; k++) {
      const child = await start(command, path);
      await sleep(100 + Math.random() * 400);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    const db = new Database(path, { readonly: true });
    let keys: number;
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      keys = db.prepare('SELECT count(*) FROM sample_rounds WHERE key_ms = round_ms').pluck().get() as number;
    } finally {
      db.close();
    }
    const history = LedgerHistorySource.open(path);
    try {
      const rounds: number[] = [];
      for (let t = -1; ;) {
        const next = history.roundsAfter(t, 1000);
        if (next.length === 0) break;
        rounds.push(...next);
        t = next[next.length - 1]!;
      }
      // Each restart begins a chain: at least one key round per run that stored anything.
      expect(keys).toBeGreaterThanOrEqual(Math.min(KILLS, 1));
      expect(rounds.length).toBeGreaterThan(KILLS);
      for (const t of rounds) expect(json(history.samplesAt(t)), `round ${t}`).toEqual(json(roundSamples(t)));
      console.log(`${rounds.length} rounds of ≤ 200 containers kept (retention 120 s of synthetic time), ${keys} key rounds, all equal to what was written`);
    } finally {
      history.close();
    }
  }, 60_000);
});
