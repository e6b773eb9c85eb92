// Container detail, Prometheus: everything cgmeter knows about the selected containers, with the
// limits drawn beside the usage they bound (quota next to cores used, limit next to working set).
// Titles "CPU cores used" and "Memory" are what the tests check against known loads.

import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { prom, timeseries } from './kit.js';
import { PROM_SEL_ID, prometheusVariables } from './variables.js';

const BY = 'instance, name, id';
const L = '{{name}} {{id}}';
const sum = (expr: string) => `sum by (${BY}) (${expr})`;
const rate = (metric: string, extra = '') => sum(`rate(${metric}{${PROM_SEL_ID}${extra}}[$__rate_interval])`);
const gauge = (metric: string, extra = '') => sum(`${metric}{${PROM_SEL_ID}${extra}}`);
const increase = (metric: string) => sum(`increase(${metric}{${PROM_SEL_ID}}[$__rate_interval])`);

export function prometheusContainer(): DashboardBuilder {
  const b = new DashboardBuilder('cgmeter / Container').uid('cgmeter-container').tags(['cgmeter', 'containers'])
    .refresh('30s').time({ from: 'now-1h', to: 'now' }).tooltip(1);
  for (const v of prometheusVariables({ id: true })) b.withVariable(v);
  return b
    .withRow(new RowBuilder('CPU'))
    .withPanel(timeseries('prometheus', 'CPU cores used', [
      prom(rate('container_cpu_usage_seconds_total'), L, 'A'),
      prom(`max by (${BY}) (container_spec_cpu_quota{${PROM_SEL_ID}} / container_spec_cpu_period{${PROM_SEL_ID}})`, `quota ${L}`, 'B'),
    ], { unit: 'none', span: 8, description: 'Cores busy (1 = one core) and the CFS quota in cores (containers with a quota only).' }))
    .withPanel(timeseries('prometheus', 'CPU user / system', [
      prom(rate('container_cpu_user_seconds_total'), `user ${L}`, 'A'),
      prom(rate('container_cpu_system_seconds_total'), `system ${L}`, 'B'),
    ], { unit: 'none', span: 8, stacked: true }))
    .withPanel(timeseries('prometheus', 'CPU throttling', [
      prom(`${rate('container_cpu_cfs_throttled_periods_total')} / ${rate('container_cpu_cfs_periods_total')}`, `throttled periods ${L}`, 'A'),
      prom(rate('container_cpu_cfs_throttled_seconds_total'), `throttled time ${L}`, 'B'),
    ], { unit: 'percentunit', span: 8, min: 0, description: 'Share of CFS periods throttled, and throttled seconds per second (can pass 100% with several threads).' }))
    .withRow(new RowBuilder('Memory'))
    .withPanel(timeseries('prometheus', 'Memory', [
      prom(gauge('container_memory_working_set_bytes'), `working set ${L}`, 'A'),
      prom(gauge('container_memory_usage_bytes'), `usage ${L}`, 'B'),
      prom(gauge('container_memory_cache'), `cache ${L}`, 'C'),
      prom(gauge('container_memory_rss'), `rss ${L}`, 'D'),
      // 0 means unlimited (cAdvisor's convention): no line rather than a line at zero.
      prom(`${gauge('container_spec_memory_limit_bytes')} > 0`, `limit ${L}`, 'E'),
    ], { unit: 'bytes', description: 'Working set = usage − inactive page cache: what the OOM killer looks at.' }))
    .withPanel(timeseries('prometheus', 'Memory limit hits and OOM kills', [
      // v1 counts hits in memory.failcnt; v2 has memory.events max instead.
      prom(`${increase('container_memory_failcnt')} or ${increase('container_memory_events_max_total')}`, `limit hits ${L}`, 'A'),
      prom(increase('container_oom_events_total'), `OOM kills ${L}`, 'B'),
    ], { unit: 'short', span: 12, min: 0 }))
    .withPanel(timeseries('prometheus', 'Page faults', [
      prom(rate('container_memory_failures_total', ', failure_type="pgfault"'), `faults ${L}`, 'A'),
      prom(rate('container_memory_failures_total', ', failure_type="pgmajfault"'), `major faults ${L}`, 'B'),
    ], { unit: 'ops', span: 12 }))
    .withRow(new RowBuilder('I/O and network'))
    .withPanel(timeseries('prometheus', 'Block I/O throughput', [
      prom(rate('container_fs_reads_bytes_total'), `read ${L}`, 'A'),
      prom(rate('container_fs_writes_bytes_total'), `write ${L}`, 'B'),
    ], { unit: 'Bps' }))
    .withPanel(timeseries('prometheus', 'Block I/O operations', [
      prom(rate('container_fs_reads_total'), `read ${L}`, 'A'),
      prom(rate('container_fs_writes_total'), `write ${L}`, 'B'),
    ], { unit: 'iops' }))
    .withPanel(timeseries('prometheus', 'Network throughput', [
      prom(rate('container_network_receive_bytes_total'), `rx ${L}`, 'A'),
      prom(rate('container_network_transmit_bytes_total'), `tx ${L}`, 'B'),
    ], { unit: 'Bps', description: 'All interfaces of the container\'s network namespace but lo.' }))
    .withPanel(timeseries('prometheus', 'Network packets and drops', [
      prom(rate('container_network_receive_packets_total'), `rx ${L}`, 'A'),
      prom(rate('container_network_transmit_packets_total'), `tx ${L}`, 'B'),
      prom(`${rate('container_network_receive_packets_dropped_total')} + ${rate('container_network_transmit_packets_dropped_total')}`, `dropped ${L}`, 'C'),
    ], { unit: 'pps' }))
    .withRow(new RowBuilder('Tasks and pressure'))
    .withPanel(timeseries('prometheus', 'Processes and threads', [
      prom(gauge('container_processes'), `processes ${L}`, 'A'),
      prom(gauge('container_threads'), `threads ${L}`, 'B'),
      prom(`${gauge('container_threads_max')} > 0`, `pids.max ${L}`, 'C'),
    ], { unit: 'short', span: 8 }))
    .withPanel(timeseries('prometheus', 'Pressure: some tasks stalled', [
      prom(rate('container_pressure_cpu_waiting_seconds_total'), `cpu ${L}`, 'A'),
      prom(rate('container_pressure_memory_waiting_seconds_total'), `memory ${L}`, 'B'),
      prom(rate('container_pressure_io_waiting_seconds_total'), `io ${L}`, 'C'),
    ], { unit: 'percentunit', span: 8, min: 0, description: 'PSI "some": share of wall time at least one task waited for the resource.' }))
    .withPanel(timeseries('prometheus', 'Pressure: all tasks stalled', [
      prom(rate('container_pressure_cpu_stalled_seconds_total'), `cpu ${L}`, 'A'),
      prom(rate('container_pressure_memory_stalled_seconds_total'), `memory ${L}`, 'B'),
      prom(rate('container_pressure_io_stalled_seconds_total'), `io ${L}`, 'C'),
    ], { unit: 'percentunit', span: 8, min: 0, description: 'PSI "full": share of wall time no task of the container could run.' }));
}
