// The spool: where batches wait while the sink is down, oldest first. Two kinds behind one face:
// on disk (disk-spool.ts, survives restarts and kill -9) and in memory (memory-spool.ts, when no
// --spool-dir is given: survives an outage, not a restart).

export type SpoolDropReason = 'spool_full' | 'corrupt';

/** A run of records read from the head, handed back to commit() or release(). */
export interface SpoolRead {
  readonly lines: readonly string[];
  readonly points: number;
}

export interface Spool {
  readonly kind: 'disk' | 'memory';
  /** Bytes of line protocol waiting (disk: including record headers). */
  readonly bytes: number;
  readonly points: number;
  readonly maxBytes: number;
  isEmpty(): boolean;
  /**
   * Adds one record at the tail. On disk it is written before this returns (page cache: safe
   * from kill -9 at once, from power loss after the next periodic fdatasync). When the bound
   * would be passed, the oldest records go first (reported to the drop listener).
   */
  append(lines: readonly string[]): void;
  /**
   * The oldest records, at most `maxLines` lines but always at least one record. At most one
   * read is outstanding at a time; it must be ended by commit() or release().
   */
  peek(maxLines: number): SpoolRead | undefined;
  /** The read was acknowledged by the sink (or dropped on purpose): it is never read again. */
  commit(read: SpoolRead): void;
  /**
   * The read failed and stays at the head for the next try. Returns the points that cannot be
   * retried because the bound dropped their records while the read was in flight.
   */
  release(read: SpoolRead): number;
  close(): void;
}

export type SpoolDropListener = (points: number, reason: SpoolDropReason) => void;
