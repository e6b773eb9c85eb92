// "Native equals fallback": random files made from real kernel lines, mutated the ways files
// break or surprise (truncation, random bytes, huge and odd numbers, extra separators, missing
// newlines, duplicate keys and rows), read by both readers; every slot must agree, NaN included.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { FileFormat, createFallbackReader, formatSpec, slotCount, type FormatSpec } from '../../native/index.js';
import { NATIVE, TempFiles, readFds, sameSlot } from './harness.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'native');
const fixtureLines = (...files: string[]) =>
  files.flatMap((f) => readFileSync(join(FIXTURES, f), 'latin1').split('\n').filter((line) => line !== ''));

// Real lines per format, and the keys a spec may ask for (plus some that never match).
const CORPUS: Record<FileFormat, { lines: string[]; keys: string[] }> = {
  [FileFormat.Single]: { lines: fixtureLines('v1/docker-a/cpuacct.usage', 'v1/root/memory.limit_in_bytes', 'v1/docker/pids.max', 'v1/docker-b/cpu.cfs_quota_us'), keys: [] },
  [FileFormat.Keyed]: {
    lines: fixtureLines('v1/docker-a/memory.stat', 'v2/docker-a/cpu.stat', 'v2/burstable-app/memory.events', 'v1/docker-b/pids.events'),
    // Non-Latin-1 keys: both readers take the low byte of each UTF-16 unit ('latin1').
    keys: ['rss', 'cache', 'hierarchical_memory_limit', 'usage_usec', 'nr_throttled', 'max', 'oom_kill', 'low', 'swap', 'Rss', 'r', 'caf\u00e9', '\u0100x'],
  },
  [FileFormat.Pressure]: { lines: fixtureLines('v2/docker-a/cpu.pressure', 'v2/root/cpu.pressure'), keys: [] },
  [FileFormat.DeviceKeyed]: {
    lines: [...fixtureLines('v2/docker-a/io.stat', 'v2/libpod/io.max', 'v2/docker-a/io.max'), '8:16 rbytes=1 wbytes=2', '253:0 rbps=max'],
    keys: ['rbytes', 'wbytes', 'rios', 'wios', 'dbytes', 'rbps', 'riops', 'wiops', 'x'],
  },
  [FileFormat.DeviceLines]: {
    lines: [...fixtureLines('v1/docker-a/blkio.throttle.io_service_bytes'), '8:0 Read 4096', '8:16 Write 12', '8:0 Total 4108'],
    keys: ['Read', 'Write', 'Sync', 'Async', 'Discard', 'Total', 'read'],
  },
  [FileFormat.List]: { lines: fixtureLines('v1/docker-a/cpuacct.usage_percpu'), keys: [] },
  [FileFormat.Pair]: { lines: fixtureLines('v2/docker-a/cpu.max', 'v2/docker-b/cpu.max'), keys: [] },
  [FileFormat.LineCount]: { lines: fixtureLines('v1/docker-a/cgroup.procs', 'v2/docker-a/cgroup.procs'), keys: [] },
};
const FORMATS = Object.values(FileFormat).filter((v): v is FileFormat => typeof v === 'number');

// Numbers that sit on the parsers' edges: 15/16+ digits, 2^53, 2^62 ± rounding, -0, fractions.
const ODD_NUMBERS = [
  '0', '-0', '-1', '9007199254740993', '4611686018427387903', '4611686018427387904', '4611686018427387392',
  '9223372036854771712', '18446744073709551615', '18446744073709551616', '123456789012345678901234567890',
  '0000000000000000000000012', '0.25', '-0.0', '30.17', '1.', '.5', '1.5.5', 'max', 'MAX', '-max', '1e5', '0x10', '+7',
  '99999999999999999999.5', `0.${'0'.repeat(330)}1`, `1${'0'.repeat(310)}.5`, '4611686018427387904.0', '=',
];
// Device numbers at the edges: 9- and 10-digit majors, the largest 20-bit minor and one past.
const deviceToken = fc.oneof(
  fc.constantFrom('0:0', '254:0', '8:16', '999999999:1048575', '1234567890:0', '254:1048575', '254:1048576', '254:', ':0', '2540'),
  fc.stringMatching(/^[0-9]{1,11}:[0-9]{1,8}$/),
);
const numberToken = fc.oneof(
  fc.constantFrom(...ODD_NUMBERS),
  fc.stringMatching(/^-?[0-9]{1,25}(\.[0-9]{1,25})?$/),
  fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String),
);
const separator = fc.constantFrom(' ', '\t', '  ', ' \t ', '\t\t');

/** One line: a corpus line with some tokens replaced and its separators changed. */
const lineOf = (format: FileFormat) =>
  fc
    .tuple(
      fc.constantFrom(...CORPUS[format].lines),
      fc.array(fc.tuple(fc.nat(), numberToken), { maxLength: 2 }),
      fc.array(separator, { minLength: 8, maxLength: 8 }),
      fc.boolean(),
      fc.option(deviceToken, { freq: 2 }),
    )
    .map(([line, replacements, seps, keepSeps, device]) => {
      const tokens = line.split(/[ \t]+/);
      if (device !== null && /^\d+:\d+$/.test(tokens[0]!)) tokens[0] = device;
      for (const [at, token] of replacements) {
        // Mostly values: a damaged key or device number only drops its line, which says less.
        const i = tokens.length > 1 && at % 5 !== 0 ? 1 + (at % (tokens.length - 1)) : at % tokens.length;
        const eq = tokens[i]!.indexOf('=');
        tokens[i] = eq >= 0 && at % 2 === 0 ? tokens[i]!.slice(0, eq + 1) + token : token; // keep `key=` half the time
      }
      return keepSeps ? tokens.join(' ') : tokens.map((t, i) => (i === 0 ? t : seps[i % seps.length] + t)).join('');
    });

/** A whole file: lines (duplicates allowed), optional trailing newline, then byte-level damage. */
const fileOf = (format: FileFormat) =>
  fc
    .tuple(
      fc.array(lineOf(format), { maxLength: 12 }),
      fc.constantFrom('\n', '\n', '\n', '\n', '\r\n', '\n\n', '\n \t\n'),
      fc.boolean(),
      fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat() }), // truncate at
      fc.array(fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 4 })), { maxLength: 2 }),
    )
    .map(([lines, newline, trailing, truncateAt, inserts]) => {
      let bytes = Buffer.from(lines.join(newline) + (trailing ? newline : ''), 'latin1');
      for (const [at, junk] of inserts) {
        const i = bytes.length === 0 ? 0 : at % bytes.length;
        bytes = Buffer.concat([bytes.subarray(0, i), junk, bytes.subarray(i)]);
      }
      if (truncateAt !== undefined && bytes.length > 0) bytes = bytes.subarray(0, truncateAt % (bytes.length + 1));
      return bytes;
    });

const specOf = (format: FileFormat) =>
  fc
    .tuple(fc.array(fc.constantFrom(...(CORPUS[format].keys.length ? CORPUS[format].keys : ['unused'])), { maxLength: 6 }), fc.nat({ max: 5 }))
    .map(([keys, maxRows]) => formatSpec(format, keys, maxRows)); // duplicate spec keys included

const caseOf = (format: FileFormat) =>
  fc.tuple(specOf(format), fc.oneof({ weight: 6, arbitrary: fileOf(format) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) }));

// One generated sample: a file for every format, read in one batch.
const sample = fc.tuple(...FORMATS.map(caseOf));

describe.skipIf(NATIVE.skip !== undefined)(`native equals fallback${NATIVE.skip ? ` (skipped: ${NATIVE.skip})` : ''}`, () => {
  // Made in beforeAll, not at collection: a skipped suite runs no afterAll to clean up.
  let temp: TempFiles;
  let paths: string[] = [];
  beforeAll(() => {
    temp = new TempFiles();
    paths = FORMATS.map(() => temp.write(''));
  });
  afterAll(() => temp.remove());

  it('every slot, errno and failure count agree on mutated kernel files (fixed seed)', () => {
    fc.assert(
      fc.property(sample, (cases) => {
        cases.forEach(([, bytes], i) => writeFileSync(paths[i]!, bytes));
        const specs: FormatSpec[] = cases.map(([spec]) => spec);
        const fds = paths.map((p) => openSync(p, 'r'));
        try {
          const native = readFds(NATIVE.create, fds, specs);
          const fallback = readFds(createFallbackReader, fds, specs);
          expect(native.failures).toBe(fallback.failures);
          expect(native.errnos).toEqual(fallback.errnos);
          for (let s = 0; s < native.out.length; s++) {
            if (!sameSlot(native.out[s]!, fallback.out[s]!)) {
              throw new Error(`slot ${s}: native ${native.out[s]} vs fallback ${fallback.out[s]}\n${describeSlot(specs, s, cases.map(([, b]) => b))}`);
            }
          }
        } finally {
          for (const fd of fds) closeSync(fd);
        }
      }),
      { seed: 0x5eed_c9, numRuns: 400, endOnFailure: true },
    );
  });
});

/** Which file and spec a flat slot index belongs to, for a readable counterexample. */
function describeSlot(specs: readonly FormatSpec[], slot: number, files: readonly Buffer[]): string {
  let start = 0;
  for (let i = 0; i < specs.length; i++) {
    const end = start + slotCount(specs[i]!);
    if (slot < end) return `file ${i} (${FileFormat[specs[i]!.format]}, slot ${slot - start}, spec ${JSON.stringify(specs[i])}): ${JSON.stringify(files[i]!.toString('latin1'))}`;
    start = end;
  }
  return 'slot past the layout';
}
