// `cgmeter bill --prometheus`: the report from a real VictoriaMetrics and a real Prometheus holding
// two hours of cAdvisor-named series for one node (15 s apart, imported with their timestamps: VM's
// /api/v1/import, Prometheus' `promtool tsdb create-blocks-from openmetrics`), checked against the
// rates the series were made with.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { billingReport, parseRateCard, type BillingReport } from '../../exporters/billing/index.js';
import { findBinary, requireRootOrSkip } from '../helpers/kernel.js';
import { freePort, ManagedServer, startVictoriaMetrics, vmForceFlush } from '../exporters/influx/helpers/servers.js';
import { hexId } from '../ledger/fake-samples.js';

const skip = requireRootOrSkip({ root: false, binaries: ['victoria-metrics', 'prometheus', 'promtool'] }, 'billing from Prometheus and VictoriaMetrics')
  // No kernel is involved (a report from stored series): it runs on the host, not in the v2 VM, where
  // promtool's block import fails in the emulated guest.
  || (process.env.V2VM === '1' && (console.warn('billing from Prometheus: host-only test, skipped in the v2 VM'), true));
const HOUR = 3_600_000;
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const STEP_MS = 15_000;
// Two whole hours that ended at least an hour ago, and a quarter of an hour of data before them.
const H0 = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
const START = H0 - 15 * 60_000;
const END = H0 + 2 * HOUR;
const NODE = { instance: 'node-a:9338', job: 'cgmeter' };
const WEB = { id: `/docker/${hexId('web')}`, name: 'web', image: 'shop/web:1', container_label_team: 'shop' };
const BATCH = { id: `/docker/${hexId('batch')}`, name: 'batch', image: 'shop/batch:2' };

interface Series {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly timestamps: number[];
  readonly values: number[];
}

/** One series: value = f(seconds since START), every STEP_MS. */
function series(name: string, labels: Record<string, string>, f: (s: number) => number): Series {
  const timestamps: number[] = [];
  for (let t = START; t <= END; t += STEP_MS) timestamps.push(t);
  return { name, labels: { ...NODE, ...labels }, timestamps, values: timestamps.map((t) => f((t - START) / 1000)) };
}

/** VictoriaMetrics' JSON-lines import format. */
function vmImport(all: readonly Series[]): string {
  return all.map((s) => JSON.stringify({ metric: { __name__: s.name, ...s.labels }, timestamps: s.timestamps, values: s.values })).join('\n');
}

/** OpenMetrics text with timestamps (seconds), one family after another, for promtool's backfill. */
function openMetrics(all: readonly Series[]): string {
  const lines: string[] = [];
  for (const name of [...new Set(all.map((s) => s.name))]) {
    lines.push(`# TYPE ${name.replace(/_total$/, '')} ${name.endsWith('_total') ? 'counter' : 'gauge'}`);
    for (const s of all.filter((x) => x.name === name)) {
      const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${v}"`).join(',');
      s.timestamps.forEach((t, i) => lines.push(`${name}{${labels}} ${s.values[i]} ${t / 1000}`));
    }
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

async function startPrometheus(all: readonly Series[]): Promise<ManagedServer> {
  const dir = mkdtempSync(join(tmpdir(), 'cgmeter-prom-'));
  writeFileSync(join(dir, 'data.om'), openMetrics(all));
  execFileSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'data.om'), join(dir, 'tsdb')], { stdio: 'ignore' });
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\n');
  const port = await freePort();
  const server = new ManagedServer('prometheus', port, dir, 'prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=30d', '--log.level=error',
  ], '/-/ready');
  await server.start();
  return server;
}

function dataset(): Series[] {
  return [
    series('container_cpu_usage_seconds_total', { ...WEB, cpu: 'total' }, (s) => 0.5 * s),
    series('container_cpu_usage_seconds_total', { ...BATCH, cpu: 'total' }, (s) => 0.25 * s),
    series('container_cpu_usage_seconds_total', { id: '/' }, (s) => 1.5 * s),
    series('container_memory_working_set_bytes', WEB, () => GiB),
    series('container_memory_working_set_bytes', BATCH, () => GiB / 2),
    series('container_memory_working_set_bytes', { id: '/' }, () => 6 * GiB),
    series('container_memory_usage_bytes', WEB, () => 1.5 * GiB),
    series('container_memory_usage_bytes', BATCH, () => GiB / 2),
    series('container_memory_usage_bytes', { id: '/' }, () => 8 * GiB),
    series('container_spec_memory_limit_bytes', WEB, () => 2 * GiB),
    series('container_spec_memory_limit_bytes', BATCH, () => 0),
    series('container_spec_cpu_quota', WEB, () => 100_000),
    series('container_spec_cpu_period', WEB, () => 100_000),
    series('container_fs_reads_bytes_total', { ...WEB, device: '/dev/vda' }, (s) => MiB * s),
    series('container_fs_writes_bytes_total', { ...WEB, device: '/dev/vda' }, (s) => 0.5 * MiB * s),
    series('container_network_receive_bytes_total', { ...WEB, interface: 'eth0' }, (s) => 2 * MiB * s),
    series('container_network_receive_bytes_total', { ...WEB, interface: 'lo' }, (s) => 5 * MiB * s),
    series('container_network_transmit_bytes_total', { ...WEB, interface: 'eth0' }, (s) => MiB * s),
    series('machine_cpu_cores', {}, () => 4),
    series('machine_memory_bytes', {}, () => 16 * GiB),
  ];
}

const SINKS: Record<string, () => Promise<ManagedServer>> = {
  VictoriaMetrics: async () => {
    const vm = await startVictoriaMetrics();
    const res = await fetch(`${vm.url}/api/v1/import`, { method: 'POST', body: vmImport(dataset()) });
    if (res.status !== 204) throw new Error(`import: ${res.status} ${await res.text()}`);
    await vmForceFlush(vm);
    return vm;
  },
  Prometheus: () => startPrometheus(dataset()),
};

describe.skipIf(skip).each(Object.keys(SINKS))('billing from %s', (sink) => {
  let vm: ManagedServer;
  beforeAll(async () => {
    vm = await SINKS[sink]!();
  }, 60_000);
  afterAll(async () => vm?.destroy());

  const card = parseRateCard('currency: EUR\ncpuCoreHour: 0.04\nmemoryGiBHour: 0.005\nblockIoGiB: 0.1\nnetworkGiB: 0.01\n');
  const bill = (by: string, basis: 'usage' | 'limit' | 'max' = 'usage'): Promise<BillingReport> => billingReport(
    { kind: 'prometheus', url: vm.url }, { from: new Date(H0).toISOString(), to: new Date(H0 + 2 * HOUR).toISOString(), by, basis }, card);

  it('gives the usage the series were made with, per container, with the host lines', async () => {
    const r = await bill('container');
    const web = r.rows.find((x) => x.label.includes('web'))!;
    const batch = r.rows.find((x) => x.label.includes('batch'))!;
    expect(r.rows).toHaveLength(2); // the root cgroup is the host, not a row
    expect(web.label).toBe(`node-a:9338 web (${hexId('web').slice(0, 12)})`);
    expect(web.cpuCoreHours).toBeCloseTo(1, 6);
    expect(web.hoursAlive).toBeCloseTo(2, 6);
    expect(web.memoryGibHours).toBeCloseTo(2, 6);
    expect(web.memoryPeakGib).toBeCloseTo(1, 6);
    expect(web.ioReadGib! * 1024).toBeCloseTo(7200, 3);
    expect(web.ioWriteGib! * 1024).toBeCloseTo(3600, 3);
    expect(web.networkRxGib! * 1024).toBeCloseTo(14_400, 3); // lo excluded
    expect(web.networkTxGib! * 1024).toBeCloseTo(7200, 3);
    expect(batch.cpuCoreHours).toBeCloseTo(0.5, 6);
    expect(r.host.capacityCpuCoreHours).toBeCloseTo(8, 6);
    expect(r.notInContainer.cpuCoreHours).toBeCloseTo(3 - 1.5, 6);
    expect(r.idle.cpuCoreHours).toBeCloseTo(8 - 3, 6);
    expect(r.total.cpuCoreHours).toBeCloseTo(8, 6);
    expect(r.total.memoryGibHours).toBeCloseTo(32, 6);
    expect(web.cost!.cpu).toBeCloseTo(0.04, 9);
    // Prometheus' range includes both ends (241 points an hour), VictoriaMetrics' only the right one.
    expect(r.notes.join(' ')).toMatch(/scrape interval derived .* 1[45]\.\d s/);
  });

  it('groups by image and label, and bills limits from the spec series', async () => {
    const byTeam = await bill('label:team');
    expect(byTeam.rows.map((x) => x.label).sort()).toEqual(['(no team label)', 'shop']);
    const limit = await bill('image', 'limit');
    const web = limit.rows.find((x) => x.label === 'shop/web:1')!;
    expect(web.cpuCoreHours).toBeCloseTo(2, 6);
    expect(web.memoryGibHours).toBeCloseTo(4, 6);
    expect(limit.rows.find((x) => x.label === 'shop/batch:2')!.cpuCoreHours).toBe(0);
  });
});
