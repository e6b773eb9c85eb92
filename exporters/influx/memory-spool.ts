// The in-memory spool (no --spool-dir): the same bounded, oldest-first queue as the disk spool,
// lost on exit. Bytes are counted as line-protocol characters plus newlines.

import type { Spool, SpoolDropListener, SpoolRead } from './spool.js';

interface Entry {
  readonly lines: readonly string[];
  readonly bytes: number;
}

interface MemoryRead extends SpoolRead {
  readonly records: number;
  orphaned: boolean;
}

export class MemorySpool implements Spool {
  readonly kind = 'memory';
  private records: Entry[] = [];
  private reading?: MemoryRead;
  bytes = 0;
  points = 0;

  constructor(readonly maxBytes: number, private readonly onDrop: SpoolDropListener) {}

  isEmpty(): boolean {
    return this.records.length === 0;
  }

  append(lines: readonly string[]): void {
    if (lines.length === 0) return;
    const bytes = lines.reduce((n, l) => n + l.length + 1, 0);
    if (bytes > this.maxBytes) {
      this.onDrop(lines.length, 'spool_full');
      return;
    }
    while (this.bytes + bytes > this.maxBytes && this.records.length > 0) this.dropOldest();
    this.records.push({ lines, bytes });
    this.bytes += bytes;
    this.points += lines.length;
  }

  /** Drops the oldest record; if it belongs to the read in flight, that whole read goes. */
  private dropOldest(): void {
    const reading = this.reading;
    if (reading && !reading.orphaned) {
      // Its points are counted when the send fails (release), not now: it may still succeed.
      this.remove(reading.records);
      reading.orphaned = true;
      return;
    }
    const record = this.remove(1);
    this.onDrop(record, 'spool_full');
  }

  private remove(count: number): number {
    let points = 0;
    for (const r of this.records.splice(0, count)) {
      this.bytes -= r.bytes;
      this.points -= r.lines.length;
      points += r.lines.length;
    }
    return points;
  }

  peek(maxLines: number): SpoolRead | undefined {
    if (this.records.length === 0) return undefined;
    const lines: string[] = [];
    let records = 0;
    for (const r of this.records) {
      if (records > 0 && lines.length + r.lines.length > maxLines) break;
      lines.push(...r.lines);
      records++;
    }
    this.reading = { lines, points: lines.length, records, orphaned: false };
    return this.reading;
  }

  commit(read: SpoolRead): void {
    const r = read as MemoryRead;
    if (this.reading === r) this.reading = undefined;
    if (!r.orphaned) this.remove(r.records);
  }

  release(read: SpoolRead): number {
    const r = read as MemoryRead;
    if (this.reading === r) this.reading = undefined;
    return r.orphaned ? r.points : 0;
  }

  close(): void {
    this.reading = undefined;
  }
}
