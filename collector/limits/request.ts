// The user's vocabulary (`--memory 512M --cpus 1.5 --unset pids`, or the same keys in a JSON body)
// turned into a LimitRequest: plain data with units in the names, every value parsed and range
// checked. What depends on the host (online CPUs, devices, current usage) is the planner's job.

import { LimitError } from './errors.js';
import {
  parseCpus, parseIntegerIn, parseList, parsePeriodUs, parseSizeBytes, splitDeviceValue,
} from './values.js';

export type IoField = 'readBps' | 'writeBps' | 'readIops' | 'writeIops';

export interface IoLimitRequest {
  /** As the user wrote it (`vda`, `254:0`); `*` = every device that has a limit (unset only). */
  readonly device: string;
  readonly field: IoField;
  /** Bytes/s or IO/s; `max` removes the limit. */
  readonly value: number | 'max';
}

/** `max` = no limit; `default` = the kernel's default for the knob. */
export interface LimitRequest {
  readonly memoryBytes?: number | 'max';
  readonly memoryHighBytes?: number | 'max';
  /** Memory plus swap, as docker's --memory-swap (v1 memsw limit; v2 swap.max = this − memory). */
  readonly memorySwapBytes?: number | 'max';
  readonly cpus?: number | 'max';
  readonly cpuPeriodUs?: number | 'default';
  readonly cpuWeight?: number | 'default';
  readonly cpuShares?: number | 'default';
  /** A kernel list (`0-1`); `all` = everything the parent cgroup has. */
  readonly cpusetCpus?: string;
  readonly cpusetMems?: string;
  readonly io: readonly IoLimitRequest[];
  readonly pidsMax?: number | 'max';
}

/** Every knob of the vocabulary, in the order help and docs list them. */
export const LIMIT_KNOBS = [
  'memory', 'memory-high', 'memory-swap', 'cpus', 'cpu-period', 'cpu-weight', 'cpu-shares',
  'cpuset-cpus', 'cpuset-mems', 'io-read-bps', 'io-write-bps', 'io-read-iops', 'io-write-iops', 'pids',
] as const;
export type LimitKnob = (typeof LIMIT_KNOBS)[number];

const IO_KNOBS: Record<string, IoField> = {
  'io-read-bps': 'readBps', 'io-write-bps': 'writeBps', 'io-read-iops': 'readIops', 'io-write-iops': 'writeIops',
};

/** docker's smallest memory limit; below it a container cannot even start its init. */
export const MIN_MEMORY_BYTES = 6 * 1024 * 1024;
/** PID_MAX_LIMIT on 64-bit kernels. */
export const MAX_PIDS = 4_194_304;
const MAX_IOPS = 1e12;

export const EMPTY_REQUEST: LimitRequest = { io: [] };

function texts(value: unknown, key: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    throw new LimitError('input', `${key} must be a string or number, got ${JSON.stringify(v)}`);
  });
}

function single(value: unknown, key: string): string {
  const list = texts(value, key);
  if (list.length !== 1) throw new LimitError('input', `--${key} is given ${list.length} times; give it once`);
  return list[0]!;
}

function memorySize(text: string, flag: string): number {
  const bytes = parseSizeBytes(text, flag);
  if (bytes < MIN_MEMORY_BYTES) throw new LimitError('input', `${flag} must be at least 6M (docker's minimum), got ${JSON.stringify(text)}`);
  return bytes;
}

/**
 * Parses the vocabulary: keys are the flag names without dashes (`memory`, `io-read-bps`, `unset`),
 * values strings (numbers allowed, for JSON bodies) or lists of them for repeatable keys.
 * Unknown keys are refused so that a typo never silently does nothing.
 */
export function parseLimitRequest(vocabulary: Readonly<Record<string, unknown>>): LimitRequest {
  const request: { -readonly [K in keyof LimitRequest]: LimitRequest[K] } = { io: [] };
  const io: IoLimitRequest[] = [];
  const given = new Set<string>();
  for (const [key, value] of Object.entries(vocabulary)) {
    if (value === undefined) continue;
    if (key === 'unset') continue;
    if (!(LIMIT_KNOBS as readonly string[]).includes(key)) {
      throw new LimitError('input', `unknown limit ${JSON.stringify(key)}; limits are ${LIMIT_KNOBS.join(', ')} (and unset)`);
    }
    given.add(key);
    const flag = `--${key}`;
    switch (key as LimitKnob) {
      case 'memory': request.memoryBytes = memorySize(single(value, key), flag); break;
      case 'memory-high': request.memoryHighBytes = memorySize(single(value, key), flag); break;
      case 'memory-swap': request.memorySwapBytes = memorySize(single(value, key), flag); break;
      case 'cpus': request.cpus = parseCpus(single(value, key), flag); break;
      case 'cpu-period': request.cpuPeriodUs = parsePeriodUs(single(value, key), flag); break;
      case 'cpu-weight': request.cpuWeight = parseIntegerIn(single(value, key), flag, 1, 10_000); break;
      case 'cpu-shares': request.cpuShares = parseIntegerIn(single(value, key), flag, 2, 262_144); break;
      case 'cpuset-cpus': request.cpusetCpus = listText(single(value, key), flag); break;
      case 'cpuset-mems': request.cpusetMems = listText(single(value, key), flag); break;
      case 'pids': request.pidsMax = parseIntegerIn(single(value, key), flag, 1, MAX_PIDS); break;
      default: {
        const field = IO_KNOBS[key]!;
        for (const text of texts(value, key)) {
          const { device, value: rate } = splitDeviceValue(text, flag);
          const parsed = field.endsWith('Bps') ? parseSizeBytes(rate, `${flag} ${device}`) : parseIntegerIn(rate, `${flag} ${device}`, 1, MAX_IOPS);
          io.push({ device, field, value: parsed });
        }
      }
    }
  }
  for (const name of vocabulary.unset === undefined ? [] : texts(vocabulary.unset, 'unset')) {
    applyUnset(request, io, name.trim(), given);
  }
  if (request.cpuWeight !== undefined && request.cpuShares !== undefined) {
    throw new LimitError('input', '--cpu-weight and --cpu-shares set the same knob (cpu.weight on v2, cpu.shares on v1); give one of them');
  }
  const seen = new Set<string>();
  for (const limit of io) {
    const key = `${limit.device}/${limit.field}`;
    if (seen.has(key)) throw new LimitError('input', `the ${limit.field} limit of ${limit.device} is given twice`);
    seen.add(key);
  }
  request.io = io;
  if (isEmptyRequest(request)) {
    throw new LimitError('input', `nothing to change: give at least one of ${LIMIT_KNOBS.map((k) => `--${k}`).join(', ')} or --unset NAME`);
  }
  return request;
}

function listText(text: string, flag: string): string {
  parseList(text, flag);
  return text.trim();
}

function applyUnset(request: { -readonly [K in keyof LimitRequest]: LimitRequest[K] }, io: IoLimitRequest[], name: string, given: Set<string>): void {
  const [knob, device] = name.includes('=') ? [name.slice(0, name.indexOf('=')), name.slice(name.indexOf('=') + 1)] : [name, undefined];
  if (!(LIMIT_KNOBS as readonly string[]).includes(knob)) {
    throw new LimitError('input', `--unset ${JSON.stringify(name)}: unknown limit; limits are ${LIMIT_KNOBS.join(', ')} (io ones take an optional =DEVICE)`);
  }
  if (given.has(knob) && !(knob in IO_KNOBS)) throw new LimitError('input', `--${knob} is both set and unset; give one of them`);
  if (device !== undefined && !(knob in IO_KNOBS)) throw new LimitError('input', `--unset ${name}: only the io limits take a device`);
  switch (knob as LimitKnob) {
    case 'memory': request.memoryBytes = 'max'; break;
    case 'memory-high': request.memoryHighBytes = 'max'; break;
    case 'memory-swap': request.memorySwapBytes = 'max'; break;
    case 'cpus': request.cpus = 'max'; break;
    case 'cpu-period': request.cpuPeriodUs = 'default'; break;
    case 'cpu-weight': request.cpuWeight = 'default'; break;
    case 'cpu-shares': request.cpuShares = 'default'; break;
    case 'cpuset-cpus': request.cpusetCpus = 'all'; break;
    case 'cpuset-mems': request.cpusetMems = 'all'; break;
    case 'pids': request.pidsMax = 'max'; break;
    default: {
      if (device !== undefined && device.trim() === '') throw new LimitError('input', `--unset ${name}: the device after = is empty`);
      io.push({ device: device?.trim() ?? '*', field: IO_KNOBS[knob]!, value: 'max' });
    }
  }
}

export function isEmptyRequest(request: LimitRequest): boolean {
  return request.io.length === 0 && Object.entries(request).every(([k, v]) => k === 'io' || v === undefined);
}
