// The addon's boundary: every bad call shape is a TypeError or RangeError that names the
// argument, and nothing is read or written out of bounds. The fallback only checks spec ids
// (typed arrays clip silently in JS), so these run against the native reader alone.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, openSync } from 'node:fs';
import { FileFormat, formatSpec, type BatchReader, type FormatSpec } from '../../native/index.js';
import { NATIVE, TempFiles } from './harness.js';

const specs: FormatSpec[] = [formatSpec(FileFormat.Single), formatSpec(FileFormat.Keyed, ['a', 'b', 'c'])];

describe.skipIf(NATIVE.skip !== undefined)(`native call shapes${NATIVE.skip ? ` (skipped: ${NATIVE.skip})` : ''}`, () => {
  // Made in beforeAll, not at collection: a skipped suite runs no afterAll to clean up.
  let temp: TempFiles;
  let fd = -1;
  beforeAll(() => {
    temp = new TempFiles();
    fd = openSync(temp.write('a 1\nb 2\nc 3\n'), 'r');
  });
  afterAll(() => {
    closeSync(fd);
    temp.remove();
  });
  const reader = (): BatchReader => NATIVE.create(specs);
  interface Args {
    fds: Int32Array;
    specIds: Int32Array;
    slotOffsets: Int32Array;
    out: Float64Array;
    errnos: Int32Array;
    count: number;
  }
  // A valid call: two files, specs 0 and 1, slots [0] and [1..4).
  const args = (): Args => ({
    fds: Int32Array.of(fd, fd),
    specIds: Int32Array.of(0, 1),
    slotOffsets: Int32Array.of(0, 1),
    out: new Float64Array(4),
    errnos: new Int32Array(2),
    count: 2,
  });
  const call = (r: BatchReader, a: Args) => r.readAll(a.fds, a.specIds, a.slotOffsets, a.out, a.errnos, a.count);

  it('a valid call reads', () => {
    const a = args();
    expect(call(reader(), a)).toBe(0);
    expect(Array.from(a.out)).toEqual([NaN, 1, 2, 3]);
    expect(reader().kind).toBe('native');
  });

  it('wrong typed-array types are TypeErrors naming the argument', () => {
    const r = reader();
    expect(() => call(r, { ...args(), fds: new Uint32Array(2) as unknown as Int32Array })).toThrow(
      new TypeError('readAll: fds must be an Int32Array, got Uint32Array'),
    );
    expect(() => call(r, { ...args(), out: new Float32Array(4) as unknown as Float64Array })).toThrow(/out must be a Float64Array, got Float32Array/);
    expect(() => call(r, { ...args(), errnos: [0, 0] as unknown as Int32Array })).toThrow(/errnos must be an Int32Array, got an Array/);
    expect(() => call(r, { ...args(), count: '2' as unknown as number })).toThrow(TypeError);
    expect(() => (r.readAll as (...a: unknown[]) => number)(Int32Array.of(fd))).toThrow(/takes 6 arguments, got 1/);
  });

  it('count beyond any array, or not a whole number, is a RangeError', () => {
    const r = reader();
    expect(() => call(r, { ...args(), count: 3 })).toThrow(new RangeError('readAll: count 3 exceeds fds.length 2'));
    expect(() => call(r, { ...args(), errnos: new Int32Array(1) })).toThrow(/count 2 exceeds errnos.length 1/);
    expect(() => call(r, { ...args(), count: 1.5 })).toThrow(RangeError);
    expect(() => call(r, { ...args(), count: -1 })).toThrow(RangeError);
    expect(() => call(r, { ...args(), count: NaN })).toThrow(RangeError);
  });

  it('a slot range past out.length, or a negative offset, is a RangeError and nothing is read', () => {
    const r = reader();
    const a = { ...args(), slotOffsets: Int32Array.of(0, 2) };
    a.errnos.fill(-9);
    expect(() => call(r, a)).toThrow(new RangeError('readAll: slotOffsets[1] = 2 with 3 slots for spec 1 runs past out.length 4'));
    expect(Array.from(a.errnos)).toEqual([-9, -9]); // validated before the first read
    expect(() => call(r, { ...args(), slotOffsets: Int32Array.of(-1, 1) })).toThrow(/slotOffsets\[0\] = -1/);
    expect(() => call(r, { ...args(), slotOffsets: Int32Array.of(0, 2 ** 31 - 1) })).toThrow(RangeError);
  });

  it('an unknown spec id is a RangeError', () => {
    expect(() => call(reader(), { ...args(), specIds: Int32Array.of(0, 2) })).toThrow(
      new RangeError('readAll: specIds[1] = 2 names no registered spec (2 registered)'),
    );
    expect(() => call(reader(), { ...args(), specIds: Int32Array.of(-1, 0) })).toThrow(RangeError);
  });

  it('outputs may not share memory with any argument', () => {
    const buffer = new ArrayBuffer(64);
    const a = { ...args(), out: new Float64Array(buffer, 0, 4), errnos: new Int32Array(buffer, 32, 2) };
    expect(call(reader(), a)).toBe(0); // adjacent views of one buffer are fine
    expect(() => call(reader(), { ...a, errnos: new Int32Array(buffer, 24, 2) })).toThrow(/out shares memory with errnos/);
    expect(() => call(reader(), { ...a, slotOffsets: new Int32Array(buffer, 32, 2) })).toThrow(/errnos shares memory with slotOffsets/);
  });

  it('a typed array view at an offset is read from its own first element', () => {
    const backing = new Float64Array(10).fill(7);
    const a = { ...args(), out: backing.subarray(3, 7) };
    call(reader(), a);
    expect(Array.from(backing)).toEqual([7, 7, 7, NaN, 1, 2, 3, 7, 7, 7]);
  });

  it('bad spec tables are rejected at createReader', () => {
    const create = (s: unknown) => NATIVE.create(s as FormatSpec[]);
    expect(() => create('x')).toThrow(new TypeError('createReader(specs): specs must be an array of FormatSpec, got a string'));
    expect(() => create([{ format: 9, keys: [], maxRows: 0 }])).toThrow(/specs\[0\]\.format \(a FileFormat\) must be an integer from 0 to 7/);
    expect(() => create([{ format: 1, keys: ['a', 3], maxRows: 0 }])).toThrow(/specs\[0\]\.keys\[1\] must be a string/);
    expect(() => create([{ format: 1, maxRows: 0 }])).toThrow(/keys must be an array of strings/);
    expect(() => create([{ format: 5, keys: [], maxRows: -1 }])).toThrow(RangeError);
    expect(() => create([{ format: 3, keys: ['a'], maxRows: 2 ** 31 }])).toThrow(/slots; at most 2\^31 - 1 fit/);
    expect(() => create([null])).toThrow(TypeError);
  });

  it('a detached readAll keeps working after its reader is dropped', () => {
    const { readAll } = reader();
    const a = args();
    expect(readAll(a.fds, a.specIds, a.slotOffsets, a.out, a.errnos, a.count)).toBe(0);
  });
});
