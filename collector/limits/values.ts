// Pure parsers for the values users give to `cgmeter limit` and the limits API: sizes, CPU counts,
// periods, CPU/node lists, device rates. Each throws a LimitError('input') that says what was
// wrong and what form would be right; none touches the filesystem.

import { LimitError } from './errors.js';

/** Binary multipliers, as docker reads `--memory 512m` (k, m, g… are all powers of 1024). */
const SIZE_MULTIPLIERS: Record<string, number> = {
  '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5,
};

/** Largest size accepted: above 2^53 bytes a double no longer holds every byte count exactly. */
export const MAX_SIZE_BYTES = 2 ** 53;

/**
 * `512M`, `1G`, `1.5GiB`, `64m`, `100MB`, `4096`, `4096B` → bytes (binary multiples, rounded down
 * to a whole byte). Negative numbers, `0`, unknown units and `max` are refused.
 */
export function parseSizeBytes(text: string, flag: string): number {
  const trimmed = text.trim();
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)(i?b)?$/i.exec(trimmed);
  if (!m || (m[3] !== undefined && m[3].toLowerCase() === 'ib' && m[2] === '')) {
    throw new LimitError('input', `${flag} ${JSON.stringify(text)} is not a size; use forms like 512M, 1G, 1.5GiB or a number of bytes${hintFor(trimmed, flag)}`);
  }
  const bytes = Math.floor(Number(m[1]) * SIZE_MULTIPLIERS[m[2]!.toLowerCase()]!);
  if (!(bytes > 0)) throw new LimitError('input', `${flag} must be greater than zero, got ${JSON.stringify(text)}${hintFor(trimmed, flag)}`);
  if (bytes > MAX_SIZE_BYTES) throw new LimitError('input', `${flag} ${JSON.stringify(text)} is larger than 8PiB; for no limit use --unset ${flag.replace(/^--/, '')}`);
  return bytes;
}

function hintFor(text: string, flag: string): string {
  const name = flag.replace(/^--/, '').replace(/=.*$/, '');
  if (/^(max|-1|unlimited|none)$/i.test(text)) return `; for no limit use --unset ${name}`;
  if (text.startsWith('-')) return '; sizes cannot be negative';
  return '';
}

/** `1.5` → cores. Must be more than zero; the host check (≤ online CPUs) is the planner's. */
export function parseCpus(text: string, flag = '--cpus'): number {
  const trimmed = text.trim();
  if (!/^\d+(?:\.\d+)?$/.test(trimmed)) {
    throw new LimitError('input', `${flag} ${JSON.stringify(text)} is not a number of CPUs; use forms like 0.5, 1, 1.5${hintFor(trimmed, flag)}`);
  }
  const cpus = Number(trimmed);
  if (!(cpus > 0)) throw new LimitError('input', `${flag} must be more than 0 (0.5 = half a core), got ${JSON.stringify(text)}; for no limit use --unset cpus`);
  return cpus;
}

const PERIOD_UNITS_US: Record<string, number> = { us: 1, 'µs': 1, ms: 1000, s: 1_000_000 };
/** The kernel's CFS bandwidth period bounds: 1 ms to 1 s. */
export const MIN_CPU_PERIOD_US = 1000;
export const MAX_CPU_PERIOD_US = 1_000_000;

/** `100ms`, `0.5s`, `50000us`, or a bare number of microseconds (docker's --cpu-period). */
export function parsePeriodUs(text: string, flag = '--cpu-period'): number {
  const m = /^(\d+(?:\.\d+)?)\s*(us|µs|ms|s)?$/.exec(text.trim());
  if (!m) throw new LimitError('input', `${flag} ${JSON.stringify(text)} is not a duration; use forms like 100ms, 50ms, 1s or microseconds (100000)`);
  const us = Math.round(Number(m[1]) * PERIOD_UNITS_US[m[2] ?? 'us']!);
  if (us < MIN_CPU_PERIOD_US || us > MAX_CPU_PERIOD_US) {
    throw new LimitError('input', `${flag} must be between 1ms and 1s (the kernel's CFS period bounds), got ${JSON.stringify(text)}`);
  }
  return us;
}

/** A whole number in [min, max], e.g. `--pids 256`, `--cpu-weight 100`. */
export function parseIntegerIn(text: string, flag: string, min: number, max: number): number {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) {
    throw new LimitError('input', `${flag} ${JSON.stringify(text)} is not a whole number; use a number from ${min} to ${max}${hintFor(trimmed, flag)}`);
  }
  const value = Number(trimmed);
  if (value < min || value > max) throw new LimitError('input', `${flag} must be from ${min} to ${max}, got ${value}`);
  return value;
}

/** The members of a kernel list (`0-3,6,8-9`): CPUs or memory nodes. */
export function expandList(text: string): number[] {
  const members: number[] = [];
  for (const part of text.trim().split(',')) {
    if (part === '') continue;
    const [a, b] = part.split('-').map(Number);
    for (let i = a!; i <= (b ?? a)!; i++) members.push(i);
  }
  return members;
}

/** Validates a CPU or node list's syntax (`0-1`, `0,2`, `0-3,6`) and returns its members. */
export function parseList(text: string, flag: string): number[] {
  const trimmed = text.trim();
  if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(trimmed)) {
    throw new LimitError('input', `${flag} ${JSON.stringify(text)} is not a list; use forms like 0, 0-1, 0,2 or 0-3,6`);
  }
  for (const part of trimmed.split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (b !== undefined && b < a!) throw new LimitError('input', `${flag}: range ${part} goes backwards; write it as ${b}-${a}`);
    if ((b ?? a)! > 8191) throw new LimitError('input', `${flag}: ${b ?? a} is beyond any CPU or node number the kernel supports`);
  }
  return expandList(trimmed);
}

/** `vda=50M` → device and value text; the device is resolved later against the host. */
export function splitDeviceValue(text: string, flag: string): { device: string; value: string } {
  const at = text.lastIndexOf('=');
  if (at <= 0 || at === text.length - 1) {
    throw new LimitError('input', `${flag} ${JSON.stringify(text)} must be DEVICE=VALUE, e.g. vda=50M or 254:0=50M`);
  }
  return { device: text.slice(0, at).trim(), value: text.slice(at + 1).trim() };
}
