// The recorded-round encoding: every value comes back exactly (numbers to the bit, Infinity, NaN,
// removed fields, arrays that grow and shrink, odd label keys), steps are used only where they are
// exact and shorter, and a chain of rounds decodes to the Samples it was made from.
import { describe, expect, it } from 'vitest';
import { applyEntry, decodeRound, diffValue, encodeRound, type ChainState } from '../../collector/ledger/round-codec.js';
import { RealisticFleet, seededRandom } from '../../bench/record-samples.js';
import type { CgroupSample } from '../../collector/model/sample.js';

/** Deep equality that tells 0.1 + 0.2 from 0.3, NaN from undefined, and a missing key from one set to undefined's absence. */
function sameBits(a: unknown, b: unknown, where = '$'): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (!Object.is(a, b)) throw new Error(`${where}: ${a} !== ${b}`);
    return;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    if (a !== b) throw new Error(`${where}: ${String(a)} !== ${String(b)}`);
    return;
  }
  if (Array.isArray(a) !== Array.isArray(b)) throw new Error(`${where}: array vs object`);
  const keys = (o: object) => Object.keys(o).filter((k) => (o as Record<string, unknown>)[k] !== undefined).sort();
  expect(keys(a), where).toEqual(keys(b));
  if (Array.isArray(a)) expect(a.length, where).toBe((b as unknown[]).length);
  for (const k of keys(a)) sameBits((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${where}.${k}`);
}

const roundTrip = (previous: unknown, current: unknown) => {
  const entry = diffValue(previous, current);
  // Through JSON, as stored.
  return entry === undefined ? previous : applyEntry(previous, JSON.parse(JSON.stringify(entry)));
};

describe('entries', () => {
  it('stores nothing for an equal value, and a step only when it is exact and shorter', () => {
    expect(diffValue({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 2] } })).toBeUndefined();
    expect(diffValue(NaN, NaN)).toBeUndefined();
    expect(diffValue(214_700_032, 214_704_128)).toEqual([4096]);
    expect(diffValue(36.131827174, 36.132827111)).toEqual([999937, 9]);
    expect(diffValue(36.131827174, 36.632827111)).toBe(36.632827111); // [500999937,9] is longer
    expect(diffValue(5116.763121, 5116.773122)).toEqual([10001, 6]);
    expect(diffValue(3.28, 3.5)).toBe(3.5);
    // Not shorter: the value itself.
    expect(diffValue(1, 2)).toBe(2);
    expect(diffValue(5, 1_000_000_005)).toBe(1_000_000_005);
    // Not exact as a decimal of ≤ 9 places, or beyond 2^53 when scaled: the value itself.
    expect(diffValue(0.1, 0.1 + 0.2)).toBe(0.1 + 0.2);
    expect(diffValue(1795633689204.0945, 1795633689205.0945)).toBe(1795633689205.0945);
    expect(diffValue(1e21, 2e21)).toBe(2e21);
    expect(diffValue(Infinity, 5_000_000)).toBe(5_000_000);
    expect(diffValue(5, Infinity)).toEqual({ x: 'inf' });
    expect(diffValue({ a: 1, b: 2 }, { a: 1 })).toEqual({ o: { b: null } });
    expect(diffValue({ a: 1, b: 2 }, { a: 1, b: undefined })).toEqual({ o: { b: null } });
  });

  it('gives every value back exactly', () => {
    const cases: Array<[unknown, unknown]> = [
      [undefined, { a: Infinity, b: -Infinity, c: NaN, d: -0.5, e: 'max', f: true, g: [1, undefined, 3], h: {} }],
      [{ a: Infinity }, { a: 1 }],
      [{ list: [1, 2, 3] }, { list: [1, 2] }],
      [{ list: [1, 2] }, { list: [1, 2, 3, { x: 1 }] }],
      [{ list: [{ a: 1, b: 2 }] }, { list: [{ a: 1 }] }],
      [{ o: { p: 1 } }, { o: [1] }],
      [{ o: [1] }, { o: { p: 1 } }],
      [{ n: 1 }, { n: 'one' }],
      [{ n: 'one' }, { n: 1 }],
      [{ deep: { er: { est: 1 } } }, { deep: { er: {} } }],
      [{ big: 2 ** 60 }, { big: 2 ** 60 + 2 ** 10 }],
      [{ f: 0.1 }, { f: 0.30000000000000004 }],
      [{ f: -2.5 }, { f: 7.25 }],
      [{ f: 123456789.123456789 }, { f: 123456790.1 }],
      [{ tiny: 1e-7 }, { tiny: 2e-7 }],
      // JSON.parse makes __proto__ an own key, as a label read from an engine's JSON would be.
      [undefined, { labels: JSON.parse('{"__proto__": "x", "a.b": "c", "": "empty", "constructor": "y"}') }],
      [{ labels: JSON.parse('{"__proto__": "x"}') }, { labels: JSON.parse('{"__proto__": "z"}') }],
    ];
    for (const [previous, current] of cases) {
      const back = roundTrip(previous, current);
      sameBits(back, current);
      expect(Object.getPrototypeOf(back ?? {})).toBe(Array.isArray(current) ? Array.prototype : Object.prototype);
      const labels = (back as { labels?: object }).labels;
      if (labels) expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
    }
  });

  it('keeps random walks of counters exact over 2,000 steps', () => {
    const random = seededRandom(7);
    const decimals = [0, 2, 3, 6, 9];
    let previous: Record<string, number> | undefined;
    let decoded: unknown;
    const state: Record<string, number> = { a: 0, b: 0, c: 0, d: 0, e: 0, f: 0 };
    for (let i = 0; i < 2000; i++) {
      const keys = Object.keys(state);
      keys.forEach((key, j) => {
        const k = decimals[j % decimals.length]!;
        // Grows like a counter, sometimes jumps back (a reset), sometimes a float with no short decimal.
        const step = Math.floor(random() * 10 ** (1 + Math.floor(random() * 8))) / 10 ** k;
        state[key] = random() < 0.02 ? step : j === 5 && random() < 0.3 ? random() * 1e6 : Number((state[key]! + step).toFixed(k));
      });
      const current = { ...state };
      const entry = diffValue(previous, current);
      decoded = entry === undefined ? decoded : applyEntry(decoded, JSON.parse(JSON.stringify(entry)));
      sameBits(decoded, current, `step ${i}`);
      previous = current;
    }
  });
});

describe('rounds', () => {
  it('decode to the Samples encoded, across a chain where containers come and go', () => {
    const fleet = new RealisticFleet(30, 3);
    let writer: ChainState | undefined;
    let reader: ChainState | undefined;
    let deltaBytes = 0;
    let keyBytes = 0;
    for (let k = 0; k < 12; k++) {
      let samples: CgroupSample[] = fleet.round(1_795_633_720_000 + k * 10_000, 10);
      // Container 5 leaves in round 4 and comes back in round 7 (a new incarnation); one new from round 9.
      if (k >= 4 && k < 7) samples = samples.filter((_, i) => i !== 5);
      if (k >= 7) samples = samples.map((s, i) => (i === 5 ? { ...s, inode: 99, cpu: { usageSeconds: 0.01 * k } } : s));
      if (k >= 9) samples = [...samples, { ...samples[0]!, path: '/docker/late', identity: { ...samples[0]!.identity, id: 'late', name: 'late' } }];
      const encoded = encodeRound(samples, writer);
      if (k === 0) keyBytes = encoded.body.length;
      else deltaBytes = Math.max(deltaBytes, encoded.body.length);
      const decoded = decodeRound(encoded.body, reader);
      writer = encoded.next;
      reader = decoded.next;
      expect(decoded.samples.map((s) => s.path)).toEqual(samples.map((s) => s.path));
      sameBits(decoded.samples, samples, `round ${k}`);
    }
    // The point of the encoding: a round of changes is a fraction of a round of whole Samples.
    expect(deltaBytes).toBeLessThan(keyBytes / 2);
  });

  it('refuses a body in a format it does not know', () => {
    const body = encodeRound([], undefined).body;
    body[0] = 9;
    expect(() => decodeRound(body, undefined)).toThrow(/unknown format \(9\)/);
  });
});
