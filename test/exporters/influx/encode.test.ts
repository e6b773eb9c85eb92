// Line protocol of Snapshots: escaping, field types, what is left out (NaN, undefined, unlimited),
// timestamps, and that docs/influx.md lists every measurement and field the encoder writes.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { escapeKeyOrTagValue, escapeTags, formatFieldValue, formatTimestamp } from '../../../exporters/influx/line-protocol.js';
import { SnapshotEncoder, labelMatcher } from '../../../exporters/influx/encode.js';
import { MEASUREMENTS } from '../../../exporters/influx/measurements.js';
import { derive } from '../../../collector/model/derive.js';
import { IDENTITY, sample, snapshotPair } from './helpers/samples.js';

/** Splits on `sep` where it is not escaped, keeping escapes (as line-protocol parsers scan). */
function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length && ',= '.includes(text[i + 1]!)) {
      current += ch + text[++i];
    } else if (ch === sep) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  return [...parts, current];
}

describe('escaping', () => {
  it.each([
    ['plain', 'plain'],
    ['with space', 'with\\ space'],
    ['a,b=c', 'a\\,b\\=c'],
    ['a\\b', 'a\\b'], // kept: every server reads a backslash before an ordinary character alike
    ['a\\\\b', 'a\\b'], // a doubled backslash would be one on VictoriaMetrics and two on InfluxDB 1.x
    ['end\\', 'end'], // a trailing backslash would escape the delimiter after it
    ['a\\,b', 'a\\,b'], // the backslash before an escaped comma goes, the comma stays
    ['line\nbreak\ttab\r', 'line\\nbreak\\ttab\\r'],
    ['é"\'ü', 'é"\'ü'],
  ])('%j → %j', (input, expected) => {
    expect(escapeKeyOrTagValue(input)).toBe(expected);
  });

  it('never lets a value change how a line splits (property)', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', ' ', ',', '=', '\\', '\n', '"', 'é') }), (value) => {
      const escaped = escapeKeyOrTagValue(value);
      expect(escaped).not.toMatch(/[\n\r]/);
      expect(escaped.endsWith('\\')).toBe(false);
      expect(escaped).not.toContain('\\\\');
      // one tag = one element after splitting on unescaped commas; its value has no unescaped '='
      const line = `m,t=${escaped} f=1 1`;
      const [head] = splitUnescaped(line, ' ');
      const tags = splitUnescaped(head!, ',');
      expect(tags).toHaveLength(2);
      expect(splitUnescaped(tags[1]!, '=')).toHaveLength(2);
      // and reading it back gives the value, minus only the backslashes that cannot be written
      const expected = value.replace(/\\+(?=[,= \n\r\t]|$)/g, '').replace(/\\\\+/g, '\\')
        .replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
      expect(escaped.replace(/\\([,= ])/g, '$1')).toBe(expected);
    }));
  });

  it('sorts tags by key and leaves out empty values', () => {
    expect(escapeTags({ name: 'x', host: 'h', image: '', id: undefined, a: 'b c' })).toEqual([['a', 'b\\ c'], ['host', 'h'], ['name', 'x']]);
  });
});

describe('field values', () => {
  it.each([
    [undefined, 'float', undefined],
    [Number.NaN, 'float', undefined],
    [Infinity, 'integer', undefined],
    [-Infinity, 'float', undefined],
    [1.5, 'float', '1.5'],
    [3, 'float', '3'], // a float field stays a float even when whole
    [3, 'integer', '3i'],
    [268435456.9, 'integer', '268435456i'],
    [2 ** 60, 'integer', '1152921504606846976i'], // no exponent notation in integers
    [2 ** 64, 'integer', undefined], // outside int64
    [1e-7, 'float', '1e-7'],
    [-0, 'float', '0'],
  ] as const)('%s as %s → %s', (value, type, expected) => {
    expect(formatFieldValue(value, type)).toBe(expected);
  });

  it('writes timestamps in the requested precision', () => {
    expect(formatTimestamp(1_795_000_000_123, 'ms')).toBe('1795000000123');
    expect(formatTimestamp(1_795_000_000_999, 's')).toBe('1795000000');
  });
});

describe('SnapshotEncoder', () => {
  const encoder = new SnapshotEncoder({ precision: 'ms', host: 'node 1', labelAllowlist: ['com.example.team', 'tier'] });

  it('writes the documented tags, allowlisted labels only, escaped', () => {
    const [cpuLine] = encoder.encode([derive(sample())]);
    expect(cpuLine!.slice(0, cpuLine!.indexOf(' usage_seconds'))).toBe(
      `cgmeter_cpu,host=node\\ 1,id=${IDENTITY.id},image=nginx:1.25,label_com.example.team=pay\\ ments,label_tier=a\\,b\\=c,name=web-1,runtime=docker`,
    );
  });

  it('cuts engine-given tag values at 1,024 characters with … (as the Prometheus labels)', () => {
    const huge = 'x'.repeat(64 * 1024);
    const [cpuLine] = encoder.encode([derive(sample({ identity: { ...IDENTITY, name: huge, labels: { tier: huge } } }))]);
    const cut = `${'x'.repeat(1023)}…`;
    expect(cpuLine!.slice(0, cpuLine!.indexOf(' usage_seconds'))).toBe(
      `cgmeter_cpu,host=node\\ 1,id=${IDENTITY.id},image=nginx:1.25,label_tier=${cut},name=${cut},runtime=docker`,
    );
  });

  it('writes exact values: integers with i, floats without, rates on the second sample only', () => {
    const { first, second } = snapshotPair();
    const byMeasurement = (lines: string[]) => new Map(lines.map((l) => [splitUnescaped(l, ' ')[0]!.split(',')[0]!, l]));
    const before = byMeasurement(encoder.encode([first]));
    const after = byMeasurement(encoder.encode([second]));
    expect(before.get('cgmeter_cpu')).toMatch(/ usage_seconds=10\.5,user_seconds=8,system_seconds=2\.5,periods=100i,throttled_periods=10i,throttled_seconds=1\.25,quota_us=50000i,period_us=100000i,shares=512i,weight=20i,limit_cores=0\.5 1795000000123$/);
    expect(after.get('cgmeter_cpu')).toMatch(/,limit_cores=0\.5,cores_used=0\.5,user_cores=0\.25,system_cores=0\.25,throttled_ratio=0\.5,percent_of_limit=100 1795000001123$/);
    expect(after.get('cgmeter_blkio')).toMatch(/ read_bytes=1004096i,write_bytes=8192i,read_ops=1i,write_ops=2i,read_bps=1000000,write_bps=0,read_iops=0,write_iops=0 /);
    // memory: unlimited limit_bytes and the percent that needs it are left out, not written as Infinity
    expect(before.get('cgmeter_memory')).toMatch(/ usage_bytes=104857600i,working_set_bytes=99999744i,rss_bytes=50000000i,pgfault=1234i,events_oom_kill=0i 1795000000123$/);
    expect(before.get('cgmeter_pids')).toMatch(/ current=5i,limit_hits=0i,processes=2i,threads=7i /);
    expect(before.get('cgmeter_network')).toMatch(/ rx_bytes=1000i,tx_bytes=2000i,rx_packets=10i,tx_packets=20i,rx_errors=1i,tx_errors=3i,rx_dropped=2i,tx_dropped=4i 1795000000123$/);
    expect(before.get('cgmeter_network_interface')).toMatch(/,interface=eth0,.* rx_bytes=1000i,/);
    expect(before.get('cgmeter_blkio_device')).toMatch(/^cgmeter_blkio_device,device=vda,host=node\\ 1,id=\w+,image=nginx:1\.25,.*major_minor=254:0,name=web-1,runtime=docker read_bytes=4096i,/);
    expect(before.get('cgmeter_pressure')).toMatch(/,resource=cpu,runtime=docker some_avg10=1\.5,some_avg60=0\.5,some_avg300=0\.1,some_total_seconds=3\.25,full_avg10=0,full_avg60=0,full_avg300=0,full_total_seconds=0\.5 /);
  });

  it('leaves out points without fields and never writes NaN, Infinity or undefined', () => {
    const bare = sample({
      cpu: { usageSeconds: Number.NaN, quotaUs: Infinity, periodUs: 100_000 },
      memory: {}, blockIo: [], pids: {}, pressure: {}, processes: undefined, threads: undefined, network: undefined,
    });
    const lines = encoder.encode([derive(bare)]);
    expect(lines).toEqual([expect.stringMatching(/^cgmeter_cpu,.* period_us=100000i 1795000000123$/)]);
    for (const line of encoder.encode([snapshotPair().second, derive(bare)])) {
      expect(line).not.toMatch(/NaN|Infinity|undefined|=,|=\s/);
    }
  });

  it('writes second precision when asked', () => {
    const [line] = new SnapshotEncoder({ precision: 's', host: 'h', labelAllowlist: [] }).encode([derive(sample())]);
    expect(line).toMatch(/ 1795000000$/);
  });

  it('matches labels exactly or by a trailing-* prefix', () => {
    const allow = labelMatcher(['tier', 'io.kubernetes.*']);
    expect(['tier', 'tiers', 'io.kubernetes.pod.name', 'io.k8s'].map(allow)).toEqual([true, false, true, false]);
    expect(labelMatcher([])('anything')).toBe(false);
  });
});

describe('docs/influx.md', () => {
  const docs = readFileSync(new URL('../../../docs/influx.md', import.meta.url), 'utf8');

  it.each(MEASUREMENTS.map((m) => [m.doc.name, m.doc] as const))('documents %s with every tag and field, type and unit', (name, doc) => {
    const section = docs.split(/^### /m).find((s) => s.startsWith(`\`${name}\``));
    expect(section, `a "### \`${name}\`" section`).toBeDefined();
    for (const tag of doc.tags) expect(section).toContain(`\`${tag}\``);
    for (const f of doc.fields) {
      expect(section).toMatch(new RegExp(`\\| \`${f.key}\` \\| ${f.type} \\| ${f.unit.replace(/[/]/g, '\\/')} \\| ${f.kind} \\|`));
    }
  });
});
