// The on-disk record of the spool: a 16-byte header and the batch's lines.
//
//   magic "CGS1" | payload length u32 LE | points u32 LE | crc32(length, points, payload) u32 LE | payload
//
// The CRC is what tells a record cut short by kill -9 or a power cut (the tail of the last
// segment) from a whole one; nothing after a bad record in the same segment is trusted.

import { crc32 } from 'node:zlib';

export const RECORD_HEADER_BYTES = 16;
const MAGIC = 0x31534743; // "CGS1" little-endian

export function encodeRecord(lines: readonly string[]): Buffer {
  const payload = Buffer.from(lines.join('\n'), 'utf8');
  const record = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
  record.writeUInt32LE(MAGIC, 0);
  record.writeUInt32LE(payload.length, 4);
  record.writeUInt32LE(lines.length, 8);
  payload.copy(record, RECORD_HEADER_BYTES);
  record.writeUInt32LE(crc32(payload, crc32(record.subarray(4, 12))), 12);
  return record;
}

export interface RecordHeader {
  readonly payloadBytes: number;
  readonly points: number;
  readonly crc: number;
}

/** The header, or undefined when these bytes are not the start of a record. */
export function decodeHeader(bytes: Buffer): RecordHeader | undefined {
  if (bytes.length < RECORD_HEADER_BYTES || bytes.readUInt32LE(0) !== MAGIC) return undefined;
  return { payloadBytes: bytes.readUInt32LE(4), points: bytes.readUInt32LE(8), crc: bytes.readUInt32LE(12) };
}

export function payloadIntact(header: Buffer, payload: Buffer, expected: RecordHeader): boolean {
  return payload.length === expected.payloadBytes && crc32(payload, crc32(header.subarray(4, 12))) === expected.crc;
}

export function decodeLines(payload: Buffer): string[] {
  return payload.length === 0 ? [] : payload.toString('utf8').split('\n');
}

export interface ScanResult {
  /** Offset just past the last whole record: where the segment is cut if anything follows. */
  readonly validEnd: number;
  readonly points: number;
  /** Bytes after validEnd (a torn or corrupt record and whatever followed it). */
  readonly badBytes: number;
  /** Points of the first bad record when its header survived, else 0. */
  readonly badPoints: number;
}

/** Walks the records of one segment's bytes from `start`, checking every CRC. */
export function scanSegment(bytes: Buffer, start: number): ScanResult {
  let offset = start;
  let points = 0;
  while (offset < bytes.length) {
    const headerBytes = bytes.subarray(offset, offset + RECORD_HEADER_BYTES);
    const header = decodeHeader(headerBytes);
    const end = header ? offset + RECORD_HEADER_BYTES + header.payloadBytes : Infinity;
    if (!header || end > bytes.length || !payloadIntact(headerBytes, bytes.subarray(offset + RECORD_HEADER_BYTES, end), header)) {
      return { validEnd: offset, points, badBytes: bytes.length - offset, badPoints: header ? header.points : 0 };
    }
    points += header.points;
    offset = end;
  }
  return { validEnd: offset, points, badBytes: 0, badPoints: 0 };
}
