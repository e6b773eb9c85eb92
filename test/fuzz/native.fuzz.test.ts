// The C++ addon, through chooseReader('native'), on temp files holding hostile contents built
// from the real fixtures: it must return (never crash the process or throw), leave every slot
// written, report errno 0 for a readable file, and agree slot for slot with the TypeScript
// fallback — including on 1 MiB files, binary bytes and contents that change between reads.

import { afterAll, describe, expect, it } from 'vitest';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { chooseReader, createFallbackReader, slotCount, type FormatSpec } from '../../native/index.js';
import { v1Sources, v2Sources } from '../../collector/counters/sources.js';
import { NATIVE, TempFiles, readFds, sameSlot } from '../native/harness.js';
import { CASE_BUDGET_MS, fuzzParams, propertyTimeoutMs, timed } from './budget.js';
import { hostileText, hugeTexts, realTextsOf } from './corpus.js';

const files = new TempFiles();
afterAll(() => files.remove());

// Every spec the collector registers, with the real texts of its own files (or its format's).
const SOURCES = [...v1Sources(2), ...v2Sources()];
const SPECS: readonly FormatSpec[] = SOURCES.map((s) => s.spec);
const textsOf = (i: number): string[] => {
  try {
    return realTextsOf(SOURCES[i]!.files);
  } catch {
    return realTextsOf(['memory.stat', 'io.stat', 'cpu.pressure', 'cpuacct.usage_percpu', 'cpu.max']);
  }
};

const nativeCreate = NATIVE.skip === undefined ? chooseReader('native').create : undefined;

function expectAgree(fds: number[], specs: readonly FormatSpec[]): void {
  const fallback = readFds(createFallbackReader, fds, specs);
  const native = timed(() => readFds(nativeCreate!, fds, specs));
  expect(native.ms).toBeLessThan(CASE_BUDGET_MS);
  expect(native.value.errnos).toEqual(fallback.errnos);
  expect(native.value.failures).toBe(fallback.failures);
  for (let i = 0; i < native.value.out.length; i++) {
    if (!sameSlot(native.value.out[i]!, fallback.out[i]!)) {
      throw new Error(`slot ${i} differs: native ${native.value.out[i]} fallback ${fallback.out[i]}`);
    }
  }
  // The sentinel 12345 that readFds pre-fills must be gone from every slot of a readable file.
  fallback.errnos.forEach((errno, f) => {
    if (errno === 0) expect(native.value.slots[f]!.length).toBe(slotCount(specs[f]!));
  });
}

describe.skipIf(nativeCreate === undefined)(`native addon on hostile files (${NATIVE.skip ?? 'built'})`, () => {
  it('a batch of hostile files: no crash, and native equals fallback', () => {
    const caseArb = fc.array(
      fc.nat({ max: SOURCES.length - 1 }).chain((i) => hostileText(textsOf(i)).map((text) => [i, text] as const)),
      { minLength: 1, maxLength: 6 },
    );
    fc.assert(
      fc.property(caseArb, (cases) => {
        const fds = cases.map(([, text]) => openSync(files.write(text), 'r'));
        try {
          expectAgree(fds, cases.map(([i]) => SPECS[i]!));
        } finally {
          fds.forEach((fd) => closeSync(fd));
        }
      }),
      fuzzParams(150),
    );
  }, propertyTimeoutMs(150, 50));

  it('1 MiB files of every spec: both readers answer in time and agree', () => {
    SOURCES.forEach((source, i) => {
      const fds = hugeTexts(textsOf(i)).map((text) => openSync(files.write(text), 'r'));
      try {
        expectAgree(fds, fds.map(() => source.spec));
      } finally {
        fds.forEach((fd) => closeSync(fd));
      }
    });
  }, 180_000);

  it('a file rewritten between reads (shorter, longer, emptied) is read afresh each time', () => {
    const path = files.write('');
    const fd = openSync(path, 'r');
    const spec = SPECS[SOURCES.findIndex((s) => s.key === 'memory.stat')]!;
    try {
      fc.assert(
        fc.property(fc.array(hostileText(realTextsOf(['memory.stat'])), { minLength: 2, maxLength: 5 }), (versions) => {
          for (const text of versions) {
            writeFileSync(path, Buffer.from(text, 'latin1'));
            expectAgree([fd], [spec]);
          }
        }),
        fuzzParams(60),
      );
    } finally {
      closeSync(fd);
    }
  }, propertyTimeoutMs(60, 50));

  it('closed, negative and directory fds become errnos, not exceptions', () => {
    const closed = openSync(files.write('1\n'), 'r');
    closeSync(closed);
    const dir = openSync(files.dir, 'r');
    try {
      expectAgree([closed, -1, dir, 999_999], [SPECS[0]!, SPECS[0]!, SPECS[0]!, SPECS[0]!]);
    } finally {
      closeSync(dir);
    }
  });
});
