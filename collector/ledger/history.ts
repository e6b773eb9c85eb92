// Reading recorded rounds back (`cgmeter top --replay`): round times around a position, and one
// round's Samples, from a ledger file opened read-only while `cgmeter serve` may be writing it (WAL:
// each query sees the last commit). It has the shape of the dashboard's SnapshotHistorySource.
//
// A round is decoded from its chain's key round forward (round-codec.ts). Decoded rounds are kept
// (up to MAX_CACHED_SAMPLES Samples), so stepping forward decodes one row, a jump at most one chain,
// and stepping back (which re-reads the rounds before, for the charts) mostly nothing.

import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import type { CgroupSample } from '../model/sample.js';
import { decodeRound, type ChainState } from './round-codec.js';
import { LedgerVersionError, openLedgerReadOnly } from './schema.js';

/** Why there is nothing to replay, in words for the user. */
export class LedgerHistoryError extends Error {
  override readonly name = 'LedgerHistoryError';
}

/**
 * Samples kept decoded: 64 rounds of 1,000 containers, about 80 MiB (≈ 1.3 KB a Sample: a decoded
 * round shares what did not change with the round before it). Room for a replay's chart window of
 * 31 rounds (cli/commands/top.ts) and the chain decoded to reach the round before it, so that
 * stepping back, which refills the charts, decodes each chain once.
 */
const MAX_CACHED_SAMPLES = 64_000;

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
  /** Decoded rounds by time, least recently used first. */
  private readonly cache = new Map<number, Decoded>();
  private cachedSamples = 0;

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
    const cached = this.cache.get(timeMs);
    // (A different key: serve rewrote that time after its clock went back.)
    if (cached !== undefined && cached.keyMs === keyMs) {
      this.remember(cached); // most recently used now
      return cached.samples;
    }
    // The latest decoded round of the same chain before this one, if any: decode on from there.
    let from: Decoded | undefined;
    for (const d of this.cache.values()) if (d.keyMs === keyMs && d.roundMs < timeMs && (from === undefined || d.roundMs > from.roundMs)) from = d;
    const rows = this.chainRows.all(from ? from.roundMs + 1 : keyMs, timeMs, keyMs) as Array<{ round_ms: number; body: Uint8Array }>;
    // Retention removed the chain's start between the two queries: nothing to decode it from.
    if (from === undefined && rows[0]?.round_ms !== keyMs) return [];
    if (rows.length === 0 || rows[rows.length - 1]!.round_ms !== timeMs) return [];
    let state = from?.state;
    let samples: CgroupSample[] = [];
    for (const row of rows) {
      const decoded = decodeRound(row.body, state);
      state = decoded.next;
      samples = decoded.samples;
      this.remember({ keyMs, roundMs: row.round_ms, state, samples });
    }
    return samples;
  }

  private remember(decoded: Decoded): void {
    const old = this.cache.get(decoded.roundMs);
    if (old !== undefined) {
      this.cache.delete(decoded.roundMs);
      this.cachedSamples -= old.samples.length;
    }
    this.cache.set(decoded.roundMs, decoded);
    this.cachedSamples += decoded.samples.length;
    for (const [time, d] of this.cache) {
      if (this.cachedSamples <= MAX_CACHED_SAMPLES || d === decoded) break;
      this.cache.delete(time);
      this.cachedSamples -= d.samples.length;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
