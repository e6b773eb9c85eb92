// Billing: cost per group over time, priced in Grafana from Prometheus with the rate card's keys
// (exporters/billing/rate-card.ts) as variables and the quantities `cgmeter bill --prometheus` uses
// (exporters/billing/prometheus-source.ts): CPU seconds by increase(), memory held as the average
// working set times hours, block I/O and network bytes by increase(). Exact invoices come from the
// ledger (`cgmeter bill`, GET /api/v1/billing); this board is the running estimate.

import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { bars, prom, promInstant, timeseries } from './kit.js';
import { billingVariables, PROM_SEL } from './variables.js';

const SEL = `${PROM_SEL}, id!="/"`;
const GIB = 1073741824;

const inc = (metric: string, window: string, extra = '') => `sum by ($group) (increase(${metric}{${SEL}${extra}}[${window}]))`;

/** Cost of one window, grouped by the `group` variable's label. */
function costs(window: string, hours: string) {
  return {
    cpu: `sum by ($group) (increase(container_cpu_usage_seconds_total{${SEL}}[${window}])) / 3600 * $cpu_core_hour`,
    memory: `sum by ($group) (avg_over_time(container_memory_working_set_bytes{${SEL}}[${window}])) / ${GIB} * ${hours} * $memory_gib_hour`,
    // Both directions are priced alike; a + b (not `or`, which would drop one) over the same groups.
    io: `(${inc('container_fs_reads_bytes_total', window)} + ${inc('container_fs_writes_bytes_total', window)}) / ${GIB} * $blockio_gib`,
    network: `(${inc('container_network_receive_bytes_total', window, ', interface!="lo"')} + ${inc('container_network_transmit_bytes_total', window, ', interface!="lo"')}) / ${GIB} * $network_gib`,
  };
}

export function prometheusBilling(): DashboardBuilder {
  const b = new DashboardBuilder('cgmeter / Billing').uid('cgmeter-billing').tags(['cgmeter', 'billing'])
    .refresh('5m').time({ from: 'now-24h', to: 'now' }).tooltip(1);
  for (const v of billingVariables()) b.withVariable(v);
  // Per bar: the interval Grafana picked; in total: the whole range ($__range).
  const step = costs('$__interval', '$__interval_ms / 3600000');
  const range = costs('$__range', '$__range_s / 3600');
  const legend = '{{$group}}';
  return b
    .withRow(new RowBuilder('Cost over the selected range'))
    .withPanel(bars('prometheus', 'Total cost by group', [
      promInstant(`(${range.cpu}) + (${range.memory})`, legend),
    ], { unit: 'none', span: 12, description: 'CPU + memory over the whole range, in the rate card\'s currency. I/O and network are priced separately below.' }))
    .withPanel(bars('prometheus', 'CPU core-hours by group', [
      promInstant(`sum by ($group) (increase(container_cpu_usage_seconds_total{${SEL}}[$__range])) / 3600`, legend),
    ], { unit: 'none', span: 12 }))
    .withRow(new RowBuilder('Cost per interval'))
    .withPanel(timeseries('prometheus', 'CPU cost', [prom(step.cpu, legend)], { unit: 'none', stacked: true, span: 12 }))
    .withPanel(timeseries('prometheus', 'Memory cost', [prom(step.memory, legend)], { unit: 'none', stacked: true, span: 12,
      description: 'Average working set over the interval × its length in hours × the GiB-hour price.' }))
    .withPanel(timeseries('prometheus', 'Block I/O cost', [prom(step.io, legend)], { unit: 'none', stacked: true, span: 12 }))
    .withPanel(timeseries('prometheus', 'Network cost', [prom(step.network, legend)], { unit: 'none', stacked: true, span: 12,
      description: 'Containers with their own network namespace only.' }));
}
