// CPU rows: cAdvisor's container_cpu_* families from cpuacct/cpu (v1) or cpu.stat (v2).

import { labelled, single, NO_SERIES, type ContainerMetric, type Series } from '../metric.js';
import type { Snapshot } from '../../../collector/model/derive.js';

/** cAdvisor's rule: CFS counters only for cgroups that have a quota (unlimited reads as 0 there). */
function hasQuota(s: Snapshot): boolean {
  const quota = s.sample.cpu.quotaUs;
  return quota !== undefined && Number.isFinite(quota) && quota > 0;
}

function cpuLabel(index: number): string {
  return index < 10 ? `cpu0${index}` : `cpu${index}`;
}

/**
 * As cAdvisor: per-CPU series (`cpu00`…, zero ones skipped) replace the `total` one when per-CPU
 * usage was read (`--per-cpu`), so `sum(rate(...))` never counts a cgroup twice.
 */
function usageSeries(s: Snapshot): readonly Series[] {
  const cpu = s.sample.cpu;
  const perCpu = cpu.perCpuSeconds;
  if (perCpu !== undefined && perCpu.length > 0) {
    const series: Series[] = [];
    for (let i = 0; i < perCpu.length; i++) if (perCpu[i]! > 0) series.push({ labels: [cpuLabel(i)], value: perCpu[i]! });
    return series;
  }
  // cAdvisor skips a zero total: a cgroup that never ran has no usage series yet.
  return cpu.usageSeconds !== undefined && cpu.usageSeconds > 0 ? [{ labels: ['total'], value: cpu.usageSeconds }] : NO_SERIES;
}

export const CPU_METRICS: readonly ContainerMetric[] = [
  labelled({
    name: 'container_cpu_usage_seconds_total', help: 'Cumulative cpu time consumed in seconds.',
    type: 'counter', unit: 'seconds', group: 'cpu', compat: 'cadvisor', labels: ['cpu'],
    source: { v1: 'cpuacct.usage (cpuacct.usage_percpu with --per-cpu)', v2: 'cpu.stat usage_usec' },
  }, usageSeries),
  single({
    name: 'container_cpu_user_seconds_total', help: 'Cumulative user cpu time consumed in seconds.',
    type: 'counter', unit: 'seconds', group: 'cpu', compat: 'cadvisor',
    source: { v1: 'cpuacct.stat user (USER_HZ ticks)', v2: 'cpu.stat user_usec' },
  }, (s) => s.sample.cpu.userSeconds),
  single({
    name: 'container_cpu_system_seconds_total', help: 'Cumulative system cpu time consumed in seconds.',
    type: 'counter', unit: 'seconds', group: 'cpu', compat: 'cadvisor',
    source: { v1: 'cpuacct.stat system (USER_HZ ticks)', v2: 'cpu.stat system_usec' },
  }, (s) => s.sample.cpu.systemSeconds),
  single({
    name: 'container_cpu_cfs_periods_total', help: 'Number of elapsed enforcement period intervals.',
    type: 'counter', unit: '', group: 'cpu', compat: 'cadvisor',
    source: { v1: 'cpu.stat nr_periods (only with a quota)', v2: 'cpu.stat nr_periods (only with a quota)' },
  }, (s) => (hasQuota(s) ? s.sample.cpu.periods : undefined)),
  single({
    name: 'container_cpu_cfs_throttled_periods_total', help: 'Number of throttled period intervals.',
    type: 'counter', unit: '', group: 'cpu', compat: 'cadvisor',
    source: { v1: 'cpu.stat nr_throttled (only with a quota)', v2: 'cpu.stat nr_throttled (only with a quota)' },
  }, (s) => (hasQuota(s) ? s.sample.cpu.throttledPeriods : undefined)),
  single({
    name: 'container_cpu_cfs_throttled_seconds_total', help: 'Total time duration the container has been throttled.',
    type: 'counter', unit: 'seconds', group: 'cpu', compat: 'cadvisor',
    source: { v1: 'cpu.stat throttled_time (ns; only with a quota)', v2: 'cpu.stat throttled_usec (only with a quota)' },
  }, (s) => (hasQuota(s) ? s.sample.cpu.throttledSeconds : undefined)),
];
