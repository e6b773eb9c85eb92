// cgmeter's own health: is it collecting on time and cheaply, with which reader, is it failing
// anywhere, and is the InfluxDB export keeping up (spool). Counters that exist only after their
// first event (read errors, dropped points) are `or`-ed with a zero so that "none" shows as 0.

import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { prom, promInstant, stat, timeseries } from './kit.js';
import { prometheusVariables } from './variables.js';

const I = 'instance=~"$instance"';
const rate = (metric: string, by = 'instance') => `sum by (${by}) (rate(${metric}{${I}}[$__rate_interval]))`;
/** A rate that is 0, not absent, before the counter's first increment (per instance). */
const rateOrZero = (metric: string) => `${rate(metric)} or (sum by (instance) (cgmeter_build_info{${I}}) * 0)`;

export function prometheusHealth(): DashboardBuilder {
  const b = new DashboardBuilder('cgmeter / Exporter health').uid('cgmeter-health').tags(['cgmeter', 'health'])
    .refresh('30s').time({ from: 'now-1h', to: 'now' }).tooltip(1);
  // Only the node matters here: self-metrics carry no container labels.
  for (const v of prometheusVariables().filter((v) => ['datasource', 'instance'].includes(v.build().name))) b.withVariable(v);
  return b
    .withRow(new RowBuilder('Collection'))
    .withPanel(stat('prometheus', 'Reader in use', [promInstant(`cgmeter_reader_info{${I}}`, '{{instance}}: {{reader}} {{reason}}')],
      { span: 8, description: 'native: the C++ addon; fallback: the TypeScript reader, with the reason it runs.' }))
    .withPanel(stat('prometheus', 'Cgroup hierarchy', [promInstant(`cgmeter_hierarchy_info{${I}}`, '{{instance}}: {{mode}}')], { span: 8 }))
    .withPanel(stat('prometheus', 'Version', [promInstant(`cgmeter_build_info{${I}}`, '{{instance}}: {{version}} (node {{nodejs_version}})')], { span: 8 }))
    .withPanel(timeseries('prometheus', 'Collection duration', [
      prom(`cgmeter_collection_duration_seconds{${I}}`, 'sample wall time {{instance}}', 'A'),
      prom(`cgmeter_collection_cpu_seconds{${I}}`, 'sample CPU time {{instance}}', 'B'),
      prom(`cgmeter_discovery_duration_seconds{${I}}`, 'discovery walk {{instance}}', 'C'),
    ], { unit: 's', description: 'Time to read every tracked cgroup once; keep it well under --interval.' }))
    .withPanel(timeseries('prometheus', 'Sample age', [prom(`time() - cgmeter_last_sample_timestamp_seconds{${I}}`, '{{instance}}')],
      { unit: 's', description: 'Should stay below the sampling interval; growth means the collector is stuck.' }))
    .withPanel(timeseries('prometheus', 'Errors', [
      prom(rateOrZero('cgmeter_sample_errors_total'), 'failed samples {{instance}}', 'A'),
      prom(`sum by (instance, kind) (rate(cgmeter_read_errors_total{${I}}[$__rate_interval])) or (sum by (instance) (cgmeter_build_info{${I}}) * 0)`, 'read errors {{kind}} {{instance}}', 'B'),
      prom(rate('cgmeter_cgroups_gone_total'), 'cgroups gone while read {{instance}}', 'C'),
    ], { unit: 'ops', min: 0 }))
    .withPanel(timeseries('prometheus', 'Cgroups and series', [
      prom(`cgmeter_cgroups_tracked{${I}}`, 'tracked {{instance}}', 'A'),
      prom(`cgmeter_cgroups_exported{${I}}`, 'exported {{instance}}', 'B'),
      prom(`cgmeter_uncached_cgroups{${I}}`, 'beyond the fd budget {{instance}}', 'C'),
      prom(`cgmeter_quiet_cgroups{${I}}`, 'quiet: CPU time read alone {{instance}} (--quiet-refresh)', 'D'),
    ], { unit: 'short', description: 'Quiet cgroups used no CPU since their last full read: only their CPU time is read at a sample (the rest every --quiet-refresh).' }))
    .withRow(new RowBuilder('Process'))
    .withPanel(timeseries('prometheus', 'Process CPU', [prom(rate('process_cpu_seconds_total'), '{{instance}}')], { unit: 'percentunit', span: 8 }))
    .withPanel(timeseries('prometheus', 'Process memory', [prom(`process_resident_memory_bytes{${I}}`, '{{instance}}')], { unit: 'bytes', span: 8 }))
    .withPanel(timeseries('prometheus', 'Scrape duration (p99)', [
      prom(`histogram_quantile(0.99, sum by (instance, le) (rate(cgmeter_scrape_duration_seconds_bucket{${I}}[$__rate_interval])))`, '{{instance}}'),
    ], { unit: 's', span: 8 }))
    .withRow(new RowBuilder('InfluxDB export'))
    .withPanel(timeseries('prometheus', 'Points written', [
      prom(rate('cgmeter_influx_points_written_total'), 'written {{instance}}', 'A'),
      prom(rate('cgmeter_influx_points_replayed_total'), 'replayed from the spool {{instance}}', 'B'),
      prom(`sum by (instance, reason) (rate(cgmeter_influx_points_dropped_total{${I}}[$__rate_interval])) or (sum by (instance) (cgmeter_influx_spooling{${I}}) * 0)`, 'dropped {{reason}} {{instance}}', 'C'),
    ], { unit: 'ops', span: 8, description: 'Empty when serve runs without --influx-url.' }))
    .withPanel(timeseries('prometheus', 'Spool', [
      prom(`cgmeter_influx_spool_bytes{${I}}`, 'bytes waiting {{instance}}', 'A'),
    ], { unit: 'bytes', span: 8, description: 'Points waiting while InfluxDB is unreachable; cgmeter_influx_spooling is 1 meanwhile.' }))
    .withPanel(timeseries('prometheus', 'Since the last accepted write', [
      prom(`time() - cgmeter_influx_last_success_timestamp_seconds{${I}}`, '{{instance}}'),
    ], { unit: 's', span: 8 }));
}
