// Both sinks against real servers started here: VictoriaMetrics through the v2 API with the official
// client, InfluxDB 1.6 through /write. Every point is read back and compared with the Snapshots
// that were sent, on Snapshots of the real-kernel v1 and v2 fixture trees.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireRootOrSkip } from '../../helpers/preconditions.js';
import { attachInfluxExporter } from '../../../exporters/influx/attach.js';
import { SnapshotEncoder } from '../../../exporters/influx/encode.js';
import { derive, type Snapshot } from '../../../collector/model/derive.js';
import { ManualSource, fixtureSnapshots, parseLine, recordingLog, testOptions } from './helpers/harness.js';
import { influxQuery, startInfluxd, startVictoriaMetrics, vmExport, vmSelfMetric, type ManagedServer } from './helpers/servers.js';
import { sample } from './helpers/samples.js';
import { waitFor } from '../../helpers/wait-for.js';

const skip = requireRootOrSkip({ root: false, binaries: ['victoria-metrics', 'influxd'] }, 'influx sink tests');

/**
 * The fixtures plus a container whose labels need escaping. Each group gets its own wall time:
 * both trees have a `/` and a `/docker` cgroup, and equal series at equal times are one point.
 */
function snapshotsToSend(): Snapshot[] {
  const now = Date.now() - 10_000;
  const stamp = (ms: number) => (s: Snapshot): Snapshot => ({ ...s, sample: { ...s.sample, timestampMs: ms } });
  const labelled = derive(sample({ identity: { ...sample().identity, labels: { team: 'pay ments,eu', 'odd\\key': 'v=1' } } }));
  return [
    ...fixtureSnapshots('cgroup-v1').map(stamp(now)),
    ...fixtureSnapshots('cgroup-v2').map(stamp(now + 2000)),
    stamp(now + 4000)(labelled),
  ];
}

describe.skipIf(skip)('InfluxDB sinks against real servers', () => {
  let vm: ManagedServer;
  let influx: ManagedServer;

  beforeAll(async () => {
    [vm, influx] = await Promise.all([startVictoriaMetrics(), startInfluxd()]);
  });
  afterAll(async () => {
    await Promise.all([vm?.destroy(), influx?.destroy()]);
  });

  it('VictoriaMetrics, v2 API via @influxdata/influxdb-client: every field of every point reads back equal', async () => {
    const snapshots = snapshotsToSend();
    const source = new ManualSource();
    const log = recordingLog();
    const options = testOptions({ url: vm.url, api: { version: 'v2', org: 'cgmeter', bucket: 'test', token: 'unused-by-vm' }, labelAllowlist: ['team', 'odd\\key'] });
    const exporter = attachInfluxExporter(source, options, log);
    source.emit(snapshots);
    await exporter.close();
    expect(exporter.metrics.pointsWritten).toBeGreaterThan(snapshots.length * 4);
    expect(exporter.metrics.pointsDropped).toEqual({ spool_full: 0, rejected: 0, corrupt: 0, shutdown: 0, spool_error: 0 });

    // Expected series from the lines sent: VictoriaMetrics names them <measurement>_<field>.
    const lines = new SnapshotEncoder(options).encode(snapshots);
    const expected = new Map<string, number>();
    for (const line of lines) {
      const p = parseLine(line);
      for (const [field, value] of Object.entries(p.fields)) expected.set(seriesKey(`${p.measurement}_${field}`, p.tags, p.timestamp), value);
    }
    const got = new Map<string, number>();
    await waitFor(async () => {
      got.clear();
      for (const s of await vmExport(vm, '{__name__=~"cgmeter_.*"}')) {
        const { __name__: name, ...tags } = s.metric;
        s.timestamps.forEach((t, i) => got.set(seriesKey(name!, tags, t), s.values[i]!));
      }
      return got.size >= expected.size;
    }, { timeoutMs: 10_000, what: `${expected.size} samples in VictoriaMetrics` });
    // VictoriaMetrics keeps 12 significant digits of a float (lib/decimal), so compare to that.
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, value] of expected) expect(got.get(key), key).toBeCloseTo(value, digitsFor(value));
    expect(await vmSelfMetric(vm, 'vm_rows_invalid_total{type="influx"}')).toBe(0);

    // …and against the Snapshots themselves, not only against our own encoding of them.
    const a = snapshots.find((s) => s.sample.path.startsWith('/docker/5aacd01bb'))!;
    const series = await vmExport(vm, `{__name__=~"cgmeter_(cpu_usage_seconds|memory_usage_bytes|memory_limit_bytes|pids_max)",id="${a.sample.identity.id}"}`);
    const value = (name: string) => {
      const s = series.find((x) => x.metric.__name__ === name && x.timestamps.includes(a.sample.timestampMs));
      return s?.values[s.timestamps.indexOf(a.sample.timestampMs)];
    };
    expect(value('cgmeter_cpu_usage_seconds')).toBeCloseTo(a.sample.cpu.usageSeconds!, digitsFor(a.sample.cpu.usageSeconds!));
    expect(value('cgmeter_memory_usage_bytes')).toBe(a.sample.memory.usageBytes);
    expect(value('cgmeter_memory_limit_bytes')).toBe(a.sample.memory.limitBytes);
    const unlimited = snapshots.find((s) => s.sample.memory.limitBytes === Infinity)!;
    expect(await vmExport(vm, `{__name__="cgmeter_memory_limit_bytes",id="${unlimited.sample.identity.id}"}`)).toEqual([]);
    const labelled = await vmExport(vm, '{__name__="cgmeter_cpu_usage_seconds",label_team!=""}');
    expect(labelled.map((s) => [s.metric.label_team, s.metric['label_odd\\key']])).toEqual([['pay ments,eu', 'v=1']]);
    expect(log.lines.filter((l) => l.level !== 'info')).toEqual([]);
  });

  it('InfluxDB 1.6, v1 /write: points read back with InfluxQL equal the Snapshots, in ms and s precision', async () => {
    for (const db of ['cgmeter_ms', 'cgmeter_s']) expect((await influxQuery(influx, `CREATE DATABASE ${db}`)).results[0]!.error).toBeUndefined();
    const snapshots = snapshotsToSend();
    for (const precision of ['ms', 's'] as const) {
      const source = new ManualSource();
      const options = testOptions({ url: influx.url, api: { version: 'v1', database: `cgmeter_${precision}` }, precision, labelAllowlist: ['team'] });
      const exporter = attachInfluxExporter(source, options, recordingLog());
      source.emit(snapshots);
      await exporter.close();
      const lines = new SnapshotEncoder(options).encode(snapshots);
      expect(exporter.metrics.pointsWritten).toBe(lines.length);

      const result = await influxQuery(influx, 'SELECT * FROM cgmeter_memory GROUP BY *', `cgmeter_${precision}`);
      const rows = result.results[0]!.series!;
      expect(rows.reduce((n, r) => n + r.values.length, 0)).toBe(lines.filter((l) => l.startsWith('cgmeter_memory,')).length);
      const withMemory = snapshots.filter((s) => s.sample.memory.usageBytes !== undefined);
      for (const s of withMemory) {
        const time = precision === 'ms' ? s.sample.timestampMs : Math.floor(s.sample.timestampMs / 1000) * 1000;
        const row = rows.find((r) => r.tags!.id === s.sample.identity.id && r.values.some((v) => v[0] === time))!;
        const values = row.values.find((v) => v[0] === time)!;
        const cell = (name: string) => values[row.columns.indexOf(name)];
        expect(cell('usage_bytes')).toBe(s.sample.memory.usageBytes);
        expect(cell('limit_bytes')).toBe(Number.isFinite(s.sample.memory.limitBytes) ? s.sample.memory.limitBytes : null);
        expect(cell('working_set_bytes')).toBe(s.sample.memory.workingSetBytes ?? null);
      }
      const cpu = await influxQuery(influx, 'SELECT usage_seconds FROM cgmeter_cpu WHERE label_team = \'pay ments,eu\'', `cgmeter_${precision}`);
      expect(cpu.results[0]!.series![0]!.values[0]![1]).toBe(sample().cpu.usageSeconds);
      const count = await influxQuery(influx, 'SELECT count(*) FROM /cgmeter_.*/', `cgmeter_${precision}`);
      expect(count.results[0]!.series!.map((s) => s.name).sort()).toEqual([...new Set(lines.map((l) => l.slice(0, l.indexOf(','))))].sort());
    }
  });
});

/** Decimal places that keep 12 significant digits of `value` (what VictoriaMetrics stores). */
function digitsFor(value: number): number {
  return value === 0 ? 12 : 11 - Math.floor(Math.log10(Math.abs(value)));
}

function seriesKey(name: string, tags: Record<string, string>, timestamp: number): string {
  const { db: _db, ...rest } = tags; // VictoriaMetrics adds db= on the v1 path only
  return `${name}{${Object.entries(rest).sort().map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}@${timestamp}`;
}
