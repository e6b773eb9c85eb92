// Scrape cost at fleet size: N synthetic containers (the fixture trees' real container Snapshots,
// cloned under new ids, names, images, engine labels and an eth0) rendered by cgmeter's renderer in
// both formats, gzipped, and the same series rendered by prom-client alone for comparison.
// Run: node --import tsx bench/scrape-bench.ts [N…]   (default 1000; no root needed)

import { gzipSync, constants as zlib } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { Counter, Gauge, Registry } from 'prom-client';
import { derive, type Snapshot } from '../collector/model/derive.js';
import type { CgroupSample } from '../collector/model/sample.js';
import { PrometheusExporter } from '../exporters/prometheus/exporter.js';
import { createHttpApp } from '../exporters/http/app.js';
import { renderContainerFamilies, DEFAULT_CONTAINER_EXPORT_OPTIONS } from '../exporters/prometheus/render.js';
import { CONTAINER_METRICS } from '../exporters/prometheus/table/container-metrics.js';
import { isLabelled, type RenderContext } from '../exporters/prometheus/metric.js';
import { fixtureSamples, staticSource } from '../test/exporters/fixture-source.js';

export interface ScrapeBenchRow {
  containers: number;
  series: number;
  what: string;
  msPerScrape: number;
  cpuMsPerScrape: number;
  bytes: number;
}

/** Fixture containers cloned `count` times, each a distinct container with realistic labels. */
export function syntheticSnapshots(count: number): Snapshot[] {
  const templates: CgroupSample[] = [
    ...fixtureSamples('cgroup-v1').samples, ...fixtureSamples('cgroup-v2').samples,
  ].filter((s) => s.identity.kind === 'container');
  const snapshots: Snapshot[] = [];
  for (let i = 0; i < count; i++) {
    const t = templates[i % templates.length]!;
    const id = randomBytes(32).toString('hex');
    const sample: CgroupSample = {
      ...t,
      path: `/docker/${id}`,
      inode: 100_000 + i,
      identity: {
        ...t.identity, runtime: 'docker', kind: 'container', id, name: `app-${i % 50}-${i}`, image: `registry.example.com/team${i % 7}/app:${i % 13}.0`,
        labels: { 'com.docker.compose.project': `proj${i % 20}`, 'com.docker.compose.service': `svc${i % 50}`, maintainer: 'ops@example.com' },
      },
      network: {
        netnsInode: 4026532000 + i,
        interfaces: [
          { name: 'lo', rxBytes: 0, rxPackets: 0, rxErrors: 0, rxDropped: 0, txBytes: 0, txPackets: 0, txErrors: 0, txDropped: 0 },
          { name: 'eth0', rxBytes: 123456789 + i, rxPackets: 98765 + i, rxErrors: 0, rxDropped: 3, txBytes: 87654321 + i, txPackets: 54321, txErrors: 0, txDropped: 0 },
        ],
      },
    };
    snapshots.push(derive(sample));
  }
  return snapshots;
}

function time(rounds: number, run: () => unknown): { ms: number; cpuMs: number; result: unknown } {
  let result: unknown = run(); // warm-up (JIT), not counted
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < rounds; i++) result = run();
  const wallMs = (performance.now() - started) / rounds;
  const cpu = process.cpuUsage(cpuBefore);
  return { ms: wallMs, cpuMs: (cpu.user + cpu.system) / 1000 / rounds, result };
}

async function timeAsync<T>(rounds: number, run: () => Promise<T>): Promise<{ ms: number; cpuMs: number; result: T }> {
  let result = await run();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < rounds; i++) result = await run();
  const cpu = process.cpuUsage(cpuBefore);
  return { ms: (performance.now() - started) / rounds, cpuMs: (cpu.user + cpu.system) / 1000 / rounds, result };
}

/** The same series, set into prom-client metrics with the same labels and rendered by its Registry. */
function promClientRegistry(snapshots: readonly Snapshot[], context: RenderContext): { registry: Registry; fill: () => void } {
  const registry = new Registry();
  const labelKeys = ['com.docker.compose.project', 'com.docker.compose.service', 'maintainer'];
  const baseNames = ['id', 'name', 'image', ...labelKeys.map((k) => `container_label_${k.replace(/[^a-zA-Z0-9_]/g, '_')}`)];
  const enabled = CONTAINER_METRICS.filter((m) => !DEFAULT_CONTAINER_EXPORT_OPTIONS.disabledGroups.has(m.group));
  const metrics = enabled.map((m) => {
    const labelNames = [...baseNames, ...m.labels];
    const options = { name: m.name, help: m.help, labelNames, registers: [registry] };
    return { m, metric: m.type === 'counter' ? new Counter(options) : new Gauge(options) };
  });
  const fill = () => {
    for (const { m, metric } of metrics) {
      metric.reset();
      for (const s of snapshots) {
        const base: Record<string, string> = { id: s.sample.path, name: s.sample.identity.name, image: s.sample.identity.image ?? '' };
        labelKeys.forEach((k, i) => { base[baseNames[3 + i]!] = s.sample.identity.labels[k] ?? ''; });
        const rows = isLabelled(m) ? m.series(s, context) : [{ labels: [], value: m.value(s, context) ?? NaN }];
        for (const row of rows) {
          if (!Number.isFinite(row.value)) continue;
          const labels = { ...base };
          m.labels.forEach((name, k) => { labels[name] = row.labels[k]!; });
          if (metric instanceof Counter) metric.inc(labels, row.value);
          else metric.set(labels, row.value);
        }
      }
    }
  };
  return { registry, fill };
}

export async function runScrapeBench(counts: readonly number[] = [1000], rounds = 10): Promise<ScrapeBenchRow[]> {
  const rows: ScrapeBenchRow[] = [];
  const context: RenderContext = { hierarchyMode: 'v2' };
  for (const containers of counts) {
    const snapshots = syntheticSnapshots(containers);
    const { stats } = fixtureSamples('cgroup-v2');
    const options = DEFAULT_CONTAINER_EXPORT_OPTIONS;
    const families = time(rounds, () => renderContainerFamilies(snapshots, options, context));
    const exposition = renderContainerFamilies(snapshots, options, context);
    const push = (what: string, t: { ms: number; cpuMs: number }, bytes: number) =>
      rows.push({ containers, series: exposition.series, what, msPerScrape: t.ms, cpuMsPerScrape: t.cpuMs, bytes });
    for (const format of ['prometheus', 'openmetrics'] as const) {
      // A fresh Snapshot array per scrape defeats the exporter's memo: every round renders anew.
      const full = await timeAsync(rounds, async () => {
        const source = staticSource([...snapshots], 'v2', stats);
        return Buffer.concat(await new PrometheusExporter(source).scrape(format));
      });
      push(`cgmeter ${format}: full scrape`, full, full.result.length);
      for (const level of [zlib.Z_DEFAULT_COMPRESSION, 1]) {
        const gz = time(rounds, () => gzipSync(full.result, { level }));
        push(`  gzip level ${level === 1 ? 1 : 6} (${format})`, gz, (gz.result as Buffer).length);
      }
    }
    push('  of which: render families (both formats share)', families, 0);
    // What a Prometheus scrape costs end to end in the process: negotiation, render, gzip, response.
    const http = await timeAsync(rounds, async () => {
      const exporter = new PrometheusExporter(staticSource([...snapshots], 'v2', stats));
      const res = await createHttpApp({ source: staticSource([], 'v2', stats), exporter }).request('/metrics', {
        headers: { accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5', 'accept-encoding': 'gzip' },
      });
      return Buffer.from(await res.arrayBuffer());
    });
    push('GET /metrics (OpenMetrics, gzip), in-process', http, http.result.length);
    const { registry, fill } = promClientRegistry(snapshots, context);
    const filled = time(Math.max(1, Math.floor(rounds / 2)), fill);
    push('prom-client: set every series', filled, 0);
    const promText = await timeAsync(rounds, () => registry.metrics());
    push('prom-client: registry.metrics() (text)', promText, Buffer.byteLength(promText.result));
  }
  return rows;
}

export function scrapeBenchTable(rows: readonly ScrapeBenchRow[]): string {
  const header = ['containers', 'series', 'what', 'ms/scrape', 'cpu ms', 'bytes'];
  const body = rows.map((r) => [
    String(r.containers), String(r.series), r.what, r.msPerScrape.toFixed(1), r.cpuMsPerScrape.toFixed(1), r.bytes ? String(r.bytes) : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  return [header, ...body].map((cells) => cells.map((c, i) => (i === 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const counts = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const rows = await runScrapeBench(counts.length ? counts : [1000]);
  const cgmeterFull = rows.find((r) => r.what === 'cgmeter prometheus: full scrape');
  const promClient = rows.find((r) => r.what.startsWith('prom-client: registry'));
  process.stdout.write(`${scrapeBenchTable(rows)}\n`);
  if (cgmeterFull && promClient) {
    process.stdout.write(`\ncgmeter full scrape / prom-client text rendering alone: ${(cgmeterFull.msPerScrape / promClient.msPerScrape).toFixed(2)}× (node ${process.version}, ${rows[0]!.containers} containers, budget 250 ms)\n`);
  }
}
