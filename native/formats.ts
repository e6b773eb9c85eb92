// The file formats the batch reader understands, and the slot layout each one fills.
// This file is the contract between the C++ addon (native/src) and the TypeScript fallback
// (native/fallback.ts): both must produce identical slots for identical bytes.

/**
 * How the kernel lays out one cgroup or proc file. Values are numbered because the addon
 * receives them as integers.
 */
export enum FileFormat {
  /** One number or `max`, e.g. `memory.usage_in_bytes`, `pids.max`. 1 slot. */
  Single = 0,
  /** `key value` lines, e.g. `memory.stat`, `cpu.stat`. One slot per listed key, in key order. */
  Keyed = 1,
  /** PSI: `some avg10=… avg60=… avg300=… total=…` and `full …`. 8 slots (some ×4, full ×4). */
  Pressure = 2,
  /** `MAJ:MIN key=value …` rows, e.g. v2 `io.stat`. Device-table layout (see below). */
  DeviceKeyed = 3,
  /** `MAJ:MIN Key value` lines, e.g. v1 `blkio.throttle.io_service_bytes`. Device-table layout. */
  DeviceLines = 4,
  /** Whitespace-separated numbers, e.g. `cpuacct.usage_percpu`. Slot 0 = count kept, then values. */
  List = 5,
  /** Two numbers on one line, e.g. v2 `cpu.max` (`max 100000`). 2 slots. */
  Pair = 6,
  /** Number of non-empty lines, e.g. `cgroup.procs`. 1 slot. */
  LineCount = 7,
}

export interface FormatSpec {
  readonly format: FileFormat;
  /** Keys whose values are wanted (Keyed, DeviceKeyed, DeviceLines); empty for the others. */
  readonly keys: readonly string[];
  /** Rows kept for the device formats and List; ignored by the others. */
  readonly maxRows: number;
}

/**
 * Values at or above 2^62 are the kernel's "unlimited" sentinels (v1 memory limits read
 * 9223372036854771712 = 2^63 − 4096; RLIM_INFINITY-like values), so they become Infinity, as
 * `max` does. Counters between 2^53 and 2^62 keep the nearest double (relative error < 1e-16):
 * a cumulative counter is not a sentinel, and calling it unlimited would be a lie.
 */
export const UNLIMITED_THRESHOLD = 2 ** 62;

/**
 * Device tables: slot 0 = rows kept (≤ maxRows); then per row: slot 0 = device number
 * `major * 2^20 + minor` (Linux minors are 20 bits), then one slot per key.
 * Rows are kept in order of first appearance; a key absent from a row is NaN.
 */
export const DEVNO_MINOR_BITS = 20;
export const DEVNO_MINOR_SPAN = 2 ** DEVNO_MINOR_BITS;

export function deviceNumber(major: number, minor: number): number {
  return major * DEVNO_MINOR_SPAN + minor;
}

export function splitDeviceNumber(devno: number): { major: number; minor: number } {
  return { major: Math.floor(devno / DEVNO_MINOR_SPAN), minor: devno % DEVNO_MINOR_SPAN };
}

export const PRESSURE_SLOTS = 8;

export function slotCount(spec: FormatSpec): number {
  switch (spec.format) {
    case FileFormat.Single:
    case FileFormat.LineCount:
      return 1;
    case FileFormat.Pair:
      return 2;
    case FileFormat.Keyed:
      return spec.keys.length;
    case FileFormat.Pressure:
      return PRESSURE_SLOTS;
    case FileFormat.DeviceKeyed:
    case FileFormat.DeviceLines:
      return 1 + spec.maxRows * (1 + spec.keys.length);
    case FileFormat.List:
      return 1 + spec.maxRows;
  }
}

export function formatSpec(format: FileFormat, keys: readonly string[] = [], maxRows = 0): FormatSpec {
  return Object.freeze({ format, keys: Object.freeze([...keys]), maxRows });
}

/**
 * The reader's face: one batch call over caller-owned memory. For every i < count it reads
 * fds[i] whole from offset 0 and parses it as specs[specIds[i]] into out[slotOffsets[i]…].
 * errnos[i] becomes 0, or the errno of the failed read (its slots are then all NaN).
 * ENODEV/ENOENT mean the cgroup is gone. Returns the number of failed files.
 */
export interface BatchReader {
  readonly kind: 'native' | 'fallback';
  readAll(
    fds: Int32Array,
    specIds: Int32Array,
    slotOffsets: Int32Array,
    out: Float64Array,
    errnos: Int32Array,
    count: number,
  ): number;
}

export type BatchReaderFactory = (specs: readonly FormatSpec[]) => BatchReader;
