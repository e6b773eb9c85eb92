// Byte-level parsers for the kernel's cgroup file formats, shared by the TypeScript fallback
// reader and by tests. They write into caller-owned slots and allocate nothing per line, so the
// fallback stays within the performance budget (no string per key, no split()).
//
// Grammar, identical in native/src/parse.cc: tokens are separated by runs of ' ' or '\t',
// lines by '\n'. A number token is `max` (Infinity) or `-?[0-9]+(\.[0-9]+)?`; anything else is
// NaN. Integers at or above 2^62 are unlimited sentinels (Infinity), see formats.ts.

import { FileFormat, type FormatSpec, slotCount, UNLIMITED_THRESHOLD, DEVNO_MINOR_SPAN } from './formats.js';

const SPACE = 0x20;
const TAB = 0x09;
const NL = 0x0a;
const MINUS = 0x2d;
const DOT = 0x2e;
const COLON = 0x3a;
const EQUALS = 0x3d;
const DIGIT0 = 0x30;
const DIGIT9 = 0x39;

function isSep(c: number): boolean {
  return c === SPACE || c === TAB;
}

/** Parses buf[start, end) as a number token; see the grammar above. */
export function parseNumberToken(buf: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (len <= 0) return NaN;
  if (len === 3 && buf[start] === 0x6d && buf[start + 1] === 0x61 && buf[start + 2] === 0x78) return Infinity;
  let i = start;
  let negative = false;
  if (buf[i] === MINUS) {
    negative = true;
    i++;
  }
  const digitsStart = i;
  let value = 0;
  while (i < end && buf[i]! >= DIGIT0 && buf[i]! <= DIGIT9) {
    value = value * 10 + (buf[i]! - DIGIT0);
    i++;
  }
  const intDigits = i - digitsStart;
  if (intDigits === 0) return NaN;
  if (i < end) {
    // Only a fraction may follow: `.[0-9]+` then the end of the token.
    if (buf[i] !== DOT) return NaN;
    i++;
    const fracStart = i;
    while (i < end && buf[i]! >= DIGIT0 && buf[i]! <= DIGIT9) i++;
    if (i === fracStart || i !== end) return NaN;
    // Correctly rounded decimal conversion, as strtod does.
    return Number(latin1(buf, start, end));
  }
  if (intDigits > 15) {
    // Past 15 digits the running double may round differently from the kernel's exact
    // integer; convert the decimal text once, correctly rounded (what (double)strtoull gives).
    value = Number(latin1(buf, digitsStart, end));
  }
  if (value >= UNLIMITED_THRESHOLD) return negative ? -Infinity : Infinity;
  return negative ? -value : value;
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1');
}

/** Precomputed key table: a hash of each key's bytes, verified byte by byte on a hit. */
interface KeyTable {
  readonly keys: readonly Uint8Array[];
  readonly byHash: Map<number, number[]>;
}

function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 2166136261;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 16777619);
  return h >>> 0;
}

function makeKeyTable(keys: readonly string[]): KeyTable {
  const encoded = keys.map((k) => Buffer.from(k, 'latin1'));
  const byHash = new Map<number, number[]>();
  encoded.forEach((bytes, index) => {
    const h = hashBytes(bytes, 0, bytes.length);
    const list = byHash.get(h);
    if (list) list.push(index);
    else byHash.set(h, [index]);
  });
  return { keys: encoded, byHash };
}

function lookupKey(table: KeyTable, buf: Uint8Array, start: number, end: number): number {
  const candidates = table.byHash.get(hashBytes(buf, start, end));
  if (candidates === undefined) return -1;
  const len = end - start;
  for (const index of candidates) {
    const key = table.keys[index]!;
    if (key.length !== len) continue;
    let same = true;
    for (let j = 0; j < len; j++) {
      if (key[j] !== buf[start + j]) {
        same = false;
        break;
      }
    }
    if (same) return index;
  }
  return -1;
}

const PRESSURE_KEYS = makeKeyTable(['avg10', 'avg60', 'avg300', 'total']);

/** Parses DEVNO `MAJ:MIN` in buf[start, end); -1 when it is not one. */
function parseDevno(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  let major = 0;
  let majorDigits = 0;
  while (i < end && buf[i]! >= DIGIT0 && buf[i]! <= DIGIT9) {
    major = major * 10 + (buf[i]! - DIGIT0);
    i++;
    majorDigits++;
  }
  if (majorDigits === 0 || majorDigits > 9 || i >= end || buf[i] !== COLON) return -1;
  i++;
  let minor = 0;
  let minorDigits = 0;
  while (i < end && buf[i]! >= DIGIT0 && buf[i]! <= DIGIT9) {
    minor = minor * 10 + (buf[i]! - DIGIT0);
    i++;
    minorDigits++;
  }
  if (minorDigits === 0 || minorDigits > 9 || i !== end || minor >= DEVNO_MINOR_SPAN) return -1;
  return major * DEVNO_MINOR_SPAN + minor;
}

/** A compiled spec: the FormatSpec plus what the hot path needs precomputed. */
export interface CompiledSpec {
  readonly spec: FormatSpec;
  readonly slots: number;
  readonly keyTable: KeyTable;
}

export function compileSpec(spec: FormatSpec): CompiledSpec {
  return { spec, slots: slotCount(spec), keyTable: makeKeyTable(spec.keys) };
}

/**
 * Parses buf[0, len) as `compiled` into out[offset, offset + slots). Never throws on any
 * content: malformed parts become NaN, unknown keys are ignored.
 */
export function parseInto(compiled: CompiledSpec, buf: Uint8Array, len: number, out: Float64Array, offset: number): void {
  const { spec, slots } = compiled;
  out.fill(NaN, offset, offset + slots);
  switch (spec.format) {
    case FileFormat.Single:
    case FileFormat.Pair:
    case FileFormat.List:
      parseTokens(spec, buf, len, out, offset);
      return;
    case FileFormat.LineCount:
      out[offset] = countLines(buf, len);
      return;
    case FileFormat.Keyed:
      parseKeyed(compiled, buf, len, out, offset);
      return;
    case FileFormat.Pressure:
      parsePressure(buf, len, out, offset);
      return;
    case FileFormat.DeviceKeyed:
    case FileFormat.DeviceLines:
      parseDeviceTable(compiled, buf, len, out, offset);
      return;
  }
}

function parseTokens(spec: FormatSpec, buf: Uint8Array, len: number, out: Float64Array, offset: number): void {
  const wanted = spec.format === FileFormat.Single ? 1 : spec.format === FileFormat.Pair ? 2 : spec.maxRows;
  const base = spec.format === FileFormat.List ? offset + 1 : offset;
  let kept = 0;
  let i = 0;
  while (i < len && kept < wanted) {
    while (i < len && (isSep(buf[i]!) || buf[i] === NL)) i++;
    if (i >= len) break;
    const start = i;
    while (i < len && !isSep(buf[i]!) && buf[i] !== NL) i++;
    out[base + kept] = parseNumberToken(buf, start, i);
    kept++;
  }
  if (spec.format === FileFormat.List) out[offset] = kept;
}

function countLines(buf: Uint8Array, len: number): number {
  let lines = 0;
  let sawContent = false;
  for (let i = 0; i < len; i++) {
    const c = buf[i]!;
    if (c === NL) {
      if (sawContent) lines++;
      sawContent = false;
    } else if (!isSep(c)) {
      sawContent = true;
    }
  }
  if (sawContent) lines++;
  return lines;
}

function parseKeyed(compiled: CompiledSpec, buf: Uint8Array, len: number, out: Float64Array, offset: number): void {
  let i = 0;
  while (i < len) {
    const lineEnd = indexOfNewline(buf, i, len);
    let p = i;
    while (p < lineEnd && isSep(buf[p]!)) p++;
    const keyStart = p;
    while (p < lineEnd && !isSep(buf[p]!)) p++;
    const keyEnd = p;
    if (keyEnd > keyStart) {
      const index = lookupKey(compiled.keyTable, buf, keyStart, keyEnd);
      if (index >= 0) {
        while (p < lineEnd && isSep(buf[p]!)) p++;
        const valueStart = p;
        while (p < lineEnd && !isSep(buf[p]!)) p++;
        out[offset + index] = parseNumberToken(buf, valueStart, p);
      }
    }
    i = lineEnd + 1;
  }
}

function parsePressure(buf: Uint8Array, len: number, out: Float64Array, offset: number): void {
  let i = 0;
  while (i < len) {
    const lineEnd = indexOfNewline(buf, i, len);
    let p = i;
    while (p < lineEnd && isSep(buf[p]!)) p++;
    const kindStart = p;
    while (p < lineEnd && !isSep(buf[p]!)) p++;
    let base = -1;
    if (p - kindStart === 4) {
      const a = buf[kindStart];
      if (a === 0x73 && buf[kindStart + 1] === 0x6f && buf[kindStart + 2] === 0x6d && buf[kindStart + 3] === 0x65) base = 0; // some
      if (a === 0x66 && buf[kindStart + 1] === 0x75 && buf[kindStart + 2] === 0x6c && buf[kindStart + 3] === 0x6c) base = 4; // full
    }
    if (base >= 0) parseAssignments(PRESSURE_KEYS, buf, p, lineEnd, out, offset + base);
    i = lineEnd + 1;
  }
}

/** Parses `k=v` tokens in buf[start, end) into out[base + keyIndex]. */
function parseAssignments(table: KeyTable, buf: Uint8Array, start: number, end: number, out: Float64Array, base: number): void {
  let p = start;
  while (p < end) {
    while (p < end && isSep(buf[p]!)) p++;
    const tokenStart = p;
    while (p < end && !isSep(buf[p]!)) p++;
    const tokenEnd = p;
    let eq = tokenStart;
    while (eq < tokenEnd && buf[eq] !== EQUALS) eq++;
    if (eq < tokenEnd && eq > tokenStart) {
      const index = lookupKey(table, buf, tokenStart, eq);
      if (index >= 0) out[base + index] = parseNumberToken(buf, eq + 1, tokenEnd);
    }
  }
}

function parseDeviceTable(compiled: CompiledSpec, buf: Uint8Array, len: number, out: Float64Array, offset: number): void {
  const { spec, keyTable } = compiled;
  const rowWidth = 1 + spec.keys.length;
  let rows = 0;
  out[offset] = 0;
  let i = 0;
  while (i < len) {
    const lineEnd = indexOfNewline(buf, i, len);
    let p = i;
    while (p < lineEnd && isSep(buf[p]!)) p++;
    const devStart = p;
    while (p < lineEnd && !isSep(buf[p]!)) p++;
    const devno = parseDevno(buf, devStart, p);
    if (devno >= 0) {
      let row = -1;
      for (let r = 0; r < rows; r++) {
        if (out[offset + 1 + r * rowWidth] === devno) {
          row = r;
          break;
        }
      }
      if (row < 0 && rows < spec.maxRows) {
        row = rows++;
        out[offset + 1 + row * rowWidth] = devno;
      }
      if (row >= 0) {
        const base = offset + 1 + row * rowWidth + 1;
        if (spec.format === FileFormat.DeviceKeyed) {
          parseAssignments(keyTable, buf, p, lineEnd, out, base);
        } else {
          while (p < lineEnd && isSep(buf[p]!)) p++;
          const keyStart = p;
          while (p < lineEnd && !isSep(buf[p]!)) p++;
          const index = lookupKey(keyTable, buf, keyStart, p);
          if (index >= 0) {
            while (p < lineEnd && isSep(buf[p]!)) p++;
            const valueStart = p;
            while (p < lineEnd && !isSep(buf[p]!)) p++;
            out[base + index] = parseNumberToken(buf, valueStart, p);
          }
        }
      }
    }
    i = lineEnd + 1;
  }
  out[offset] = rows;
}

function indexOfNewline(buf: Uint8Array, from: number, len: number): number {
  for (let i = from; i < len; i++) if (buf[i] === NL) return i;
  return len;
}

/** Test and tooling helper: parse a whole text as `spec` and return its slots. */
export function parseText(spec: FormatSpec, text: string | Uint8Array): Float64Array {
  const compiled = compileSpec(spec);
  const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const out = new Float64Array(compiled.slots);
  parseInto(compiled, bytes, bytes.length, out, 0);
  return out;
}
