// Shared by the reader tests: the two readers under test, and a one-call way to read files.
// The native reader is skipped (with the reason) only outside CI; in CI a missing addon fails.

import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseReader, createFallbackReader, slotCount, type BatchReaderFactory, type FormatSpec } from '../../native/index.js';

export interface ReaderUnderTest {
  readonly name: 'fallback' | 'native';
  /** Why this reader's tests are skipped; undefined when they run. */
  readonly skip?: string;
  readonly create: BatchReaderFactory;
}

const IN_CI = process.env.CI === 'true';

function nativeUnderTest(): ReaderUnderTest {
  try {
    const choice = chooseReader('native');
    return { name: 'native', create: choice.create };
  } catch (err) {
    const message = (err as Error).message;
    if (IN_CI) {
      // Every native test fails with the loader's own message rather than being skipped.
      return { name: 'native', create: () => { throw new Error(`CI requires the native reader: ${message}`); } };
    }
    return { name: 'native', skip: `native reader not built (run npm install): ${message}`, create: createFallbackReader };
  }
}

export const READERS: readonly ReaderUnderTest[] = [
  { name: 'fallback', create: createFallbackReader },
  nativeUnderTest(),
];

export const NATIVE = READERS[1]!;

export interface BatchResult {
  readonly failures: number;
  readonly errnos: number[];
  /** Each file's slots, in the order given. */
  readonly slots: number[][];
  readonly out: Float64Array;
}

/** Reads already-open fds in one readAll call, one spec per fd, slots laid out back to back. */
export function readFds(create: BatchReaderFactory, fds: readonly number[], specs: readonly FormatSpec[]): BatchResult {
  const reader = create(specs);
  const offsets: number[] = [];
  let total = 0;
  for (const spec of specs) {
    offsets.push(total);
    total += slotCount(spec);
  }
  const out = new Float64Array(total).fill(12345); // a sentinel: every slot must be written
  const errnos = new Int32Array(fds.length).fill(-7);
  const failures = reader.readAll(
    Int32Array.from(fds),
    Int32Array.from(specs.map((_, i) => i)),
    Int32Array.from(offsets),
    out,
    errnos,
    fds.length,
  );
  const slots = specs.map((spec, i) => Array.from(out.subarray(offsets[i], offsets[i]! + slotCount(spec))));
  return { failures, errnos: Array.from(errnos), slots, out };
}

/** Opens each path, reads them all in one batch, closes them. */
export function readPaths(create: BatchReaderFactory, files: ReadonlyArray<readonly [string, FormatSpec]>): BatchResult {
  const fds = files.map(([path]) => openSync(path, 'r'));
  try {
    return readFds(create, fds, files.map(([, spec]) => spec));
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

/** A temp dir for files written by a test suite; remove() in afterAll. */
export class TempFiles {
  readonly dir = mkdtempSync(join(tmpdir(), 'cgmeter-native-'));
  private next = 0;

  write(content: string | Uint8Array): string {
    const path = join(this.dir, `f${this.next++}`);
    writeFileSync(path, typeof content === 'string' ? Buffer.from(content, 'latin1') : content);
    return path;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Slot equality as the contract means it: Object.is (so -0 ≠ 0), except that NaN equals NaN. */
export function sameSlot(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}
