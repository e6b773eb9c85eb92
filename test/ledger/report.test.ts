// The report model over a ledger written from fake samples: grouping, bases, prices, the two host
// lines, and the columns adding up to the host's capacity.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger } from '../../collector/ledger/ledger.js';
import { buildReport, loadLedgerUsage, parseRateCard, renderReport, parseGroupBy, type BillingReport } from '../../exporters/billing/index.js';
import { fakeSample, hexId, snapshotsOf, GiB, MiB, type FakeReading } from './fake-samples.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 4, 1, 8, 0, 0);
const dir = mkdtempSync(join(tmpdir(), 'cgmeter-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CARD = parseRateCard('{"currency": "USD", "cpuCoreHour": 0.04, "memoryGiBHour": 0.005, "blockIoGiB": 0.1, "networkGiB": 0.01}');

const POD = 'c0ffee00-1111-2222-3333-444455556666';
const WEB = { path: `/docker/${hexId('web')}`, identity: { runtime: 'docker' as const, name: 'web', image: 'shop/web:1', labels: { team: 'shop, eu' } } };
const BATCH = { path: `/docker/${hexId('batch')}`, identity: { runtime: 'docker' as const, name: 'batch', image: 'shop/batch:2', labels: {} } };
const APP = { path: `/kubepods/pod${POD}/${hexId('app')}`, identity: { runtime: 'kubernetes' as const, name: 'app', image: 'k8s/app:3', labels: { team: 'k8s' }, podUid: POD, pod: 'app-7d9', namespace: 'prod' } };
const SIDE = { path: `/kubepods/pod${POD}/${hexId('side')}`, identity: { runtime: 'kubernetes' as const, name: 'sidecar', image: 'k8s/proxy:1', labels: { team: 'k8s' }, podUid: POD, pod: 'app-7d9', namespace: 'prod' } };
const POD_CG = { path: `/kubepods/pod${POD}`, id: POD, kind: 'pod' as const, identity: { runtime: 'kubernetes' as const, podUid: POD } };

/**
 * Two hours, one reading a minute. web: 1 core, 1 GiB, quota 2 cores, 1 GiB limit; batch: 0.5 core
 * unlimited; the pod's two containers 0.25 core each and the pod 1 MiB/s of traffic; the host 2.5
 * cores of 4 busy (0.5 outside containers), 16 GiB, 10 GiB in use.
 */
function ledgerPath(): string {
  const path = join(dir, `l-${Math.random()}.db`);
  const ledger = new Ledger({ path, retentionMs: 30 * 24 * HOUR, host: { cpuCount: 4, memTotalBytes: 16 * GiB, bootId: 'r' } });
  for (let m = 0; m <= 120; m++) {
    const t = T0 + m * 60_000;
    const s = m * 60;
    const readings: FakeReading[] = [
      { ...WEB, timestampMs: t, createdMs: 1, cpuSeconds: s, memoryBytes: GiB, quotaUs: 200_000, memoryLimitBytes: GiB, readBytes: m * MiB },
      { ...BATCH, timestampMs: t, createdMs: 1, cpuSeconds: s * 0.5, memoryBytes: GiB / 2 },
      { ...APP, timestampMs: t, createdMs: 1, cpuSeconds: s * 0.25, memoryBytes: GiB / 4 },
      { ...SIDE, timestampMs: t, createdMs: 1, cpuSeconds: s * 0.25, memoryBytes: GiB / 4 },
      { ...POD_CG, timestampMs: t, createdMs: 1, cpuSeconds: s * 0.5, memoryBytes: GiB / 2, netnsInode: 77, rxBytes: s * MiB, txBytes: 0 },
    ];
    ledger.record(snapshotsOf([fakeSample({ path: '/', timestampMs: t, inode: 1, cpuSeconds: s * 2.5, memoryBytes: 10 * GiB, readBytes: m * 2 * MiB, cpusetCpus: '0-3' }), ...readings.map(fakeSample)]));
  }
  ledger.close();
  return path;
}

const path = ledgerPath();
function report(by: string, basis: 'usage' | 'limit' | 'max' = 'usage', priced = true): BillingReport {
  const data = loadLedgerUsage(path, T0, T0 + 2 * HOUR);
  return buildReport(data, { by: parseGroupBy(by), basis, rateCard: priced ? CARD : undefined, requestedFromMs: T0, requestedToMs: T0 + 2 * HOUR, nowMs: T0 + 3 * HOUR });
}
const row = (r: BillingReport, label: string) => r.rows.find((x) => x.label === label)!;

describe('billing report', () => {
  it('bills each container its usage, priced, and adds up to the host', () => {
    const r = report('container');
    const web = row(r, `web (${hexId('web').slice(0, 12)})`);
    expect(web.cpuCoreHours).toBeCloseTo(2, 9);
    expect(web.memoryGibHours).toBeCloseTo(2, 9);
    expect(web.memoryAvgGib).toBeCloseTo(1, 9);
    expect(web.memoryPeakGib).toBeCloseTo(1, 9);
    expect(web.hoursAlive).toBeCloseTo(2, 9);
    expect(web.ioReadGib! * 1024).toBeCloseTo(120, 9);
    expect(web.cost!.cpu).toBeCloseTo(2 * 0.04, 12);
    expect(web.cost!.memory).toBeCloseTo(2 * 0.005, 12);
    expect(web.cost!.io).toBeCloseTo((120 / 1024) * 0.1, 12);
    expect(web.cost!.total).toBeCloseTo(web.cost!.cpu + web.cost!.memory + web.cost!.io, 12);
    // The pod's traffic is on its own row, with no CPU, memory or container-hours of its own.
    const podNet = row(r, 'pod prod/app-7d9 network');
    expect(podNet.networkRxGib! * 1024).toBeCloseTo(7200, 6);
    expect([podNet.cpuCoreHours, podNet.containers, podNet.hoursAlive]).toEqual([0, 0, 0]);
    expect(r.total.containers).toBe(4);
    // Outside containers: 2.5 − 2 cores; idle: 4 − 2.5 cores; memory 10 − 2 GiB outside, 16 − 10 idle.
    expect(r.notInContainer.cpuCoreHours).toBeCloseTo(1, 9);
    expect(r.idle.cpuCoreHours).toBeCloseTo(3, 9);
    expect(r.notInContainer.memoryGibHours).toBeCloseTo(16, 9);
    expect(r.idle.memoryGibHours).toBeCloseTo(12, 9);
    expect(r.total.cpuCoreHours).toBeCloseTo(r.host.capacityCpuCoreHours, 9);
    expect(r.total.memoryGibHours).toBeCloseTo(r.host.capacityMemoryGibHours, 9);
    expect(r.host.capacityCpuCoreHours).toBeCloseTo(8, 9);
    expect(r.notInContainer.ioReadGib! * 1024).toBeCloseTo(120, 9);
    expect(r.total.cost!.total).toBeCloseTo(r.rows.reduce((s, x) => s + x.cost!.total, 0) + r.notInContainer.cost!.total + r.idle.cost!.total, 12);
    expect(r.series.bucketsMs).toEqual([T0, T0 + HOUR]);
    expect(r.series.groups.find((g) => g.label === web.label)!.values[0]).toBeCloseTo(web.cost!.total / 2, 9);
  });

  it('groups by image, label, pod, namespace and runtime', () => {
    expect(report('image').rows.map((x) => x.label).sort()).toEqual(['(pod network)', 'k8s/app:3', 'k8s/proxy:1', 'shop/batch:2', 'shop/web:1']);
    const team = report('label:team');
    expect(team.rows.map((x) => [x.label, x.containers]).sort()).toEqual([['(no team label)', 1], ['k8s', 2], ['shop, eu', 1]]);
    // The pod's network goes where its containers' labels put it.
    expect(row(team, 'k8s').networkRxGib! * 1024).toBeCloseTo(7200, 6);
    const pod = report('pod');
    expect(row(pod, 'prod/app-7d9').cpuCoreHours).toBeCloseTo(1, 9);
    expect(row(pod, 'prod/app-7d9').containers).toBe(2);
    expect(row(pod, '(no pod)').containers).toBe(2);
    expect(report('namespace').rows.map((x) => x.label).sort()).toEqual(['(no namespace)', 'prod']);
    expect(report('runtime').rows.map((x) => x.label).sort()).toEqual(['docker', 'kubernetes']);
  });

  it('bills limits under --basis limit and the larger of limit and usage under --basis max', () => {
    const limit = report('container', 'limit');
    const webLabel = `web (${hexId('web').slice(0, 12)})`;
    expect(row(limit, webLabel).cpuCoreHours).toBeCloseTo(4, 9);
    expect(row(limit, webLabel).memoryGibHours).toBeCloseTo(2, 9);
    const batch = row(limit, `batch (${hexId('batch').slice(0, 12)})`);
    expect(batch.cpuCoreHours).toBe(0);
    expect(batch.notes.join(' ')).toMatch(/without a CPU limit bill no CPU/);
    expect(limit.idle.cpuCoreHours).toBeCloseTo(8 - 4 - 1, 9); // capacity − allocated (limits) − outside
    const max = report('container', 'max');
    expect(row(max, webLabel).cpuCoreHours).toBeCloseTo(4, 9);
    expect(row(max, `batch (${hexId('batch').slice(0, 12)})`).cpuCoreHours).toBeCloseTo(1, 9);
    expect(max.total.cpuCoreHours).toBeCloseTo(8, 9);
  });

  it('shows usage only without a rate card, and charts CPU core-hours', () => {
    const r = report('image', 'usage', false);
    expect(r.currency).toBeNull();
    expect(r.rows.every((x) => x.cost === null)).toBe(true);
    expect(r.series.metric).toBe('cpuCoreHours');
    expect(renderReport(r, 'table')).toContain('no rate card (usage only)');
  });

  it('writes CSV whose cells are quoted where needed and whose lines add up', () => {
    const csv = renderReport(report('label:team'), 'csv');
    expect(csv).toContain('"shop, eu"');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]!.split(',')).toContain('cost_total');
    expect(lines.at(-1)!.startsWith('total,')).toBe(true);
  });

  it('says when the window was widened to whole hours', () => {
    const data = loadLedgerUsage(path, T0 + 10 * 60_000, T0 + 70 * 60_000);
    const r = buildReport(data, { by: parseGroupBy('container'), basis: 'usage', requestedFromMs: T0 + 10 * 60_000, requestedToMs: T0 + 70 * 60_000 });
    expect([r.window.fromMs, r.window.toMs]).toEqual([T0, T0 + 2 * HOUR]);
    expect(r.notes.join(' ')).toMatch(/widened to whole hours/);
  });
});
