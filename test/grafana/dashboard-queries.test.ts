// Every panel query of every generated dashboard, run against a real Prometheus 2.42 that scraped
// `cgmeter serve` every second and a real InfluxDB 1.6 that serve pushed to, while known loads ran:
// each query parses and returns data (a query that returns nothing fails with its panel's title),
// and the container boards show the loads' known sizes (0.5 core under a 0.5-core quota, 200 MiB).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { detectHostCgroups, requireRootOrSkip, waitFor } from '../helpers/kernel.js';
import { influxQuery } from '../exporters/influx/helpers/servers.js';
import { boardQueries, influxRegex, promRegex, substitute, type BoardQuery } from './board-queries.js';
import { INFLUX_DB, LOAD_MIB, MiB, promQuery, startLiveStack, type LiveStack } from './live-stack.js';

const skip = requireRootOrSkip({ binaries: ['prometheus', 'influxd', 'stress-ng', 'unshare', 'ip', 'ping'] }, 'Grafana dashboard queries');
const V2 = !skip && detectHostCgroups().mode === 'v2';
const RATE_WINDOW = '20s';
/** Where the rendered screenshots' data comes from (test/grafana/render-screenshots.ts). */
const RESULTS_FILE = process.env.CGMETER_GRAFANA_RESULTS;

interface Outcome { q: BoardQuery; expr: string; series: number; error?: string; data?: unknown }

describe.skipIf(skip)('generated dashboards, every query on real data', () => {
  let stack: LiveStack;
  let promVars: Record<string, string>;
  let influxVars: Record<string, string>;
  let influxNames: string[] = [];
  /** The container board's variables: Container set to the four test containers. */
  const containerVars = () => ({ ...promVars, name: promRegex([stack.cpu, stack.mem, stack.net, stack.io].map((c) => c.name)) });
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    stack = await startLiveStack();
    const loads = [stack.cpu, stack.mem, stack.net, stack.io];
    const ids = loads.map((c) => c.path);
    const cpuSel = `container_cpu_usage_seconds_total{id="${stack.cpu.path}"}`;
    // A full rate window of scrapes, and the network and I/O loads visible.
    await waitFor(async () => Number((await promQuery(stack.promUrl, `count_over_time(${cpuSel}[${RATE_WINDOW}])`)).result[0]?.value?.[1] ?? 0) >= 18,
      { timeoutMs: 90_000, intervalMs: 1000, what: `${RATE_WINDOW} of scrapes` });
    // Every variable widened to All (.*) but the container board's Container: the test containers' names.
    promVars = {
      datasource: 'unused', instance: '.*', name: '.*', image: '.*', id: '.*', group: 'id',
      cpu_core_hour: '0.031', memory_gib_hour: '0.0042', blockio_gib: '0.01', network_gib: '0.02',
      __rate_interval: RATE_WINDOW, __interval: '10s', __interval_ms: '10000', __range: '60s', __range_s: '60',
    };
    // In InfluxDB the id tag is the engine's container id.
    const names = await Promise.all(loads.map(async (load) => {
      const r = await waitFor(async () => (await influxQuery(stack.influx, `SHOW TAG VALUES FROM "cgmeter_cpu" WITH KEY = "name" WHERE "id" = '${load.containerId}'`, INFLUX_DB)).results[0]?.series?.[0],
        { timeoutMs: 30_000, intervalMs: 1000, what: `${load.containerId} in InfluxDB` });
      return String(r.values[0]![1]);
    }));
    influxNames = names;
    influxVars = { datasource: 'unused', host: '.*', name: influxRegex(names), image: '.*', timeFilter: 'time > now() - 2m', __interval: '5s' };
  }, 240_000);

  afterAll(async () => {
    if (RESULTS_FILE && outcomes.length > 0) writeFileSync(RESULTS_FILE, JSON.stringify(outcomes, null, 1));
    await stack?.stop();
  });

  function report(flavour: string, list: Outcome[]): string[] {
    const failures: string[] = [];
    for (const o of list) {
      const where = `${o.q.board} › "${o.q.panel}" ${o.q.refId}`;
      const v2Only = o.q.description.includes('cgroup v2 only');
      if (o.error) failures.push(`${where}: ${o.error}`);
      else if (o.series === 0 && !(v2Only && !V2)) failures.push(`${where} returned nothing: ${o.expr}`);
      else if (o.series === 0) console.info(`${where}: empty, as expected on this cgroup v1 kernel (panel says cgroup v2 only)`);
    }
    console.info(`${flavour}: ${list.length} queries, ${list.filter((o) => o.series > 0).length} with data, ${failures.length} failing`);
    return failures;
  }

  it('every Prometheus panel query parses and returns data', async () => {
    const list: Outcome[] = [];
    for (const q of boardQueries('prometheus')) {
      const expr = substitute(q.raw, q.board === 'prometheus/container.json' ? containerVars() : promVars);
      try {
        // Range panels as Grafana asks for them (query_range), stat/bar panels as instant queries.
        const data = await promQuery(stack.promUrl, expr, q.instant ? undefined : { seconds: 60, step: 2 });
        list.push({ q, expr, series: data.result.length, data: data.result });
      } catch (error) {
        list.push({ q, expr, series: 0, error: (error as Error).message });
      }
    }
    outcomes.push(...list);
    expect(report('Prometheus', list)).toEqual([]);
  }, 180_000);

  /** The kernel's own CPU count for the cpu-load cgroup over the rate window that ends now. */
  async function kernelCores(): Promise<number> {
    const t0 = performance.now();
    const ns0 = stack.cpu.cgroup.cpuUsageNs();
    await new Promise((resolve) => setTimeout(resolve, Number.parseInt(RATE_WINDOW, 10) * 1000));
    return (stack.cpu.cgroup.cpuUsageNs() - ns0) / 1e9 / ((performance.now() - t0) / 1000);
  }

  /** 0.5 ± 10%; on a busy machine whose load starved the quota, against the kernel's count instead (said in the log). */
  function expectHalfCore(cores: number, kernel: number, where: string): void {
    console.info(`${where}: ${cores.toFixed(3)} cores; the kernel counted ${kernel.toFixed(3)} over the same window (quota 0.5)`);
    expect(Math.abs(cores - kernel), `${where} vs kernel`).toBeLessThan(0.05);
    if (kernel > 0.45) {
      expect(cores).toBeGreaterThan(0.45);
      expect(cores).toBeLessThan(0.55);
    } else {
      console.warn(`host too busy: the load got ${kernel.toFixed(3)} of its 0.5 cores; ${where} checked against the kernel only`);
    }
  }

  it('Prometheus container board: "CPU cores used" shows the 0.5-core quota load at 0.5 ± 10%, and the quota at 0.5', async () => {
    const panel = boardQueries('prometheus').filter((q) => q.board === 'prometheus/container.json' && q.panel === 'CPU cores used');
    const kernel = await kernelCores();
    const used = await promQuery(stack.promUrl, substitute(panel.find((q) => q.refId === 'A')!.raw, containerVars()));
    const quota = await promQuery(stack.promUrl, substitute(panel.find((q) => q.refId === 'B')!.raw, containerVars()));
    const cores = Number(used.result.find((s) => s.metric.id === stack.cpu.path)?.value?.[1]);
    expectHalfCore(cores, kernel, 'Prometheus container board, CPU cores used');
    expect(Number(quota.result.find((s) => s.metric.id === stack.cpu.path)?.value?.[1])).toBe(0.5);
  }, 90_000);

  // stress-ng's 200 MiB are anonymous memory (the panel's rss line); the working set adds the
  // processes' own pages and the binary's page cache (~25 MiB here), so it is bounded, not matched.
  it(`Prometheus container board: "Memory" shows the ${LOAD_MIB} MiB load within 10% (rss), its working set and its limit`, async () => {
    const panel = boardQueries('prometheus').filter((q) => q.board === 'prometheus/container.json' && q.panel === 'Memory');
    const value = async (refId: string) => Number((await promQuery(stack.promUrl, substitute(panel.find((q) => q.refId === refId)!.raw, containerVars())))
      .result.find((s) => s.metric.id === stack.mem.path)?.value?.[1]);
    const [ws, rss, limit] = [await value('A'), await value('D'), await value('E')];
    console.info(`Prometheus container board, Memory, ${stack.mem.path}: rss ${(rss / MiB).toFixed(1)} MiB, working set ${(ws / MiB).toFixed(1)} MiB`);
    expect(Math.abs(rss - LOAD_MIB * MiB) / (LOAD_MIB * MiB)).toBeLessThan(0.1);
    expect(ws).toBeGreaterThan(rss);
    expect(ws).toBeLessThan(LOAD_MIB * MiB * 1.25);
    expect(limit).toBe(400 * MiB);
  }, 60_000);

  it('Prometheus variable queries (label_values) answer, and list the node and the test cgroups', async () => {
    const { loadBoards } = await import('./board-queries.js');
    const seen = new Map<string, string[]>();
    for (const [, board] of loadBoards('prometheus')) {
      for (const v of board.templating.list.filter((v) => v.type === 'query')) {
        const m = /^label_values\((.*), (\w+)\)$/.exec(String(v.query));
        expect(m, `variable ${String(v.name)}: ${String(v.query)}`).not.toBeNull();
        const params = new URLSearchParams({ 'match[]': substitute(m![1]!, promVars) });
        const body = await (await fetch(`${stack.promUrl}/api/v1/label/${m![2]}/values?${params}`)).json() as { status: string; data: string[] };
        expect(body.status).toBe('success');
        seen.set(String(v.name), body.data);
      }
    }
    expect(seen.get('instance')!.length).toBeGreaterThan(0);
    expect(seen.get('id')).toEqual(expect.arrayContaining([stack.cpu.path, stack.mem.path]));
    expect(seen.get('name')).toEqual(expect.arrayContaining([stack.cpu.name, stack.mem.name]));
  }, 60_000);

  it('every InfluxQL panel query parses and returns data from InfluxDB 1.6', async () => {
    const list: Outcome[] = [];
    for (const q of boardQueries('influxdb')) {
      const expr = substitute(q.raw, influxVars);
      const body = await influxQuery(stack.influx, expr, INFLUX_DB);
      const r = body.results[0];
      list.push({ q, expr, series: r?.series?.length ?? 0, error: r?.error, data: r?.series });
    }
    outcomes.push(...list);
    expect(report('InfluxDB', list)).toEqual([]);
  }, 120_000);

  it('InfluxDB container board: CPU at 0.5 ± 10% and the memory load within 10%', async () => {
    const last = async (panel: string, refId: string) => {
      const q = boardQueries('influxdb').find((x) => x.board === 'influxdb/container.json' && x.panel === panel && x.refId === refId)!;
      const series = (await influxQuery(stack.influx, substitute(q.raw, influxVars).replace('$__interval', '5s'), INFLUX_DB)).results[0]!.series ?? [];
      return (name: string) => {
        const s = series.find((x) => x.tags?.name === name);
        // The four complete 5 s intervals before the newest (still filling): the kernel's 20 s window.
        const window = (s?.values ?? []).slice(-5, -1).map((v) => Number(v[1]));
        return window.reduce((a, b) => a + b, 0) / window.length;
      };
    };
    const kernel = await kernelCores();
    const cores = (await last('CPU cores used', 'A'))(influxNames[0]!);
    const rss = (await last('Memory', 'D'))(influxNames[1]!);
    console.info(`InfluxDB container board: rss ${(rss / MiB).toFixed(1)} MiB`);
    expectHalfCore(cores, kernel, 'InfluxDB container board, CPU cores used');
    expect(Math.abs(rss - LOAD_MIB * MiB) / (LOAD_MIB * MiB)).toBeLessThan(0.1);
  }, 60_000);
});
