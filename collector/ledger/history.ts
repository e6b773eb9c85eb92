// Reading recorded rounds back (`cgmeter top --replay`): round times around a position, and one
// round's Samples, from a ledger file opened read-only while `cgmeter serve` may be writing it (WAL:
// each query sees the last commit). It has the shape of the dashboard's SnapshotHistorySource.
//
// A round is decoded from its chain's key round forward (round-codec.ts). The last decoded round is
// kept, so stepping forward decodes one row and a jump decodes at most one chain.

import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import type { CgroupSample } from '../model/sample.js';
import { decodeRound, type ChainState } from './round-codec.js';
import { LedgerVersionError, openLedgerReadOnly } from './schema.js';

/** Why there is nothing to replay, in words for the user. */
export class LedgerHistoryError extends Error {
  override readonly name = 'LedgerHistoryError';
}

interface Decoded {
  readonly keyMs: number;
  readonly roundMs: number;
  readonly state: ChainState;
  readonly samples: CgroupSample[];
}

export class LedgerHistorySource {
  private readonly bounds_: Database.Statement;
  private readonly after: Database.Statement;
  private readonly atOrBefore: Database.Statement;
  private readonly keyOf: Database.Statement;
  private readonly chainRows: Database.Statement;
  private last?: Decoded;

  /** Opens `path` read-only; throws LedgerHistoryError when it is missing or holds no recording table. */
  static open(path: string): LedgerHistorySource {
    if (!existsSync(path)) throw new LedgerHistoryError(`no ledger at ${path}`);
    let db: Database.Database;
    try {
      db = openLedgerReadOnly(path);
    } catch (err) {
      if (err instanceof LedgerVersionError) throw new LedgerHistoryError(err.message);
      throw err;
    }
    const hasRounds = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sample_rounds'`).get() !== undefined;
    if (!hasRounds) {
      db.close();
      throw new LedgerHistoryError(`the ledger ${path} was written by an older cgmeter serve, which recorded no Samples (a serve of this version migrates it and records them)`);
    }
    return new LedgerHistorySource(db);
  }

  constructor(private readonly db: Database.Database) {
    this.bounds_ = db.prepare('SELECT min(round_ms) first, max(round_ms) last FROM sample_rounds');
    this.after = db.prepare('SELECT round_ms FROM sample_rounds WHERE round_ms > ? ORDER BY round_ms LIMIT ?').pluck();
    this.atOrBefore = db.prepare('SELECT round_ms FROM sample_rounds WHERE round_ms <= ? ORDER BY round_ms DESC LIMIT ?').pluck();
    this.keyOf = db.prepare('SELECT key_ms FROM sample_rounds WHERE round_ms = ?').pluck();
    this.chainRows = db.prepare('SELECT round_ms, body FROM sample_rounds WHERE round_ms >= ? AND round_ms <= ? AND key_ms = ? ORDER BY round_ms');
  }

  /** The cadence serve recorded at, when it said (meta `record_interval_ms`). */
  recordIntervalMs(): number | undefined {
    const value = this.db.prepare(`SELECT value FROM meta WHERE key = 'record_interval_ms'`).pluck().get() as string | undefined;
    return value === undefined ? undefined : Number(value);
  }

  bounds(): { firstMs: number; lastMs: number } | undefined {
    const row = this.bounds_.get() as { first: number | null; last: number | null };
    return row.first === null || row.last === null ? undefined : { firstMs: row.first, lastMs: row.last };
  }

  roundsAfter(timeMs: number, count: number): number[] {
    if (!(count > 0)) return [];
    return this.after.all(Math.floor(timeMs), Math.floor(count)) as number[];
  }

  roundsAtOrBefore(timeMs: number, count: number): number[] {
    if (!(count > 0)) return [];
    return (this.atOrBefore.all(Math.floor(timeMs), Math.floor(count)) as number[]).reverse();
  }

  /** The round's Samples; empty when there is no such round (or retention removed it meanwhile). */
  samplesAt(timeMs: number): CgroupSample[] {
    const keyMs = this.keyOf.get(timeMs) as number | undefined;
    if (keyMs === undefined) return [];
    const last = this.last;
    if (last !== undefined && last.keyMs === keyMs && last.roundMs === timeMs) return last.samples;
    const resume = last !== undefined && last.keyMs === keyMs && last.roundMs < timeMs;
    const rows = this.chainRows.all(resume ? last.roundMs + 1 : keyMs, timeMs, keyMs) as Array<{ round_ms: number; body: Uint8Array }>;
    // Retention removed the chain's start between the two queries: nothing to decode it from.
    if (!resume && rows[0]?.round_ms !== keyMs) return [];
    let state = resume ? last.state : undefined;
    let samples: CgroupSample[] = [];
    for (const row of rows) {
      const decoded = decodeRound(row.body, state);
      state = decoded.next;
      samples = decoded.samples;
    }
    if (rows.length === 0 || rows[rows.length - 1]!.round_ms !== timeMs) return [];
    this.last = { keyMs, roundMs: timeMs, state: state!, samples };
    return samples;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
