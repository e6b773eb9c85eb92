// Consumers fed Snapshots whose every free-text field is hostile (paths, names, images, labels,
// device and interface names: quotes, backslashes, newlines, separators, NUL, lone surrogates,
// 64 KiB values): the Influx encoder must emit only well-formed line-protocol lines and the
// Prometheus renderer only well-formed exposition lines (promtool agrees), never throw.

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { derive, type Snapshot } from '../../collector/model/derive.js';
import type { CgroupSample } from '../../collector/model/sample.js';
import type { ContainerIdentity } from '../../collector/model/identity.js';
import { SnapshotEncoder } from '../../exporters/influx/encode.js';
import { containerExpositionText, renderContainerFamilies, DEFAULT_CONTAINER_EXPORT_OPTIONS } from '../../exporters/prometheus/render.js';
import { fixtureSamples } from '../exporters/fixture-source.js';
import { CASE_BUDGET_MS, fuzzParams, propertyTimeoutMs, timed } from './budget.js';

const HOSTILE = ['', '\\', '"', '\n', '\r', '\t', ' ', ',', '=', '\\\\"', '}', '{', '# HELP x', '\0', '\uD800', '\uDFFF', 'a\\', '\\,', '\\ ', '\\=', 'é', '💥', '\u2028'];
const hostile = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.array(fc.constantFrom(...HOSTILE, 'a', 'b'), { maxLength: 12 }).map((parts) => parts.join('')),
  fc.string({ maxLength: 40, unit: 'binary' }),
  fc.constantFrom('x'.repeat(1024), '\\"\n'.repeat(300)),
);

const identityArb: fc.Arbitrary<Partial<ContainerIdentity>> = fc.record({
  id: hostile, name: hostile, image: hostile, pod: hostile, namespace: hostile,
  labels: fc.dictionary(hostile, hostile, { maxKeys: 6 }),
  kind: fc.constantFrom('container', 'pod', 'cgroup'),
});

const bases: CgroupSample[] = [...fixtureSamples('cgroup-v1').samples, ...fixtureSamples('cgroup-v2').samples];

const snapshotArb: fc.Arbitrary<Snapshot> = fc.tuple(fc.constantFrom(...bases), hostile, identityArb, hostile, hostile).map(([base, path, identity, device, iface]) =>
  derive({
    ...base,
    path,
    identity: { ...base.identity, ...identity } as ContainerIdentity,
    blockIo: base.blockIo.map((d) => ({ ...d, device })),
    network: { netnsInode: 1, interfaces: [{ name: iface, rxBytes: 1, rxPackets: 1, rxErrors: 0, rxDropped: 0, txBytes: 2, txPackets: 2, txErrors: 0, txDropped: 0 }] },
  }));

/** Splits a line-protocol section on unescaped `sep` (a backslash escapes `,`, `=`, space, `"`). */
function splitUnescaped(text: string, sep: string, quotes = false): string[] {
  const parts: string[] = [];
  let current = '';
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length && (',= "\\'.includes(text[i + 1]!))) {
      current += ch + text[++i];
      continue;
    }
    if (quotes && ch === '"') inQuotes = !inQuotes;
    if (ch === sep && !inQuotes) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

/** What InfluxDB 1.x/2.x and VictoriaMetrics all accept: measurement[,k=v…] field=value[,…] timestamp. */
function expectLineProtocol(line: string): void {
  if (/[\n\r]/.test(line)) throw new Error(`raw line break in ${JSON.stringify(line.slice(0, 300))}`);
  // Quotes are literal in the measurement and tags; only field values may be quoted strings.
  const [head, ...rest] = splitUnescaped(line, ' ');
  const tail = splitUnescaped(rest.join(' '), ' ', true);
  if (tail.length !== 2) throw new Error(`expected 3 sections, got ${tail.length + 1}: ${JSON.stringify(line.slice(0, 300))}`);
  const [fields, timestamp] = tail as [string, string];
  expect(timestamp).toMatch(/^\d+$/);
  const [measurement, ...tags] = splitUnescaped(head, ',');
  expect(measurement).toMatch(/^cgmeter_[a-z_]+$/);
  for (const tag of tags) {
    const kv = splitUnescaped(tag, '=');
    if (kv.length !== 2 || kv[0] === '' || kv[1] === '' || kv[1]!.endsWith('\\')) throw new Error(`bad tag ${JSON.stringify(tag)} in ${JSON.stringify(line.slice(0, 300))}`);
  }
  for (const field of splitUnescaped(fields, ',', true)) expect(field).toMatch(/^[a-z_0-9]+=(-?\d+i|-?[0-9.]+(e[+-]?\d+)?|"([^"\\]|\\.)*"|true|false)$/);
}

const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const SAMPLE_LINE = new RegExp(`^[a-zA-Z_:][a-zA-Z0-9_:]*\\{${LABEL}(?:,${LABEL})*\\} \\S+$`);

function expectExposition(text: string): void {
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# ')) continue;
    if (!SAMPLE_LINE.test(line)) throw new Error(`malformed sample line: ${JSON.stringify(line.slice(0, 300))}`);
    const names = [...line.matchAll(/[{,]([a-zA-Z_][a-zA-Z0-9_]*)="/g)].map((m) => m[1]);
    // A regex cannot tell a label name from `,x="` inside a value; escaping keeps values free of a bare `"`.
    if (new Set(names).size !== names.length) throw new Error(`duplicate label name in ${JSON.stringify(line.slice(0, 300))}`);
  }
}

describe('Influx line encoder on hostile identities', () => {
  it('every line is well-formed line protocol', () => {
    fc.assert(
      fc.property(fc.array(snapshotArb, { minLength: 1, maxLength: 4 }), hostile, fc.constantFrom('ms', 's') as fc.Arbitrary<'ms' | 's'>, (snapshots, host, precision) => {
        const encoder = new SnapshotEncoder({ precision, host, labelAllowlist: ['*'] });
        const { value: lines, ms } = timed(() => encoder.encode(snapshots));
        expect(ms).toBeLessThan(CASE_BUDGET_MS);
        expect(lines.length).toBeGreaterThan(0);
        lines.forEach(expectLineProtocol);
      }),
      fuzzParams(150),
    );
  }, propertyTimeoutMs(150, 40));
});

describe('Prometheus renderer on hostile identities', () => {
  const render = (snapshots: Snapshot[], format: 'prometheus' | 'openmetrics') =>
    containerExpositionText(renderContainerFamilies(snapshots, DEFAULT_CONTAINER_EXPORT_OPTIONS, { hierarchyMode: 'hybrid' }), format);

  it('every sample line is well-formed, with no label twice, in both formats', () => {
    fc.assert(
      fc.property(fc.array(snapshotArb, { minLength: 1, maxLength: 4 }), (snapshots) => {
        for (const format of ['prometheus', 'openmetrics'] as const) {
          const { value, ms } = timed(() => render(snapshots, format));
          expect(ms).toBeLessThan(CASE_BUDGET_MS);
          expectExposition(value);
        }
      }),
      fuzzParams(150),
    );
  }, propertyTimeoutMs(150, 40));

  it('promtool parses a large hostile exposition', () => {
    const snapshots = fc.sample(snapshotArb, { seed: 7, numRuns: 60 });
    // Distinct ids: two cgroups with one label set would be a duplicate series, which is not what this checks.
    const distinct = snapshots.map((s, i) => ({ ...s, sample: { ...s.sample, path: `${s.sample.path}#${i}` } }));
    const result = spawnSync('promtool', ['check', 'metrics'], { input: render(distinct, 'prometheus'), encoding: 'utf8', maxBuffer: 64 << 20 });
    if (result.error) throw new Error(`promtool not runnable (.ci/run installs prometheus): ${result.error.message}`);
    // 0 = clean; 3 = lint only (e.g. a family with no HELP): anything else is a parse error.
    expect([0, 3], result.stderr + result.stdout).toContain(result.status);
    expect(result.stderr + result.stdout).not.toMatch(/error parsing|parse error/i);
  }, 120_000);
});
