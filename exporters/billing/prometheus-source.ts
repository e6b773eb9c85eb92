// The fleet source: the same UsageData from Prometheus or VictoriaMetrics, one query_range per
// quantity over cAdvisor names (which `cgmeter serve` exports too), evaluated at the end of every
// hour bucket over the hour before it. Which cgroups are containers is decided by the same runtime
// modules as the ledger's, from the `id` label (the cgroup path); `id="/"` is the host.
// Less exact than the ledger (docs/billing.md): increase() sees only scraped points, memory is
// averaged over scrapes, limits per hour rather than per interval, and a container that lived
// between two scrapes is not there at all.

import { HOUR_MS } from '../../collector/ledger/buckets.js';
import { emptyUsage, type UsageDelta } from '../../collector/ledger/integrate.js';
import { identifyCgroup } from '../../collector/runtimes/registry.js';
import type { ContainerInfo, HostRow, UsageData, UsageRow } from './usage-data.js';
import { fetchMatrix, fetchVector, type PromSeries } from './prometheus-client.js';

export interface PrometheusSourceOptions {
  readonly url: string;
  /** Extra label matchers added to every selector, e.g. `cluster="eu1"`. */
  readonly matchers?: string;
  /** Seconds between scrapes; undefined: derived per node from the root cgroup's sample count. */
  readonly scrapeIntervalSeconds?: number;
  readonly fetchImpl?: typeof fetch;
}

const BY = 'instance, id';
const sel = (metric: string, matchers: string | undefined, extra = '') =>
  `${metric}{${[extra, matchers].filter((s) => s && s.length > 0).join(',')}}`;

type Quantity = 'cpu' | 'ws' | 'mem' | 'wsPeak' | 'memPeak' | 'memLimit' | 'cpuQuota' | 'cpuPeriod'
  | 'ioRead' | 'ioWrite' | 'ioReadOps' | 'ioWriteOps' | 'rx' | 'tx' | 'count';

function queries(m: string | undefined): Record<Quantity, string> {
  const inc = (metric: string, extra = '') => `sum by (${BY}) (increase(${sel(metric, m, extra)}[1h]))`;
  const over = (fn: string, metric: string) => `max by (${BY}) (${fn}(${sel(metric, m)}[1h]))`;
  return {
    cpu: inc('container_cpu_usage_seconds_total'),
    ws: over('avg_over_time', 'container_memory_working_set_bytes'),
    mem: over('avg_over_time', 'container_memory_usage_bytes'),
    wsPeak: over('max_over_time', 'container_memory_working_set_bytes'),
    memPeak: over('max_over_time', 'container_memory_usage_bytes'),
    memLimit: over('avg_over_time', 'container_spec_memory_limit_bytes'),
    cpuQuota: over('avg_over_time', 'container_spec_cpu_quota'),
    cpuPeriod: over('avg_over_time', 'container_spec_cpu_period'),
    ioRead: inc('container_fs_reads_bytes_total'),
    ioWrite: inc('container_fs_writes_bytes_total'),
    ioReadOps: inc('container_fs_reads_total'),
    ioWriteOps: inc('container_fs_writes_total'),
    rx: inc('container_network_receive_bytes_total', 'interface!="lo"'),
    tx: inc('container_network_transmit_bytes_total', 'interface!="lo"'),
    count: over('count_over_time', 'container_cpu_usage_seconds_total'),
  };
}

type Table = Map<string, Map<number, number>>;

/** "instance|id" → bucket start → value (the point at t covers the hour before t). */
function table(series: readonly PromSeries[]): Table {
  const out: Table = new Map();
  for (const s of series) {
    const key = `${s.metric.instance ?? ''}|${s.metric.id ?? ''}`;
    const cells = out.get(key) ?? new Map<number, number>();
    for (const [t, v] of s.values) if (Number.isFinite(v)) cells.set(t * 1000 - HOUR_MS, v);
    out.set(key, cells);
  }
  return out;
}

const GAUGE_MATCH = /^container_label_(.+)$/;

function containerInfo(key: string, labels: Readonly<Record<string, string>>): ContainerInfo | undefined {
  const id = labels.id ?? '';
  const identity = identifyCgroup(id);
  if (identity.kind !== 'container') return undefined;
  const containerLabels: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) {
    const m = GAUGE_MATCH.exec(name);
    if (m && value !== '') containerLabels[m[1]!] = value;
  }
  return {
    key, runtime: identity.runtime, containerId: identity.id, name: labels.name || labels.container || identity.name,
    image: labels.image || undefined, labels: containerLabels,
    pod: labels.pod || containerLabels.io_kubernetes_pod_name || undefined, podUid: identity.podUid,
    namespace: labels.namespace || containerLabels.io_kubernetes_pod_namespace || undefined,
    cgroupPath: id, instance: labels.instance || undefined,
  };
}

export async function loadPrometheusUsage(options: PrometheusSourceOptions, fromMs: number, toMs: number): Promise<UsageData> {
  const firstBucket = Math.floor(fromMs / HOUR_MS) * HOUR_MS;
  const lastBucket = Math.ceil(toMs / HOUR_MS) * HOUR_MS - HOUR_MS;
  const range = { startS: (firstBucket + HOUR_MS) / 1000, endS: (lastBucket + HOUR_MS) / 1000, stepS: 3600 };
  const q = queries(options.matchers);
  const names = Object.keys(q) as Quantity[];
  const results = await Promise.all(names.map((n) => fetchMatrix(options, q[n], range)));
  const t = Object.fromEntries(names.map((n, i) => [n, table(results[i]!)])) as Record<Quantity, Table>;
  const hostCores = table(await fetchMatrix(options, `max by (instance) (${sel('machine_cpu_cores', options.matchers)})`, range));
  const hostMemory = table(await fetchMatrix(options, `max by (instance) (${sel('machine_memory_bytes', options.matchers)})`, range));
  const identities = await fetchVector(options, `last_over_time(${sel('container_cpu_usage_seconds_total', options.matchers)}[${Math.ceil((toMs - firstBucket) / 1000)}s])`, toMs / 1000);

  const notes = ['source Prometheus: usage per hour from increase()/avg_over_time() over scraped points; containers that lived between two scrapes are missing (see docs/billing.md)'];
  const interval = scrapeIntervals(t.count, options.scrapeIntervalSeconds, notes);
  const containers = new Map<string, ContainerInfo>();
  for (const s of identities) {
    const key = `${s.metric.instance ?? ''}|${s.metric.id ?? ''}`;
    if (containers.has(key)) continue;
    const info = containerInfo(key, s.metric);
    if (info) containers.set(key, info);
  }
  const usage: UsageRow[] = [];
  const hosts: HostRow[] = [];
  for (const [key, counts] of t.count) {
    const instance = key.slice(0, key.indexOf('|'));
    const isHost = key.endsWith('|/');
    if (!isHost && !containers.has(key)) continue;
    for (const [bucketMs, count] of counts) {
      const alive = Math.min(3600, count * (interval.get(instance) ?? options.scrapeIntervalSeconds ?? 15));
      const u = usageFor(t, key, bucketMs, alive);
      if (!isHost) {
        usage.push({ containerKey: key, bucketMs, samples: count, usage: u });
        continue;
      }
      const cores = hostCores.get(`${instance}|`)?.get(bucketMs);
      const memTotal = hostMemory.get(`${instance}|`)?.get(bucketMs);
      if (cores === undefined || memTotal === undefined) continue;
      hosts.push({ bucketMs, instance, coveredSeconds: alive, cpuCapacityCoreSeconds: cores * alive, memoryCapacityByteSeconds: memTotal * alive, usage: u, ioKnown: false });
    }
  }
  if (hosts.length === 0) notes.push('no machine_cpu_cores / machine_memory_bytes or no root cgroup (id="/") series: idle and "not in any container" are unknown');
  return { source: 'prometheus', bucketMs: HOUR_MS, containers, usage, hosts, notes };
}

function usageFor(t: Record<Quantity, Table>, key: string, bucketMs: number, aliveSeconds: number): UsageDelta {
  const v = (q: Quantity) => t[q].get(key)?.get(bucketMs);
  const u = emptyUsage();
  u.aliveSeconds = aliveSeconds;
  u.cpuCoreSeconds = Math.max(0, v('cpu') ?? 0);
  u.workingSetByteSeconds = (v('ws') ?? 0) * aliveSeconds;
  u.memoryByteSeconds = (v('mem') ?? 0) * aliveSeconds;
  u.workingSetPeakBytes = v('wsPeak') ?? 0;
  u.memoryPeakBytes = v('memPeak') ?? 0;
  // cAdvisor writes 0 for "no limit" in both spec metrics.
  const memLimit = v('memLimit') ?? 0;
  const quota = v('cpuQuota') ?? 0;
  const period = v('cpuPeriod') ?? 0;
  const cores = quota > 0 && period > 0 ? quota / period : undefined;
  u.cpuLimitCoreSeconds = cores === undefined ? 0 : cores * aliveSeconds;
  u.cpuUnlimitedSeconds = cores === undefined ? aliveSeconds : 0;
  u.cpuMaxCoreSeconds = Math.max(u.cpuLimitCoreSeconds, u.cpuCoreSeconds);
  const limited = memLimit > 0 && memLimit < 2 ** 62;
  u.memoryLimitByteSeconds = limited ? memLimit * aliveSeconds : 0;
  u.memoryUnlimitedSeconds = limited ? 0 : aliveSeconds;
  u.memoryMaxByteSeconds = Math.max(u.memoryLimitByteSeconds, u.memoryByteSeconds);
  u.workingSetMaxByteSeconds = Math.max(u.memoryLimitByteSeconds, u.workingSetByteSeconds);
  u.ioReadBytes = Math.max(0, v('ioRead') ?? 0);
  u.ioWriteBytes = Math.max(0, v('ioWrite') ?? 0);
  u.ioReadOps = Math.max(0, v('ioReadOps') ?? 0);
  u.ioWriteOps = Math.max(0, v('ioWriteOps') ?? 0);
  u.netRxBytes = Math.max(0, v('rx') ?? 0);
  u.netTxBytes = Math.max(0, v('tx') ?? 0);
  return u;
}

/**
 * Seconds between scrapes per node: given, or 3600 ÷ the most samples the root cgroup's series had
 * in any one hour (an hour the node was scraped throughout).
 */
function scrapeIntervals(count: Table, given: number | undefined, notes: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, cells] of count) {
    if (!key.endsWith('|/')) continue;
    const instance = key.slice(0, key.indexOf('|'));
    out.set(instance, given ?? 3600 / Math.max(1, ...cells.values()));
  }
  if (given === undefined) {
    const described = [...out].map(([i, s]) => `${i || '(no instance)'} ${s.toFixed(1)} s`).join(', ');
    notes.push(`scrape interval derived from the root cgroup's samples per hour: ${described || 'none found, 15 s assumed'}`);
  }
  return out;
}
