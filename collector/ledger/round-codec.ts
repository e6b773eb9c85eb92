// The encoding of one recorded round of Samples (the `sample_rounds` table, see recorder.ts): each
// Sample as the change from the same cgroup's Sample in the round before it, in JSON, compressed.
// A key round is the same encoding against nothing, so every Sample in it is whole. Pure and exact:
// decoding gives back Samples equal to the ones encoded, to the last bit of every number.
//
// An entry says how a value differs from its previous value:
//   null                  the value is gone (undefined)
//   number|string|bool    the value is this
//   [d] or [d, k]         a number: (round(previous × 10^k) + d) / 10^k — counters grow by small steps,
//                         and a step has fewer digits than the counter (checked exact when written)
//   {"x": "inf"|"-inf"|"nan"}   a number JSON cannot hold (unlimited is Infinity)
//   {"o": {key: entry}}   an object: the previous one (or {}) with these keys changed
//   {"a": {index: entry}, "n": length}   an array: the previous one (or []) at this length, these indices changed
// Unchanged values have no entry, so a round of steady containers is mostly their moving counters.

import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { CgroupSample } from '../model/sample.js';

export type Entry = null | number | string | boolean | [number] | [number, number]
  | { x: 'inf' | '-inf' | 'nan' } | { o: Record<string, Entry> } | { a: Record<string, Entry>; n: number };

/** The first byte of a stored round: how the rest is encoded (so that another encoding can follow). */
const FORMAT_DEFLATE_JSON = 1;
/** zlib's default level: on bench rounds level 9 saved 2% of the bytes for 1.7× the CPU, level 1 stored 27% more. */
const DEFLATE_LEVEL = 6;
/** More decimals than any kernel counter has (ns as seconds: 9): such numbers are stored whole. */
const MAX_DECIMALS = 9;
const POW10 = Array.from({ length: MAX_DECIMALS + 1 }, (_, k) => 10 ** k);

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A number's entry: a step from `previous` when that is exact and shorter, else the number itself. */
function numberEntry(previous: unknown, current: number): Entry {
  if (!Number.isFinite(current)) return { x: Number.isNaN(current) ? 'nan' : current > 0 ? 'inf' : '-inf' };
  if (typeof previous !== 'number' || !Number.isFinite(previous)) return current;
  const text = String(current);
  if (text.length <= 3 || text.includes('e')) return current;
  const dot = text.indexOf('.');
  const k = dot < 0 ? 0 : text.length - dot - 1;
  if (k > MAX_DECIMALS) return current;
  const scale = POW10[k]!;
  const scaled = Math.round(current * scale);
  const previousScaled = Math.round(previous * scale);
  const step = scaled - previousScaled;
  // Exact or not at all: the decoder computes previousScaled the same way from the same double.
  if (!Number.isSafeInteger(scaled) || !Number.isSafeInteger(previousScaled) || !Number.isSafeInteger(step)) return current;
  if ((previousScaled + step) / scale !== current) return current;
  const stepLength = String(step).length + (k === 0 ? 2 : 3 + String(k).length);
  if (stepLength >= text.length) return current;
  return k === 0 ? [step] : [step, k];
}

/** How `current` differs from `previous`; undefined when they are equal (nothing to store). */
export function diffValue(previous: unknown, current: unknown): Entry | undefined {
  if (current === previous) return undefined;
  if (current === undefined) return null;
  switch (typeof current) {
    case 'number':
      if (Number.isNaN(current) && typeof previous === 'number' && Number.isNaN(previous)) return undefined;
      return numberEntry(previous, current);
    case 'string':
    case 'boolean':
      return current;
    case 'object':
      break;
    default:
      throw new TypeError(`a Sample holds only plain data; found a ${typeof current}`);
  }
  if (current === null) return null;
  if (Array.isArray(current)) {
    const base = Array.isArray(previous) ? previous : undefined;
    const changed: Record<string, Entry> = {};
    let any = false;
    for (let i = 0; i < current.length; i++) {
      const entry = diffValue(base?.[i], current[i]);
      if (entry !== undefined) {
        changed[i] = entry;
        any = true;
      }
    }
    if (!any && base !== undefined && base.length === current.length) return undefined;
    return { a: changed, n: current.length };
  }
  const base = isObject(previous) ? previous : undefined;
  const changed: Record<string, Entry> = {};
  let any = false;
  for (const key of Object.keys(current)) {
    // Own keys only: an inherited value (Object.prototype for a label called __proto__) is no previous value.
    const entry = diffValue(base !== undefined && Object.hasOwn(base, key) ? base[key] : undefined, (current as Record<string, unknown>)[key]);
    if (entry !== undefined) {
      setKey(changed, key, entry);
      any = true;
    }
  }
  if (base !== undefined) {
    for (const key of Object.keys(base)) {
      if (base[key] !== undefined && !Object.hasOwn(current, key)) {
        setKey(changed, key, null);
        any = true;
      }
    }
    if (!any) return undefined;
  }
  return { o: changed };
}

/** Sets an own key (deletes it for undefined), also one called __proto__. */
function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined) delete target[key];
  // A label may be called __proto__: assignment would set the prototype instead.
  else if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** The value `entry` describes, given the previous value; shares what did not change. */
export function applyEntry(previous: unknown, entry: Entry): unknown {
  if (entry === null) return undefined;
  if (typeof entry !== 'object') return entry;
  if (Array.isArray(entry)) {
    if (typeof previous !== 'number') throw new Error('recorded round: a step for a value that was not a number (the chain is broken)');
    const scale = POW10[entry[1] ?? 0]!;
    return (Math.round(previous * scale) + entry[0]) / scale;
  }
  if ('x' in entry) return entry.x === 'inf' ? Infinity : entry.x === '-inf' ? -Infinity : NaN;
  if ('o' in entry) {
    const out: Record<string, unknown> = isObject(previous) ? { ...previous } : {};
    for (const key of Object.keys(entry.o)) setKey(out, key, applyEntry(Object.hasOwn(out, key) ? out[key] : undefined, entry.o[key]!));
    return out;
  }
  const out: unknown[] = Array.isArray(previous) ? previous.slice(0, entry.n) : [];
  out.length = entry.n;
  for (const key of Object.keys(entry.a)) out[Number(key)] = applyEntry(out[Number(key)], entry.a[key]!);
  return out;
}

/**
 * What both ends keep between the rounds of one chain: a number per cgroup path (its slot, fixed
 * for the chain) and each slot's Sample in the round before. The writer's state is only replaced
 * once the round committed, so that the stored chain and the writer never disagree.
 */
export interface ChainState {
  readonly slots: ReadonlyMap<string, number>;
  readonly previous: ReadonlyMap<number, CgroupSample>;
}

interface RoundJson {
  /** [slot, entry] for every Sample of the round, in the collector's order. */
  readonly s: Array<[number, Entry]>;
}

export interface EncodedRound {
  readonly body: Buffer;
  /** Bytes of JSON before compression (for the bench and the docs' figures). */
  readonly jsonBytes: number;
  readonly next: ChainState;
}

/** Encodes a round against the chain so far (undefined: a key round, every Sample whole). */
export function encodeRound(samples: readonly CgroupSample[], chain: ChainState | undefined): EncodedRound {
  const slots = new Map(chain?.slots);
  const previous = new Map<number, CgroupSample>();
  const entries: Array<[number, Entry]> = [];
  for (const sample of samples) {
    let slot = slots.get(sample.path);
    if (slot === undefined) {
      slot = slots.size;
      slots.set(sample.path, slot);
    }
    // A cgroup absent from the round before has no previous: its entry is whole.
    entries.push([slot, diffValue(chain?.previous.get(slot), sample) ?? { o: {} }]);
    previous.set(slot, sample);
  }
  const json = Buffer.from(JSON.stringify({ s: entries } satisfies RoundJson));
  const compressed = deflateRawSync(json, { level: DEFLATE_LEVEL });
  const body = Buffer.allocUnsafe(compressed.length + 1);
  body[0] = FORMAT_DEFLATE_JSON;
  compressed.copy(body, 1);
  return { body, jsonBytes: json.length, next: { slots, previous } };
}

export interface DecodedRound {
  readonly samples: CgroupSample[];
  readonly next: ChainState;
}

/** Decodes a round stored by encodeRound against the same chain state the writer had. */
export function decodeRound(body: Uint8Array, chain: ChainState | undefined): DecodedRound {
  if (body[0] !== FORMAT_DEFLATE_JSON) throw new Error(`recorded round in an unknown format (${body[0]}): written by a newer cgmeter?`);
  const round = JSON.parse(inflateRawSync(body.subarray(1)).toString('utf8')) as RoundJson;
  const previous = new Map<number, CgroupSample>();
  const samples: CgroupSample[] = [];
  for (const [slot, entry] of round.s) {
    const sample = applyEntry(chain?.previous.get(slot), entry) as CgroupSample;
    previous.set(slot, sample);
    samples.push(sample);
  }
  // The reader needs no path → slot map: slots only name the previous round's Samples.
  return { samples, next: { slots: chain?.slots ?? new Map(), previous } };
}
