// The pure-TypeScript batch reader: cached fds, positional reads into one reused buffer, and
// the byte parsers of parse.ts. Same face and same results as the C++ addon.

import { readSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { BatchReader, FormatSpec } from './formats.js';
import { compileSpec, parseInto, type CompiledSpec } from './parse.js';

const INITIAL_BUFFER_BYTES = 64 * 1024;
// A file longer than this is not a cgroup counter file; refuse it rather than grow without bound.
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** errno number of a Node fs error (err.errno is negative on libuv errors). */
export function errnoOf(err: unknown): number {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.errno === 'number' && e.errno !== 0) return Math.abs(e.errno);
  const byCode = e?.code ? (osConstants.errno as Record<string, number>)[e.code] : undefined;
  return byCode ?? osConstants.errno.EIO;
}

export class FallbackReader implements BatchReader {
  readonly kind = 'fallback' as const;
  private readonly compiled: CompiledSpec[];
  private buffer = Buffer.allocUnsafe(INITIAL_BUFFER_BYTES);

  constructor(specs: readonly FormatSpec[]) {
    this.compiled = specs.map(compileSpec);
  }

  readAll(fds: Int32Array, specIds: Int32Array, slotOffsets: Int32Array, out: Float64Array, errnos: Int32Array, count: number): number {
    checkCallShape(fds, specIds, slotOffsets, out, errnos, count);
    let failures = 0;
    for (let i = 0; i < count; i++) {
      const compiled = this.compiled[specIds[i]!];
      if (compiled === undefined) throw new RangeError(`specIds[${i}] = ${specIds[i]} names no registered spec`);
      const offset = slotOffsets[i]!;
      if (offset < 0 || offset + compiled.slots > out.length) {
        throw new RangeError(`slotOffsets[${i}] = ${offset}: spec ${specIds[i]} needs ${compiled.slots} slots, out has ${out.length}`);
      }
      const length = this.readWhole(fds[i]!);
      if (length < 0) {
        errnos[i] = -length;
        out.fill(NaN, offset, offset + compiled.slots);
        failures++;
        continue;
      }
      errnos[i] = 0;
      parseInto(compiled, this.buffer, length, out, offset);
    }
    return failures;
  }

  /** Reads fd whole from offset 0 into this.buffer; returns the length, or -errno. */
  private readWhole(fd: number): number {
    // Node refuses a negative fd before the system call; answer what the kernel would.
    if (fd < 0) return -osConstants.errno.EBADF;
    let length = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, this.buffer, length, this.buffer.length - length, length);
      } catch (err) {
        return -errnoOf(err);
      }
      if (n === 0) return length;
      length += n;
      if (length < this.buffer.length) {
        // Kernel files answer whole in one read when the buffer is large enough; a short read
        // means the end, and saves the extra read() a loop to EOF would cost on every file.
        return length;
      }
      if (this.buffer.length >= MAX_FILE_BYTES) return -osConstants.errno.EFBIG;
      const bigger = Buffer.allocUnsafe(this.buffer.length * 2);
      this.buffer.copy(bigger, 0, 0, length);
      this.buffer = bigger;
    }
  }
}

/** The same call-shape checks as the addon's JS-facing layer: a bad call is a bug, said clearly. */
function checkCallShape(fds: Int32Array, specIds: Int32Array, slotOffsets: Int32Array, out: Float64Array, errnos: Int32Array, count: number): void {
  const arrays: Array<[string, unknown, new (...a: never[]) => unknown]> = [
    ['fds', fds, Int32Array], ['specIds', specIds, Int32Array], ['slotOffsets', slotOffsets, Int32Array], ['out', out, Float64Array], ['errnos', errnos, Int32Array],
  ];
  for (const [name, value, type] of arrays) {
    if (!(value instanceof type)) throw new TypeError(`${name} must be a ${type.name}`);
  }
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number ≥ 0, got ${count}`);
  if (count > fds.length || count > specIds.length || count > slotOffsets.length || count > errnos.length) {
    throw new RangeError(`count ${count} is larger than one of the arrays (fds ${fds.length}, specIds ${specIds.length}, slotOffsets ${slotOffsets.length}, errnos ${errnos.length})`);
  }
}

export function createFallbackReader(specs: readonly FormatSpec[]): BatchReader {
  return new FallbackReader(specs);
}
