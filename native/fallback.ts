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
    let failures = 0;
    for (let i = 0; i < count; i++) {
      const compiled = this.compiled[specIds[i]!];
      if (compiled === undefined) throw new RangeError(`specIds[${i}] = ${specIds[i]} names no registered spec`);
      const offset = slotOffsets[i]!;
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

export function createFallbackReader(specs: readonly FormatSpec[]): BatchReader {
  return new FallbackReader(specs);
}
