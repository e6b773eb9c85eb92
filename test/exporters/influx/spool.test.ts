// The spool: order, exactly-once across reopen, torn tails after a crash, the bound (oldest first),
// reads in flight while the bound drops their segment, the directory lock. Disk and memory alike
// where the behaviour is shared.

import { afterEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { DiskSpool } from '../../../exporters/influx/disk-spool.js';
import { MemorySpool } from '../../../exporters/influx/memory-spool.js';
import { encodeRecord } from '../../../exporters/influx/spool-format.js';
import type { Spool, SpoolDropReason } from '../../../exporters/influx/spool.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cgmeter-spool-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const record = (n: number, size = 3) => Array.from({ length: size }, (_, i) => `m,r=${n} f=${i} ${n}`);

/** Everything the spool holds, head to tail, acknowledging as it goes. */
function drain(spool: Spool, maxLines = 1000): string[] {
  const out: string[] = [];
  for (let read = spool.peek(maxLines); read; read = spool.peek(maxLines)) {
    out.push(...read.lines);
    spool.commit(read);
  }
  return out;
}

function drops() {
  const seen: Array<[number, SpoolDropReason]> = [];
  return { seen, listener: (points: number, reason: SpoolDropReason) => seen.push([points, reason]), total: () => seen.reduce((n, [p]) => n + p, 0) };
}

type Make = (maxBytes: number, onDrop: (p: number, r: SpoolDropReason) => void) => Spool;
const kinds: Array<[string, Make]> = [
  ['disk', (maxBytes, onDrop) => new DiskSpool({ dir: tempDir(), maxBytes, segmentMaxBytes: 256 }, onDrop, () => {})],
  ['memory', (maxBytes, onDrop) => new MemorySpool(maxBytes, onDrop)],
];

describe.each(kinds)('%s spool', (_kind, make) => {
  it('reads records in order, at most maxLines per read but always one whole record', () => {
    const spool = make(1 << 20, () => {});
    for (let i = 0; i < 5; i++) spool.append(record(i));
    expect(spool.points).toBe(15);
    const first = spool.peek(7)!;
    expect(first.lines).toEqual([...record(0), ...record(1)]);
    spool.commit(first);
    const big = spool.peek(1)!; // one record even when it is larger than maxLines
    expect(big.lines).toEqual(record(2));
    spool.release(big); // failed: stays at the head
    expect(drain(spool)).toEqual([...record(2), ...record(3), ...record(4)]);
    expect(spool.isEmpty()).toBe(true);
    expect(spool.peek(10)).toBeUndefined();
    spool.close();
  });

  it('keeps within its bound by dropping the oldest points, and counts them', () => {
    const d = drops();
    const spool = make(2000, d.listener);
    for (let i = 0; i < 100; i++) spool.append(record(i));
    expect(spool.bytes).toBeLessThanOrEqual(2000);
    const left = drain(spool);
    expect(d.seen.every(([, r]) => r === 'spool_full')).toBe(true);
    expect(d.total() + left.length).toBe(300);
    // what is left is the newest run, in order, with nothing missing inside it
    const first = Number(/r=(\d+)/.exec(left[0]!)![1]);
    expect(left).toEqual(Array.from({ length: 100 - first }, (_, k) => record(first + k)).flat());
    spool.close();
  });

  it('counts a read in flight whose records the bound dropped only if its send fails', () => {
    const d = drops();
    const spool = make(2000, d.listener);
    spool.append(record(0));
    const inFlight = spool.peek(3)!;
    for (let i = 1; i < 100; i++) spool.append(record(i));
    const droppedMeanwhile = d.total();
    expect(spool.release(inFlight)).toBe(3); // failed, and gone: 3 points lost
    expect(d.total()).toBe(droppedMeanwhile); // not counted twice
    const again = spool.peek(3)!;
    for (let i = 100; i < 200; i++) spool.append(record(i));
    spool.commit(again); // succeeded after its records were dropped: nothing to commit, no error
    expect(drain(spool).length + d.total() + 3 + 3).toBe(600);
    spool.close();
  });

  it('refuses a record larger than the whole bound, counting its points', () => {
    const d = drops();
    const spool = make(100, d.listener);
    spool.append(record(1, 50));
    expect(d.seen).toEqual([[50, 'spool_full']]);
    expect(spool.isEmpty()).toBe(true);
    spool.close();
  });
});

describe('disk spool across restarts', () => {
  const open = (dir: string, onDrop: (points: number, reason: SpoolDropReason) => void = () => {}, warn: (m: string) => void = () => {}, maxBytes = 1 << 20) =>
    new DiskSpool({ dir, maxBytes, segmentMaxBytes: 300 }, onDrop, warn);

  it('replays after a restart exactly what was not acknowledged, nothing twice', () => {
    const dir = tempDir();
    const a = open(dir);
    for (let i = 0; i < 10; i++) a.append(record(i));
    const read = a.peek(9)!;
    a.commit(read);
    // no close(): the process dies here (kill -9 leaves exactly this on disk)
    const b = open(dir);
    expect(drain(b)).toEqual(Array.from({ length: 7 }, (_, k) => record(k + 3)).flat());
    b.close();
    const c = open(dir);
    expect(c.isEmpty()).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.seg'))).toHaveLength(1); // acknowledged segments are deleted
    c.close();
  });

  it('cuts off a record torn by a crash mid-write, says so, counts it, and appends after it', () => {
    const dir = tempDir();
    const a = open(dir);
    for (let i = 0; i < 2; i++) a.append(record(i));
    const tail = join(dir, readdirSync(dir).filter((f) => f.endsWith('.seg')).sort().pop()!);
    const torn = encodeRecord(record(99));
    appendFileSync(tail, torn.subarray(0, torn.length - 5)); // the write the crash interrupted
    const d = drops();
    const warnings: string[] = [];
    const b = open(dir, d.listener, (m) => { warnings.push(m); });
    expect(warnings).toEqual([expect.stringMatching(/ends in \d+ bytes that are not a whole record .* cut off, 3 points lost/)]);
    expect(d.seen).toEqual([[3, 'corrupt']]);
    b.append(record(2));
    expect(drain(b)).toEqual([...record(0), ...record(1), ...record(2)]);
    b.close();
  });

  it('recovers every whole record before any crash point (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 12 }), fc.double({ min: 0, max: 1, noNaN: true }), (count, cutAt) => {
      const dir = tempDir();
      const a = open(dir, () => {}, () => {}, 1 << 20);
      for (let i = 0; i < count; i++) a.append(record(i, 1 + (i % 4)));
      const segs = readdirSync(dir).filter((f) => f.endsWith('.seg')).sort();
      const last = join(dir, segs[segs.length - 1]!);
      const cut = Math.floor(statSync(last).size * cutAt);
      truncateSync(last, cut);
      const b = open(dir);
      const got = drain(b);
      b.close();
      // a prefix of what was written, whole records only, in order, once
      const all = Array.from({ length: count }, (_, i) => record(i, 1 + (i % 4)));
      const prefix: string[] = [];
      for (const r of all) {
        if (prefix.length + r.length > got.length) break;
        prefix.push(...r);
      }
      expect(got).toEqual(prefix);
    }), { numRuns: 30 });
  });

  it('takes over the lock of a dead process and refuses one held by a live process', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'lock'), '2147483646\n'); // no such pid
    open(dir).close();
    writeFileSync(join(dir, 'lock'), '1\n'); // pid 1 is alive
    expect(() => open(dir)).toThrow(/spool directory .* is in use by process 1; give each cgmeter its own --spool-dir/);
  });
});
