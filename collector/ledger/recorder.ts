// Recorded Samples for `cgmeter top --replay`: at a cadence coarser than sampling (every 10 s by
// default), one row per round in `sample_rounds`, kept for a retention of its own (6 h by default)
// and pruned as new rounds are written. Samples only, as DESIGN.md says: replay derives the
// Snapshots again.
//
// A row holds the round's Samples as the change since the round before (round-codec.ts), so a row
// needs its chain: the key round it starts from (every Sample whole) and the rows between. A chain is
// at most KEY_ROUND_EVERY rounds, and a new one starts whenever the writer's memory of the last
// round may not match what is stored: at start, after a failed write, when the wall clock went back.
// Pruning deletes whole chains from the old end, so every stored row stays decodable.
//
// Each round is one INSERT (plus a range DELETE) in its own transaction, on the ledger's connection
// (its writer lock and WAL): a killed process leaves a prefix of the chain, which reads back.

import type Database from 'better-sqlite3';
import type { Snapshot } from '../model/derive.js';
import type { CgroupSample } from '../model/sample.js';
import { encodeRound, type ChainState } from './round-codec.js';

export interface RecordSettings {
  /** A round at most this often (the first sample in each interval of wall-clock time). */
  readonly intervalMs: number;
  /** Rounds older than this are deleted (whole chains: up to one chain more is kept). */
  readonly retentionMs: number;
}

export interface RoundStats {
  readonly roundMs: number;
  readonly key: boolean;
  readonly cgroups: number;
  /** Bytes stored (the row's body) and the JSON before compression. */
  readonly bytes: number;
  readonly jsonBytes: number;
  /** Rows deleted by the retention this round. */
  readonly pruned: number;
  readonly durationMs: number;
}

/**
 * A key round every 30 rounds (5 min at 10 s): a key round is ~3× a delta round, and reading any
 * round decodes at most this many rows. Measured in bench/ledger-bench.ts.
 */
export const KEY_ROUND_EVERY = 30;

/** Which Samples are recorded: serve passes its /metrics export filter. */
export type RecordFilter = (snapshot: Snapshot) => boolean;

interface Chain {
  readonly keyMs: number;
  readonly rounds: number;
  readonly state: ChainState;
}

export class SampleRecorder {
  private readonly insert: Database.Statement;
  private readonly firstKeptKey: Database.Statement;
  private readonly deleteBefore: Database.Statement;
  private readonly deleteFrom: Database.Statement;
  private chain?: Chain;
  /** Newest stored round (from the file at start: a restart within one interval records nothing twice). */
  private lastRoundMs?: number;
  /** After a failure, the next attempt waits for the next interval rather than the next tick. */
  private retryAfterMs = -Infinity;

  constructor(
    private readonly db: Database.Database,
    private readonly settings: RecordSettings,
    private readonly filter: RecordFilter = () => true,
  ) {
    this.insert = db.prepare('INSERT OR REPLACE INTO sample_rounds (round_ms, key_ms, cgroups, body) VALUES (?, ?, ?, ?)');
    // The chain of the oldest round still within retention starts at its key_ms: keep from there.
    this.firstKeptKey = db.prepare('SELECT key_ms FROM sample_rounds WHERE round_ms >= ? ORDER BY round_ms LIMIT 1').pluck();
    this.deleteBefore = db.prepare('DELETE FROM sample_rounds WHERE round_ms < ?');
    this.deleteFrom = db.prepare('DELETE FROM sample_rounds WHERE round_ms >= ?');
    this.lastRoundMs = (db.prepare('SELECT max(round_ms) FROM sample_rounds').pluck().get() as number | null) ?? undefined;
    const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    // For readers: the cadence says how far apart rounds are meant to be.
    meta.run('record_interval_ms', String(settings.intervalMs));
    meta.run('record_retention_ms', String(settings.retentionMs));
  }

  /**
   * The listener's half for one tick: records a round when one is due. Undefined when none was due;
   * throws on a database failure (nothing stored, and the next round starts a new chain).
   */
  record(snapshots: readonly Snapshot[]): RoundStats | undefined {
    if (snapshots.length === 0) return undefined;
    const roundMs = Math.round(snapshots[0]!.sample.timestampMs);
    // Within the interval of a failed write (a clock set back past it ends the wait too).
    if (roundMs < this.retryAfterMs && roundMs >= this.retryAfterMs - this.settings.intervalMs) return undefined;
    const interval = this.settings.intervalMs;
    // The wall clock went back (or the file holds rounds from a later time): what is stored from
    // this moment on can no longer be in time order with new rounds, so it goes.
    const clockWentBack = this.lastRoundMs !== undefined && roundMs <= this.lastRoundMs
      && Math.floor(roundMs / interval) !== Math.floor(this.lastRoundMs / interval);
    if (!clockWentBack && this.lastRoundMs !== undefined && Math.floor(roundMs / interval) <= Math.floor(this.lastRoundMs / interval)) return undefined;
    const started = performance.now();
    const samples: CgroupSample[] = [];
    for (const snapshot of snapshots) if (this.filter(snapshot)) samples.push(snapshot.sample);
    const continuing = this.chain !== undefined && !clockWentBack && this.chain.rounds < KEY_ROUND_EVERY ? this.chain : undefined;
    const encoded = encodeRound(samples, continuing?.state);
    const keyMs = continuing?.keyMs ?? roundMs;
    let pruned = 0;
    try {
      this.db.transaction(() => {
        if (clockWentBack) pruned += this.deleteFrom.run(roundMs).changes;
        this.insert.run(roundMs, keyMs, samples.length, encoded.body);
        const cutoff = roundMs - this.settings.retentionMs;
        const keepFrom = this.firstKeptKey.get(cutoff) as number | undefined;
        pruned += this.deleteBefore.run(keepFrom ?? cutoff).changes;
      })();
    } catch (err) {
      this.chain = undefined;
      this.retryAfterMs = (Math.floor(roundMs / interval) + 1) * interval;
      throw err;
    }
    // Only what committed becomes the chain the next round is encoded against.
    this.chain = { keyMs, rounds: (continuing?.rounds ?? 0) + 1, state: encoded.next };
    this.lastRoundMs = roundMs;
    this.retryAfterMs = -Infinity;
    return {
      roundMs, key: continuing === undefined, cgroups: samples.length, bytes: encoded.body.length, jsonBytes: encoded.jsonBytes,
      pruned, durationMs: performance.now() - started,
    };
  }
}
