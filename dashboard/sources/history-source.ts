// What `--replay` needs from a store of recorded Samples (the ledger's `sample_rounds`, read by
// collector/ledger/history.ts; see ledger-history-source.ts): round times around a position, and
// the Samples of one round. Only Samples are stored; replay derives the Snapshots again, as
// DESIGN.md says. An in-memory implementation serves the tests and any caller that already holds
// Samples.

import type { CgroupSample } from '../../collector/model/sample.js';

export interface SnapshotHistorySource {
  /** First and last recorded round (ms since the epoch), or undefined when nothing is recorded. */
  bounds(): { firstMs: number; lastMs: number } | undefined;
  /** Up to `count` round times strictly after `timeMs`, oldest first. */
  roundsAfter(timeMs: number, count: number): number[];
  /** Up to `count` round times at or before `timeMs`, oldest first (the latest last). */
  roundsAtOrBefore(timeMs: number, count: number): number[];
  /** Every Sample recorded in the round at `timeMs` (a time these methods returned). */
  samplesAt(timeMs: number): CgroupSample[];
  /** How far apart rounds were meant to be recorded, when the store knows (for "near enough" to a bound). */
  recordIntervalMs?(): number | undefined;
  close?(): void;
}

/** Rounds held in memory, keyed by the round's time. */
export class MemoryHistorySource implements SnapshotHistorySource {
  private readonly times: number[];
  private readonly rounds: Map<number, CgroupSample[]>;

  constructor(rounds: ReadonlyMap<number, readonly CgroupSample[]> | Iterable<readonly [number, readonly CgroupSample[]]>) {
    this.rounds = new Map([...rounds].map(([t, samples]) => [t, [...samples]]));
    this.times = [...this.rounds.keys()].sort((a, b) => a - b);
  }

  /** Groups Samples into rounds by their timestampMs. */
  static fromSamples(samples: readonly CgroupSample[]): MemoryHistorySource {
    const rounds = new Map<number, CgroupSample[]>();
    for (const s of samples) {
      const list = rounds.get(s.timestampMs) ?? [];
      list.push(s);
      rounds.set(s.timestampMs, list);
    }
    return new MemoryHistorySource(rounds);
  }

  bounds(): { firstMs: number; lastMs: number } | undefined {
    return this.times.length === 0 ? undefined : { firstMs: this.times[0]!, lastMs: this.times[this.times.length - 1]! };
  }

  roundsAfter(timeMs: number, count: number): number[] {
    const start = this.firstIndexAfter(timeMs);
    return this.times.slice(start, start + Math.max(0, count));
  }

  roundsAtOrBefore(timeMs: number, count: number): number[] {
    const end = this.firstIndexAfter(timeMs);
    return this.times.slice(Math.max(0, end - Math.max(0, count)), end);
  }

  samplesAt(timeMs: number): CgroupSample[] {
    return this.rounds.get(timeMs) ?? [];
  }

  /** Binary search: index of the first round later than timeMs. */
  private firstIndexAfter(timeMs: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid]! <= timeMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
