// The disk spool: append-only segment files in --spool-dir, read from the head in order.
//
// - Crash safety: a record is write()n whole before append() returns, so kill -9 loses nothing
//   appended; a record torn by a crash mid-write (or a power cut) fails its CRC and is cut off
//   when the spool is opened. fdatasync runs at most once per second, off the main thread: a
//   power cut can lose the last second of spooled points, a process crash loses none.
// - Nothing replayed twice: `head` holds "segment offset" of the first unacknowledged record and
//   is replaced (write + rename) after every acknowledged read; a fully read segment is deleted.
//   kill -9 between the sink's 2xx and that rename replays one batch, which InfluxDB stores as
//   the same points again (same series and timestamp: overwritten, not doubled).
// - Bound: when appending would pass maxBytes, whole segments are dropped oldest first (segments
//   are ≤ 1/16 of the bound, so at most that much goes at once) and their points are reported.

import { closeSync, fdatasync, close, fdatasyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { RECORD_HEADER_BYTES, decodeHeader, decodeLines, encodeRecord, payloadIntact, scanSegment } from './spool-format.js';
import { takeSpoolLock } from './spool-lock.js';
import type { Spool, SpoolDropListener, SpoolRead } from './spool.js';

export interface DiskSpoolOptions {
  readonly dir: string;
  readonly maxBytes: number;
  /** Size at which the tail segment is closed and a new one started. */
  readonly segmentMaxBytes?: number;
  readonly syncIntervalMs?: number;
}

interface Segment {
  readonly seq: number;
  readonly path: string;
  size: number;
  /** Offset of the first unacknowledged record (non-zero only in the head segment). */
  start: number;
  /** Points from `start` to the end. */
  points: number;
}

interface DiskRead extends SpoolRead {
  readonly seq: number;
  readonly end: number;
  orphaned: boolean;
}

const SEGMENT_NAME = /^(\d{16})\.seg$/;
const segmentName = (seq: number) => `${String(seq).padStart(16, '0')}.seg`;

export class DiskSpool implements Spool {
  readonly kind = 'disk';
  readonly maxBytes: number;
  private readonly segmentMaxBytes: number;
  private readonly syncIntervalMs: number;
  private segments: Segment[] = [];
  private tailFd = -1;
  private reading?: DiskRead;
  private syncTimer?: NodeJS.Timeout;
  private readonly dir: string;
  private readonly releaseLock: () => void;

  /** Opens (or creates) the spool in `dir`, cutting off a torn tail; throws with a clear message if it cannot. */
  constructor(options: DiskSpoolOptions, private readonly onDrop: SpoolDropListener, private readonly warn: (message: string) => void) {
    this.maxBytes = options.maxBytes;
    this.segmentMaxBytes = options.segmentMaxBytes ?? Math.min(16 << 20, Math.max(4096, Math.floor(options.maxBytes / 16)));
    this.syncIntervalMs = options.syncIntervalMs ?? 1000;
    mkdirSync(options.dir, { recursive: true });
    this.dir = options.dir;
    this.releaseLock = takeSpoolLock(options.dir);
    try {
      this.load();
    } catch (err) {
      this.releaseLock();
      throw err;
    }
  }

  get bytes(): number {
    return this.segments.reduce((n, s) => n + s.size - s.start, 0);
  }

  get points(): number {
    return this.segments.reduce((n, s) => n + s.points, 0);
  }

  isEmpty(): boolean {
    return this.points === 0;
  }

  private load(): void {
    const [headSeq, headOffset] = this.readHead();
    const seqs = readdirSync(this.dir).map((n) => SEGMENT_NAME.exec(n)).filter((m) => m !== null).map((m) => Number(m[1])).sort((a, b) => a - b);
    for (const seq of seqs) {
      const path = join(this.dir, segmentName(seq));
      if (seq < headSeq) {
        unlinkSync(path); // acknowledged, but deleted by nobody: the process died between head and unlink
        continue;
      }
      const bytes = readFileSync(path);
      const start = seq === headSeq ? Math.min(headOffset, bytes.length) : 0;
      const scan = scanSegment(bytes, start);
      if (scan.badBytes > 0) {
        this.warn(`influx spool: ${segmentName(seq)} ends in ${scan.badBytes} bytes that are not a whole record (left by a crash mid-write); ` +
          `cut off${scan.badPoints ? `, ${scan.badPoints} points lost` : ''}`);
        const fd = openSync(path, 'r+');
        try { ftruncateSync(fd, scan.validEnd); } finally { closeSync(fd); }
        if (scan.badPoints > 0) this.onDrop(scan.badPoints, 'corrupt');
      }
      this.segments.push({ seq, path, size: scan.validEnd, start, points: scan.points });
    }
    if (this.segments.length === 0) this.segments.push(this.createSegment(Math.max(headSeq, 1)));
    const tail = this.segments[this.segments.length - 1]!;
    this.tailFd = openSync(tail.path, 'a');
  }

  private readHead(): [seq: number, offset: number] {
    try {
      const [seq, offset] = readFileSync(join(this.dir, 'head'), 'utf8').trim().split(/\s+/).map(Number);
      if (Number.isSafeInteger(seq) && Number.isSafeInteger(offset)) return [seq!, offset!];
    } catch {
      // no head file: a new spool, or one whose reads were never acknowledged
    }
    return [0, 0];
  }

  private writeHead(seq: number, offset: number): void {
    const tmp = join(this.dir, 'head.tmp');
    writeFileSync(tmp, `${seq} ${offset}\n`);
    renameSync(tmp, join(this.dir, 'head')); // atomic: a reader sees the old head or the new one
  }

  private createSegment(seq: number): Segment {
    const path = join(this.dir, segmentName(seq));
    writeFileSync(path, '', { flag: 'a' });
    return { seq, path, size: statSync(path).size, start: 0, points: 0 };
  }

  append(lines: readonly string[]): void {
    if (lines.length === 0) return;
    const record = encodeRecord(lines);
    if (record.length > this.maxBytes) {
      this.onDrop(lines.length, 'spool_full');
      return;
    }
    let tail = this.segments[this.segments.length - 1]!;
    if (tail.size > 0 && tail.size + record.length > this.segmentMaxBytes) tail = this.roll();
    while (this.bytes + record.length > this.maxBytes) {
      if (this.segments.length === 1) tail = this.roll();
      this.dropHead();
    }
    this.writeWhole(tail, record);
    tail.size += record.length;
    tail.points += lines.length;
    this.scheduleSync();
  }

  /**
   * write(2) may write part of a buffer (a full disk) before it fails: the part is cut off again,
   * so the segment never holds half a record that a later, whole one would follow.
   */
  private writeWhole(tail: Segment, record: Buffer): void {
    let written = 0;
    try {
      while (written < record.length) written += writeSync(this.tailFd, record, written, record.length - written);
    } catch (err) {
      if (written > 0) ftruncateSync(this.tailFd, tail.size);
      throw err;
    }
  }

  private roll(): Segment {
    const old = this.tailFd;
    // Synced off the main thread before closing: the segment is complete and will not change.
    fdatasync(old, () => close(old, () => {}));
    const next = this.createSegment(this.segments[this.segments.length - 1]!.seq + 1);
    this.segments.push(next);
    this.tailFd = openSync(next.path, 'a');
    return next;
  }

  /** Drops the oldest segment (never the tail: callers roll first). */
  private dropHead(): void {
    const head = this.segments.shift()!;
    let lost = head.points;
    if (this.reading && !this.reading.orphaned && this.reading.seq === head.seq) {
      // The read in flight is counted when it fails (release), not now: it may still succeed.
      lost -= this.reading.points;
      this.reading.orphaned = true;
    }
    if (lost > 0) this.onDrop(lost, 'spool_full');
    this.writeHead(this.segments[0]!.seq, 0);
    unlinkSync(head.path);
  }

  private scheduleSync(): void {
    if (this.syncTimer) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      // An error here (EBADF after a roll closed the fd) only means that fd is already synced.
      if (this.tailFd >= 0) fdatasync(this.tailFd, () => {});
    }, this.syncIntervalMs);
    this.syncTimer.unref();
  }

  peek(maxLines: number): SpoolRead | undefined {
    this.skipConsumedHead();
    const head = this.segments[0]!;
    if (head.start >= head.size) return undefined;
    const fd = openSync(head.path, 'r');
    try {
      const lines: string[] = [];
      let offset = head.start;
      let points = 0;
      while (offset < head.size) {
        const headerBytes = Buffer.alloc(RECORD_HEADER_BYTES);
        readSync(fd, headerBytes, 0, RECORD_HEADER_BYTES, offset);
        const header = decodeHeader(headerBytes);
        if (!header) throw new Error(`influx spool: ${head.path} has no record at offset ${offset} (the file was changed behind cgmeter's back)`);
        if (points > 0 && points + header.points > maxLines) break;
        const payload = Buffer.alloc(header.payloadBytes);
        readSync(fd, payload, 0, header.payloadBytes, offset + RECORD_HEADER_BYTES);
        if (!payloadIntact(headerBytes, payload, header)) {
          throw new Error(`influx spool: ${head.path} record at offset ${offset} fails its CRC (disk corruption?); stop cgmeter and move the spool directory away`);
        }
        lines.push(...decodeLines(payload));
        points += header.points;
        offset += RECORD_HEADER_BYTES + header.payloadBytes;
      }
      this.reading = { lines, points, seq: head.seq, end: offset, orphaned: false };
      return this.reading;
    } finally {
      closeSync(fd);
    }
  }

  /** Deletes fully acknowledged segments before the tail, so the head is where data waits. */
  private skipConsumedHead(): void {
    while (this.segments.length > 1 && this.segments[0]!.start >= this.segments[0]!.size) {
      const done = this.segments.shift()!;
      this.writeHead(this.segments[0]!.seq, this.segments[0]!.start);
      unlinkSync(done.path);
    }
  }

  commit(read: SpoolRead): void {
    const r = read as DiskRead;
    if (this.reading === r) this.reading = undefined;
    if (r.orphaned) return;
    const head = this.segments[0]!;
    if (head.seq !== r.seq) throw new Error(`influx spool: commit of segment ${r.seq} but the head is ${head.seq}`);
    head.start = r.end;
    head.points -= r.points;
    this.writeHead(head.seq, head.start);
    this.skipConsumedHead();
  }

  release(read: SpoolRead): number {
    const r = read as DiskRead;
    if (this.reading === r) this.reading = undefined;
    return r.orphaned ? r.points : 0;
  }

  close(): void {
    clearTimeout(this.syncTimer);
    if (this.tailFd >= 0) {
      fdatasyncSync(this.tailFd);
      closeSync(this.tailFd);
      this.tailFd = -1;
    }
    this.releaseLock();
  }
}
