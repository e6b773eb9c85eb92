// Container detail, InfluxDB: the same panels as the Prometheus board from the measurements of
// docs/influx.md. cgmeter writes rates (cores_used, *_bps) itself, so most panels are a mean;
// counters (failcnt, oom kills) become per-interval increases with non_negative_difference.

import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { influx, timeseries } from './kit.js';
import { INFLUX_WHERE, influxVariables } from './variables.js';

const mean = (field: string, m: string, by = '"name"') =>
  `SELECT mean("${field}") FROM "${m}" WHERE ${INFLUX_WHERE} GROUP BY time($__interval), ${by} fill(none)`;
const increase = (field: string, m: string) =>
  `SELECT non_negative_difference(max("${field}")) FROM "${m}" WHERE ${INFLUX_WHERE} GROUP BY time($__interval), "name" fill(none)`;

export function influxContainer(): DashboardBuilder {
  const b = new DashboardBuilder('cgmeter / Container (InfluxDB)').uid('cgmeter-container-influxdb')
    .tags(['cgmeter', 'containers']).refresh('30s').time({ from: 'now-1h', to: 'now' }).tooltip(1);
  for (const v of influxVariables()) b.withVariable(v);
  return b
    .withRow(new RowBuilder('CPU'))
    .withPanel(timeseries('influxdb', 'CPU cores used', [
      influx(mean('cores_used', 'cgmeter_cpu'), '$tag_name', 'A'),
      influx(mean('limit_cores', 'cgmeter_cpu'), 'quota $tag_name', 'B'),
    ], { unit: 'none', span: 8, description: 'Cores busy (1 = one core) and the CFS quota in cores (containers with a quota only).' }))
    .withPanel(timeseries('influxdb', 'CPU user / system', [
      influx(mean('user_cores', 'cgmeter_cpu'), 'user $tag_name', 'A'),
      influx(mean('system_cores', 'cgmeter_cpu'), 'system $tag_name', 'B'),
    ], { unit: 'none', span: 8, stacked: true }))
    .withPanel(timeseries('influxdb', 'CPU throttling', [influx(mean('throttled_ratio', 'cgmeter_cpu'), '$tag_name')],
      { unit: 'percentunit', span: 8, min: 0, description: 'Share of CFS periods throttled.' }))
    .withRow(new RowBuilder('Memory'))
    .withPanel(timeseries('influxdb', 'Memory', [
      influx(mean('working_set_bytes', 'cgmeter_memory'), 'working set $tag_name', 'A'),
      influx(mean('usage_bytes', 'cgmeter_memory'), 'usage $tag_name', 'B'),
      influx(mean('cache_bytes', 'cgmeter_memory'), 'cache $tag_name', 'C'),
      influx(mean('rss_bytes', 'cgmeter_memory'), 'rss $tag_name', 'D'),
      influx(mean('limit_bytes', 'cgmeter_memory'), 'limit $tag_name', 'E'),
    ], { unit: 'bytes', description: 'Working set = usage − inactive page cache: what the OOM killer looks at.' }))
    .withPanel(timeseries('influxdb', 'Memory limit hits and OOM kills', [
      influx(increase('failcnt', 'cgmeter_memory'), 'limit hits $tag_name', 'A'),
      influx(increase('events_oom_kill', 'cgmeter_memory'), 'OOM kills $tag_name', 'B'),
    ], { unit: 'short', span: 12, min: 0, description: 'failcnt is cgroup v1; on v2 read events_max.' }))
    .withPanel(timeseries('influxdb', 'Page faults', [
      influx(`SELECT non_negative_derivative(max("pgfault"), 1s) FROM "cgmeter_memory" WHERE ${INFLUX_WHERE} GROUP BY time($__interval), "name" fill(none)`, 'faults $tag_name', 'A'),
      influx(`SELECT non_negative_derivative(max("pgmajfault"), 1s) FROM "cgmeter_memory" WHERE ${INFLUX_WHERE} GROUP BY time($__interval), "name" fill(none)`, 'major faults $tag_name', 'B'),
    ], { unit: 'ops', span: 12 }))
    .withRow(new RowBuilder('I/O and network'))
    .withPanel(timeseries('influxdb', 'Block I/O throughput', [
      influx(mean('read_bps', 'cgmeter_blkio'), 'read $tag_name', 'A'),
      influx(mean('write_bps', 'cgmeter_blkio'), 'write $tag_name', 'B'),
    ], { unit: 'Bps' }))
    .withPanel(timeseries('influxdb', 'Block I/O operations', [
      influx(mean('read_iops', 'cgmeter_blkio'), 'read $tag_name', 'A'),
      influx(mean('write_iops', 'cgmeter_blkio'), 'write $tag_name', 'B'),
    ], { unit: 'iops' }))
    .withPanel(timeseries('influxdb', 'Network throughput', [
      influx(mean('rx_bps', 'cgmeter_network'), 'rx $tag_name', 'A'),
      influx(mean('tx_bps', 'cgmeter_network'), 'tx $tag_name', 'B'),
    ], { unit: 'Bps', description: 'All interfaces of the container\'s network namespace but lo.' }))
    .withPanel(timeseries('influxdb', 'Network packets', [
      influx(mean('rx_pps', 'cgmeter_network'), 'rx $tag_name', 'A'),
      influx(mean('tx_pps', 'cgmeter_network'), 'tx $tag_name', 'B'),
    ], { unit: 'pps' }))
    .withRow(new RowBuilder('Tasks and pressure'))
    .withPanel(timeseries('influxdb', 'Processes and threads', [
      influx(mean('processes', 'cgmeter_pids'), 'processes $tag_name', 'A'),
      influx(mean('threads', 'cgmeter_pids'), 'threads $tag_name', 'B'),
      influx(mean('max', 'cgmeter_pids'), 'pids.max $tag_name', 'C'),
    ], { unit: 'short', span: 8 }))
    .withPanel(timeseries('influxdb', 'Pressure: some tasks stalled (10 s average)', [
      influx(mean('some_avg10', 'cgmeter_pressure', '"name", "resource"'), '$tag_resource $tag_name'),
    ], { unit: 'percent', span: 8, min: 0 }))
    .withPanel(timeseries('influxdb', 'Pressure: all tasks stalled (10 s average)', [
      influx(mean('full_avg10', 'cgmeter_pressure', '"name", "resource"'), '$tag_resource $tag_name'),
    ], { unit: 'percent', span: 8, min: 0 }));
}
