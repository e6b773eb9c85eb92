// Every pure parser fed hostile contents built from the real fixture files: the byte parsers of
// native/parse.ts (through every FileSource spec the collector really uses, v1 and v2), mountinfo,
// /proc/net/dev and runtime identification. None may throw, hang or return out-of-shape values;
// keys a spec did not ask for never change the answer.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseText } from '../../native/parse.js';
import { FileFormat, slotCount, type FormatSpec } from '../../native/formats.js';
import { v1Sources, v2Sources, type FileSource } from '../../collector/counters/sources.js';
import { parseMountinfo } from '../../collector/hierarchy/mountinfo.js';
import { detectHierarchy, HierarchyError } from '../../collector/hierarchy/hierarchy.js';
import { parseNetDev } from '../../collector/namespaces/netdev.js';
import { identifyCgroup } from '../../collector/runtimes/registry.js';
import { CASE_BUDGET_MS, fuzzParams, propertyTimeoutMs, timed } from './budget.js';
import { fixtureFile, hostileText, hugeTexts, realTexts, realTextsOf } from './corpus.js';

// Fallback texts per format, for sources whose own file is in no fixture tree (e.g. memory.peak on v1).
const BY_FORMAT: Record<FileFormat, readonly string[]> = {
  [FileFormat.Single]: ['memory.current', 'memory.usage_in_bytes', 'pids.max', 'cpu.cfs_quota_us'],
  [FileFormat.Keyed]: ['memory.stat', 'cpu.stat', 'memory.events', 'pids.events'],
  [FileFormat.Pressure]: ['cpu.pressure', 'memory.pressure', 'io.pressure'],
  [FileFormat.DeviceKeyed]: ['io.stat', 'io.max'],
  [FileFormat.DeviceLines]: ['blkio.throttle.io_service_bytes', 'blkio.throttle.io_serviced'],
  [FileFormat.List]: ['cpuacct.usage_percpu'],
  [FileFormat.Pair]: ['cpu.max'],
  [FileFormat.LineCount]: ['cgroup.procs', 'tasks', 'cgroup.threads'],
};

function textsFor(source: FileSource): string[] {
  const own = source.files.flatMap(realTexts);
  return own.length > 0 ? own : realTextsOf(BY_FORMAT[source.spec.format]);
}

/** The shape every result must have, whatever the input. */
function expectWellShaped(spec: FormatSpec, slots: Float64Array): void {
  expect(slots.length).toBe(slotCount(spec));
  const isCount = (v: number, max: number) => Number.isInteger(v) && v >= 0 && v <= max;
  switch (spec.format) {
    case FileFormat.List:
      expect(isCount(slots[0]!, spec.maxRows)).toBe(true);
      break;
    case FileFormat.LineCount:
      expect(isCount(slots[0]!, Number.MAX_SAFE_INTEGER)).toBe(true);
      break;
    case FileFormat.DeviceKeyed:
    case FileFormat.DeviceLines: {
      const rows = slots[0]!;
      expect(isCount(rows, spec.maxRows)).toBe(true);
      const width = 1 + spec.keys.length;
      for (let r = 0; r < rows; r++) expect(isCount(slots[1 + r * width]!, Number.MAX_SAFE_INTEGER)).toBe(true);
      break;
    }
    default:
      break;
  }
}

const sources = [
  ...v1Sources(2).map((s) => ['v1', s] as const),
  ...v2Sources().map((s) => ['v2', s] as const),
];

describe.each(sources)('parseText: %s %s', (_mode, source) => {
  const texts = textsFor(source);

  it(`never throws and stays in shape on hostile ${source.key}`, () => {
    fc.assert(
      fc.property(hostileText(texts), (text) => {
        const { value, ms } = timed(() => parseText(source.spec, text));
        expectWellShaped(source.spec, value);
        expect(ms).toBeLessThan(CASE_BUDGET_MS);
      }),
      fuzzParams(60),
    );
  }, propertyTimeoutMs(60));

  it('ignores keys it was not asked for, wherever they appear', () => {
    if (source.spec.keys.length === 0) return;
    fc.assert(
      fc.property(fc.constantFrom(...texts), fc.stringMatching(/^zz_[a-z_]{1,16}$/), fc.nat(), fc.nat(), (text, key, value, at) => {
        const lines = text.split('\n');
        const unknown = source.spec.format === FileFormat.DeviceKeyed ? `254:0 ${key}=${value}` : `${key} ${value}`;
        lines.splice(at % (lines.length + 1), 0, unknown);
        const before = parseText(source.spec, text);
        const after = parseText(source.spec, lines.join('\n'));
        if (source.spec.format === FileFormat.DeviceKeyed && !text.includes('254:0')) {
          // A new device row appears (its keys all NaN); the known rows must be unchanged.
          expect(Array.from(after.subarray(1, 1 + before[0]! * (1 + source.spec.keys.length)))).toEqual(Array.from(before.subarray(1, 1 + before[0]! * (1 + source.spec.keys.length))));
        } else {
          expect(Array.from(after)).toEqual(Array.from(before));
        }
      }),
      fuzzParams(30),
    );
  });
});

describe('parseText on 1 MiB contents', () => {
  it.each(sources)('%s %s: answers within the case budget', (_mode, source) => {
    for (const text of hugeTexts(textsFor(source))) {
      const { value, ms } = timed(() => parseText(source.spec, text));
      expectWellShaped(source.spec, value);
      expect(ms).toBeLessThan(CASE_BUDGET_MS);
    }
  });
});

describe('mountinfo', () => {
  const real = [fixtureFile('cgroup-v1/proc/self/mountinfo'), fixtureFile('cgroup-v2/proc/self/mountinfo')];

  it('parseMountinfo never throws and yields only well-formed mounts', () => {
    fc.assert(
      fc.property(hostileText(real), (text) => {
        const { value, ms } = timed(() => parseMountinfo(text));
        for (const m of value) {
          expect(m.mountPoint).not.toBe('');
          expect([1, 2]).toContain(m.version);
          expect(Array.isArray(m.controllers)).toBe(true);
        }
        expect(ms).toBeLessThan(CASE_BUDGET_MS);
      }),
      fuzzParams(300),
    );
  }, propertyTimeoutMs(300));

  it('junk lines never hide the real mounts', () => {
    const junkLine = fc.string({ maxLength: 200, unit: 'binary' }).filter((l) => !l.includes('\n') && !/ - cgroup2? /.test(l));
    fc.assert(
      fc.property(fc.constantFrom(...real), fc.array(fc.tuple(fc.nat(), junkLine), { maxLength: 8 }), (text, junk) => {
        const lines = text.split('\n');
        for (const [at, line] of junk) lines.splice(at % (lines.length + 1), 0, line);
        expect(parseMountinfo(lines.join('\n'))).toEqual(parseMountinfo(text));
      }),
      fuzzParams(200),
    );
  });

  it('detectHierarchy on hostile mountinfo answers or throws only its own HierarchyError', () => {
    fc.assert(
      fc.property(hostileText(real), (text) => {
        try {
          const h = detectHierarchy({ mountinfoText: text });
          expect(['v1', 'v2', 'hybrid']).toContain(h.mode);
        } catch (err) {
          expect(err).toBeInstanceOf(HierarchyError);
        }
      }),
      fuzzParams(200),
    );
  });

  it('1 MiB mountinfo answers within the case budget', () => {
    for (const text of hugeTexts(real)) expect(timed(() => parseMountinfo(text)).ms).toBeLessThan(CASE_BUDGET_MS);
  });
});

describe('/proc/net/dev', () => {
  const real = [fixtureFile('extra/host-6.18/proc-net-dev')];

  it('never throws; every interface it keeps has finite counters', () => {
    fc.assert(
      fc.property(hostileText(real), (text) => {
        const { value, ms } = timed(() => parseNetDev(text));
        for (const i of value) {
          expect(i.name).not.toBe('');
          for (const v of [i.rxBytes, i.rxPackets, i.rxErrors, i.rxDropped, i.txBytes, i.txPackets, i.txErrors, i.txDropped]) expect(Number.isFinite(v)).toBe(true);
        }
        expect(ms).toBeLessThan(CASE_BUDGET_MS);
      }),
      fuzzParams(300),
    );
  }, propertyTimeoutMs(300));

  it('1 MiB net/dev answers within the case budget', () => {
    for (const text of hugeTexts(real)) expect(timed(() => parseNetDev(text)).ms).toBeLessThan(CASE_BUDGET_MS);
  });
});

describe('identifyCgroup', () => {
  const ids = ['5aacd01bb9954993bfff3b1738339116d934bc62d7589f515d57dd78d53bbb83', 'b63540b4e9c0dcbeaacc004c937a35a180b5d59fd55a9acb0a21d4d62ac8ea2f'];
  const segment = fc.oneof(
    fc.constantFrom('docker', 'kubepods', 'kubepods.slice', 'burstable', 'besteffort', 'system.slice', 'libpod_parent', 'lxc.payload.c1', 'machine.slice', '..', '.', '', 'crio-', 'cri-containerd-', '.scope'),
    fc.constantFrom(...ids).map((id) => fc.constantFrom(id, `docker-${id}.scope`, `libpod-${id}`, `cri-containerd-${id}.scope`, `crio-${id}`, `kubepods-burstable-pod${id.slice(0, 8)}_1234.slice`, id.slice(0, 63), `${id}0`)).chain((a) => a),
    fc.string({ maxLength: 80, unit: 'binary' }),
  );
  const path = fc.oneof(
    fc.array(segment, { maxLength: 8 }).map((s) => `/${s.join('/')}`),
    fc.string({ maxLength: 300, unit: 'binary' }),
    fc.constantFrom('/'.repeat(10_000), `/${'a/'.repeat(50_000)}`, `/docker/${'f'.repeat(100_000)}`),
  );

  it('never throws; always answers an identity with a runtime and an id', () => {
    fc.assert(
      fc.property(path, (p) => {
        const { value, ms } = timed(() => identifyCgroup(p));
        expect(typeof value.runtime).toBe('string');
        expect(typeof value.id).toBe('string');
        expect(typeof value.labels).toBe('object');
        expect(ms).toBeLessThan(CASE_BUDGET_MS);
      }),
      fuzzParams(500),
    );
  }, propertyTimeoutMs(500));
});
