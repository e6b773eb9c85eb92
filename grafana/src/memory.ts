// Memory consolidation: how the kernel sorts each container's pages (the LRU lists), what it takes
// back (reclaim), what it has to bring back (refaults) and what waiting costs (pressure), side by
// side, per container. The question it answers: could these containers share less memory?

import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { influx, prom, timeseries, V2_ONLY, type Flavour } from './kit.js';
import { INFLUX_WHERE, influxVariables, PROM_SEL, prometheusVariables } from './variables.js';

const BY = 'instance, name, id';
const L = '{{name}} {{id}}';
const gauge = (metric: string) => `sum by (${BY}) (${metric}{${PROM_SEL}, id!="/"})`;
const rate = (metric: string) => `sum by (${BY}) (rate(${metric}{${PROM_SEL}, id!="/"}[$__rate_interval]))`;

function base(flavour: Flavour): DashboardBuilder {
  const suffix = flavour === 'influxdb' ? ' (InfluxDB)' : '';
  return new DashboardBuilder(`cgmeter / Memory consolidation${suffix}`)
    .uid(flavour === 'influxdb' ? 'cgmeter-memory-influxdb' : 'cgmeter-memory')
    .tags(['cgmeter', 'memory']).refresh('30s').time({ from: 'now-3h', to: 'now' }).tooltip(1);
}

export function prometheusMemory(): DashboardBuilder {
  const b = base('prometheus');
  for (const v of prometheusVariables()) b.withVariable(v);
  return b
    .withRow(new RowBuilder('LRU lists'))
    .withPanel(timeseries('prometheus', 'Anonymous pages: active / inactive', [
      prom(gauge('cgmeter_memory_active_anon_bytes'), `active ${L}`, 'A'),
      prom(gauge('cgmeter_memory_inactive_anon_bytes'), `inactive ${L}`, 'B'),
    ], { unit: 'bytes', description: 'Inactive anonymous pages are the first to go to swap.' }))
    .withPanel(timeseries('prometheus', 'File pages: active / inactive', [
      prom(gauge('container_memory_total_active_file_bytes'), `active ${L}`, 'A'),
      prom(gauge('container_memory_total_inactive_file_bytes'), `inactive ${L}`, 'B'),
    ], { unit: 'bytes', description: 'Inactive file pages are reclaimed first and are not in the working set.' }))
    .withPanel(timeseries('prometheus', 'Unevictable and shared memory', [
      prom(gauge('cgmeter_memory_unevictable_bytes'), `unevictable ${L}`, 'A'),
      prom(gauge('cgmeter_memory_shmem_bytes'), `shmem ${L}`, 'B'),
    ], { unit: 'bytes' }))
    .withPanel(timeseries('prometheus', 'Working set against the limit', [
      prom(gauge('container_memory_working_set_bytes'), `working set ${L}`, 'A'),
      prom(`${gauge('container_spec_memory_limit_bytes')} > 0`, `limit ${L}`, 'B'),
    ], { unit: 'bytes' }))
    .withRow(new RowBuilder('Reclaim, refaults, pressure'))
    .withPanel(timeseries('prometheus', 'Reclaim: pages scanned / stolen', [
      prom(rate('container_memory_pgscan_total'), `scanned ${L}`, 'A'),
      prom(rate('container_memory_pgsteal_total'), `stolen ${L}`, 'B'),
    ], { unit: 'ops', span: 8, description: `Pages per second the kernel scanned and reclaimed. ${V2_ONLY}` }))
    .withPanel(timeseries('prometheus', 'Refaults', [prom(rate('cgmeter_memory_workingset_refault_total'), L)],
      { unit: 'ops', span: 8, description: `Evicted pages read back per second: reclaim took too much. ${V2_ONLY}` }))
    .withPanel(timeseries('prometheus', 'Memory pressure', [
      prom(rate('container_pressure_memory_waiting_seconds_total'), `some ${L}`, 'A'),
      prom(rate('container_pressure_memory_stalled_seconds_total'), `full ${L}`, 'B'),
    ], { unit: 'percentunit', span: 8, min: 0, description: 'Share of wall time tasks waited for memory (some: at least one; full: all).' }))
    .withPanel(timeseries('prometheus', 'Major page faults', [
      prom(`sum by (${BY}) (rate(container_memory_failures_total{${PROM_SEL}, id!="/", failure_type="pgmajfault"}[$__rate_interval]))`, L),
    ], { unit: 'ops', span: 12 }))
    .withPanel(timeseries('prometheus', 'Memory events', [
      prom(`sum by (${BY}, event) (increase(cgmeter_memory_events_total{${PROM_SEL}, id!="/"}[$__rate_interval]))`, `{{event}} ${L}`),
    ], { unit: 'short', span: 12, min: 0, description: 'memory.events (v2: low, high, max, oom, oom_kill) or the v1 oom_kill count.' }));
}

const mean = (field: string) => `SELECT mean("${field}") FROM "cgmeter_memory" WHERE ${INFLUX_WHERE} AND "id" <> '/' GROUP BY time($__interval), "name" fill(none)`;
const perSecond = (field: string) => `SELECT non_negative_derivative(max("${field}"), 1s) FROM "cgmeter_memory" WHERE ${INFLUX_WHERE} AND "id" <> '/' GROUP BY time($__interval), "name" fill(none)`;

export function influxMemory(): DashboardBuilder {
  const b = base('influxdb');
  for (const v of influxVariables()) b.withVariable(v);
  return b
    .withRow(new RowBuilder('LRU lists'))
    .withPanel(timeseries('influxdb', 'Anonymous pages: active / inactive', [
      influx(mean('active_anon_bytes'), 'active $tag_name', 'A'), influx(mean('inactive_anon_bytes'), 'inactive $tag_name', 'B'),
    ], { unit: 'bytes' }))
    .withPanel(timeseries('influxdb', 'File pages: active / inactive', [
      influx(mean('active_file_bytes'), 'active $tag_name', 'A'), influx(mean('inactive_file_bytes'), 'inactive $tag_name', 'B'),
    ], { unit: 'bytes' }))
    .withPanel(timeseries('influxdb', 'Unevictable and shared memory', [
      influx(mean('unevictable_bytes'), 'unevictable $tag_name', 'A'), influx(mean('shmem_bytes'), 'shmem $tag_name', 'B'),
    ], { unit: 'bytes' }))
    .withPanel(timeseries('influxdb', 'Working set against the limit', [
      influx(mean('working_set_bytes'), 'working set $tag_name', 'A'), influx(mean('limit_bytes'), 'limit $tag_name', 'B'),
    ], { unit: 'bytes' }))
    .withRow(new RowBuilder('Reclaim, refaults, pressure'))
    .withPanel(timeseries('influxdb', 'Reclaim: pages scanned / stolen', [
      influx(perSecond('pgscan'), 'scanned $tag_name', 'A'), influx(perSecond('pgsteal'), 'stolen $tag_name', 'B'),
    ], { unit: 'ops', span: 8, description: V2_ONLY }))
    .withPanel(timeseries('influxdb', 'Refaults', [influx(perSecond('workingset_refault'), '$tag_name')], { unit: 'ops', span: 8, description: V2_ONLY }))
    .withPanel(timeseries('influxdb', 'Memory pressure (10 s average)', [
      influx(`SELECT mean("some_avg10") AS "some", mean("full_avg10") AS "full" FROM "cgmeter_pressure" WHERE ${INFLUX_WHERE} AND "resource" = 'memory' AND "id" <> '/' GROUP BY time($__interval), "name" fill(none)`, '$col $tag_name'),
    ], { unit: 'percent', span: 8, min: 0 }))
    .withPanel(timeseries('influxdb', 'Major page faults', [influx(perSecond('pgmajfault'), '$tag_name')], { unit: 'ops', span: 12 }))
    .withPanel(timeseries('influxdb', 'OOM kills', [influx(perSecond('events_oom_kill'), '$tag_name')], { unit: 'short', span: 12, min: 0 }));
}
