// The overview: the node as a whole (the root cgroup `/` is the host) and the containers that use
// the most of it. Prometheus and InfluxDB variants show the same things.

import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { bars, influx, prom, promInstant, stat, timeseries } from './kit.js';
import { INFLUX_WHERE, influxVariables, PROM_SEL, prometheusVariables } from './variables.js';

const HOST = 'instance=~"$instance", id="/"';
const BY = 'instance, name, id';
const LEGEND = '{{name}} {{id}}';
const top = (expr: string) => `topk(10, sum by (${BY}) (${expr}))`;
const rate = (metric: string, sel = PROM_SEL) => `rate(${metric}{${sel}, id!="/"}[$__rate_interval])`;

function base(uid: string, title: string): DashboardBuilder {
  return new DashboardBuilder(title).uid(uid).tags(['cgmeter', 'containers']).refresh('30s')
    .time({ from: 'now-1h', to: 'now' }).tooltip(1);
}

export function prometheusOverview(): DashboardBuilder {
  const b = base('cgmeter-overview', 'cgmeter / Overview');
  for (const v of prometheusVariables()) b.withVariable(v);
  return b
    .withRow(new RowBuilder('Host'))
    .withPanel(stat('prometheus', 'Host CPU cores used', [promInstant(`sum by (instance) (rate(container_cpu_usage_seconds_total{${HOST}}[$__rate_interval]))`, '{{instance}}')], { unit: 'none' }))
    .withPanel(stat('prometheus', 'Host memory working set', [promInstant(`sum by (instance) (container_memory_working_set_bytes{${HOST}})`, '{{instance}}')], { unit: 'bytes' }))
    .withPanel(stat('prometheus', 'Cgroups (filtered)', [promInstant(`count by (instance) (container_last_seen{${PROM_SEL}, id!="/"})`, '{{instance}}')],
      { description: 'Cgroups matching the Node, Container and Image filters; set Container to a name to count containers only.' }))
    .withPanel(timeseries('prometheus', 'Host CPU (user / system)', [
      prom(`sum by (instance) (rate(container_cpu_user_seconds_total{${HOST}}[$__rate_interval]))`, 'user {{instance}}', 'A'),
      prom(`sum by (instance) (rate(container_cpu_system_seconds_total{${HOST}}[$__rate_interval]))`, 'system {{instance}}', 'B'),
    ], { unit: 'none', stacked: true, description: 'CPU cores busy, from the root cgroup.' }))
    .withPanel(timeseries('prometheus', 'Host memory', [
      prom(`sum by (instance) (container_memory_working_set_bytes{${HOST}})`, 'working set {{instance}}', 'A'),
      prom(`sum by (instance) (container_memory_cache{${HOST}})`, 'page cache {{instance}}', 'B'),
    ], { unit: 'bytes' }))
    .withRow(new RowBuilder('Top containers'))
    .withPanel(bars('prometheus', 'Top 10 by CPU', [promInstant(top(rate('container_cpu_usage_seconds_total')), LEGEND)], { unit: 'none', min: 0 }))
    .withPanel(bars('prometheus', 'Top 10 by working set', [promInstant(top(`container_memory_working_set_bytes{${PROM_SEL}, id!="/"}`), LEGEND)], { unit: 'bytes', min: 0 }))
    .withPanel(timeseries('prometheus', 'CPU cores used, top 10', [prom(top(rate('container_cpu_usage_seconds_total')), LEGEND)], { unit: 'none' }))
    .withPanel(timeseries('prometheus', 'Working set, top 10', [prom(top(`container_memory_working_set_bytes{${PROM_SEL}, id!="/"}`), LEGEND)], { unit: 'bytes' }))
    .withPanel(timeseries('prometheus', 'CPU throttled, top 10', [prom(top(rate('container_cpu_cfs_throttled_seconds_total')), LEGEND)],
      { unit: 'percentunit', description: 'Share of wall time spent throttled by the CFS quota (containers with a quota only).' }))
    .withPanel(timeseries('prometheus', 'Block I/O, top 10', [
      prom(top(rate('container_fs_reads_bytes_total')), `read ${LEGEND}`, 'A'),
      prom(top(rate('container_fs_writes_bytes_total')), `write ${LEGEND}`, 'B'),
    ], { unit: 'Bps' }))
    .withPanel(timeseries('prometheus', 'Network, top 10', [
      prom(top(rate('container_network_receive_bytes_total')), `rx ${LEGEND}`, 'A'),
      prom(top(rate('container_network_transmit_bytes_total')), `tx ${LEGEND}`, 'B'),
    ], { unit: 'Bps', description: 'Containers with their own network namespace only.' }));
}

const INFLUX_HOST = '"host" =~ /^$host$/ AND "id" = \'/\' AND $timeFilter';
const CONTAINERS = `${INFLUX_WHERE} AND "id" <> '/'`;

/** InfluxQL: `top(field, tag, N)` over a per-name subquery picks the ten biggest over the range. */
const influxTop = (field: string, measurement: string) =>
  `SELECT top("v", "name", 10) AS "value" FROM (SELECT mean("${field}") AS "v" FROM "${measurement}" WHERE ${CONTAINERS} GROUP BY "name")`;
const influxSeries = (field: string, measurement: string, where = CONTAINERS, by = '"name"') =>
  `SELECT mean("${field}") FROM "${measurement}" WHERE ${where} GROUP BY time($__interval), ${by} fill(none)`;

export function influxOverview(): DashboardBuilder {
  const b = base('cgmeter-overview-influxdb', 'cgmeter / Overview (InfluxDB)');
  for (const v of influxVariables()) b.withVariable(v);
  return b
    .withRow(new RowBuilder('Host'))
    .withPanel(timeseries('influxdb', 'Host CPU cores used', [influx(influxSeries('cores_used', 'cgmeter_cpu', INFLUX_HOST, '"host"'), '$tag_host')], { unit: 'none', span: 8 }))
    .withPanel(timeseries('influxdb', 'Host memory working set', [influx(influxSeries('working_set_bytes', 'cgmeter_memory', INFLUX_HOST, '"host"'), '$tag_host')], { unit: 'bytes', span: 8 }))
    .withPanel(timeseries('influxdb', 'Host page cache', [influx(influxSeries('cache_bytes', 'cgmeter_memory', INFLUX_HOST, '"host"'), '$tag_host')], { unit: 'bytes', span: 8 }))
    .withRow(new RowBuilder('Top containers'))
    .withPanel(bars('influxdb', 'Top 10 by CPU', [influx(influxTop('cores_used', 'cgmeter_cpu'), '$tag_name')], { unit: 'none', min: 0 }))
    .withPanel(bars('influxdb', 'Top 10 by working set', [influx(influxTop('working_set_bytes', 'cgmeter_memory'), '$tag_name')], { unit: 'bytes', min: 0 }))
    .withPanel(timeseries('influxdb', 'CPU cores used', [influx(influxSeries('cores_used', 'cgmeter_cpu'), '$tag_name')], { unit: 'none' }))
    .withPanel(timeseries('influxdb', 'Working set', [influx(influxSeries('working_set_bytes', 'cgmeter_memory'), '$tag_name')], { unit: 'bytes' }))
    .withPanel(timeseries('influxdb', 'Block I/O', [
      influx(influxSeries('read_bps', 'cgmeter_blkio'), 'read $tag_name', 'A'),
      influx(influxSeries('write_bps', 'cgmeter_blkio'), 'write $tag_name', 'B'),
    ], { unit: 'Bps' }))
    .withPanel(timeseries('influxdb', 'Network', [
      influx(influxSeries('rx_bps', 'cgmeter_network'), 'rx $tag_name', 'A'),
      influx(influxSeries('tx_bps', 'cgmeter_network'), 'tx $tag_name', 'B'),
    ], { unit: 'Bps', description: 'Containers with their own network namespace only.' }));
}
