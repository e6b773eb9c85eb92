// The metric table's own rules: cAdvisor's names for everything issue 4 lists, Prometheus naming
// conventions (promtool's lint and OpenMetrics' suffix rules), and a source for every row's docs.

import { describe, expect, it } from 'vitest';
import { CONTAINER_METRICS } from '../../../exporters/prometheus/table/container-metrics.js';
import { SERIES_GROUPS } from '../../../exporters/prometheus/metric.js';

/** Every family issue 4 asks for under cAdvisor's name. */
const CADVISOR_NAMES = [
  'container_cpu_usage_seconds_total', 'container_cpu_user_seconds_total', 'container_cpu_system_seconds_total',
  'container_cpu_cfs_periods_total', 'container_cpu_cfs_throttled_periods_total', 'container_cpu_cfs_throttled_seconds_total',
  'container_memory_usage_bytes', 'container_memory_working_set_bytes', 'container_memory_rss', 'container_memory_cache',
  'container_memory_swap', 'container_memory_mapped_file', 'container_memory_max_usage_bytes', 'container_memory_failcnt',
  'container_memory_failures_total', 'container_oom_events_total', 'container_fs_reads_bytes_total', 'container_fs_writes_bytes_total',
  'container_fs_reads_total', 'container_fs_writes_total', 'container_blkio_device_usage_total',
  ...['receive', 'transmit'].flatMap((d) => ['bytes', 'packets', 'errors', 'packets_dropped'].map((k) => `container_network_${d}_${k}_total`)),
  'container_processes', 'container_threads',
  ...['cpu_quota', 'cpu_period', 'cpu_shares', 'memory_limit_bytes', 'memory_swap_limit_bytes', 'memory_reservation_limit_bytes'].map((k) => `container_spec_${k}`),
  'container_start_time_seconds', 'container_last_seen',
  ...['cpu', 'memory', 'io'].flatMap((r) => ['waiting', 'stalled'].map((k) => `container_pressure_${r}_${k}_seconds_total`)),
];

const BASE_LABELS = ['id', 'name', 'image'];

/**
 * Type and extra labels of each family as cAdvisor's Prometheus collector declares them (studied in
 * google/cadvisor lib/metrics/prometheus.go and its expected-output file): the groundwork of the
 * issue-15 golden comparison. One deliberate difference: container_memory_failcnt (see docs/metrics.md).
 */
const G = 'gauge';
const C = 'counter';
const CADVISOR_SHAPES: Record<string, readonly [string, readonly string[]]> = {
  container_cpu_usage_seconds_total: [C, ['cpu']], container_cpu_user_seconds_total: [C, []], container_cpu_system_seconds_total: [C, []],
  container_cpu_cfs_periods_total: [C, []], container_cpu_cfs_throttled_periods_total: [C, []], container_cpu_cfs_throttled_seconds_total: [C, []],
  container_memory_cache: [G, []], container_memory_rss: [G, []], container_memory_kernel_usage: [G, []], container_memory_mapped_file: [G, []],
  container_memory_swap: [G, []], container_memory_failcnt: ['unknown', []], container_memory_usage_bytes: [G, []],
  container_memory_max_usage_bytes: [G, []], container_memory_working_set_bytes: [G, []], container_memory_total_active_file_bytes: [G, []],
  container_memory_total_inactive_file_bytes: [G, []], container_memory_failures_total: [C, ['failure_type', 'scope']],
  container_memory_events_high_total: [C, []], container_memory_events_max_total: [C, []], container_memory_file_dirty_bytes: [G, []],
  container_memory_file_writeback_bytes: [G, []], container_memory_pgscan_total: [C, []], container_memory_pgsteal_total: [C, []],
  container_oom_events_total: [C, []],
  container_fs_reads_bytes_total: [C, ['device']], container_fs_writes_bytes_total: [C, ['device']],
  container_fs_reads_total: [C, ['device']], container_fs_writes_total: [C, ['device']],
  container_blkio_device_usage_total: [C, ['device', 'major', 'minor', 'operation']],
  ...Object.fromEntries(['receive', 'transmit'].flatMap((d) => ['bytes', 'packets', 'errors', 'packets_dropped']
    .map((k) => [`container_network_${d}_${k}_total`, [C, ['interface']] as const]))),
  container_processes: [G, []], container_threads: [G, []], container_threads_max: [G, []],
  container_spec_cpu_period: [G, []], container_spec_cpu_quota: [G, []], container_spec_cpu_shares: [G, []],
  container_spec_memory_limit_bytes: [G, []], container_spec_memory_swap_limit_bytes: [G, []], container_spec_memory_reservation_limit_bytes: [G, []],
  container_start_time_seconds: [G, []], container_creation_time_seconds: [G, []], container_last_seen: [G, []],
  ...Object.fromEntries(['cpu', 'memory', 'io'].flatMap((r) => ['waiting', 'stalled'].map((k) => [`container_pressure_${r}_${k}_seconds_total`, [C, []] as const]))),
  // issue 15: filesystems, diskstats I/O times (root only) and task states.
  ...Object.fromEntries(['container_fs_usage_bytes', 'container_fs_limit_bytes', 'container_fs_inodes_free', 'container_fs_inodes_total', 'container_fs_io_current']
    .map((n) => [n, [G, ['device']] as const])),
  ...Object.fromEntries(['io_time_seconds', 'io_time_weighted_seconds', 'read_seconds', 'write_seconds', 'reads_merged', 'writes_merged', 'sector_reads', 'sector_writes']
    .map((k) => [`container_fs_${k}_total`, [C, ['device']] as const])),
  container_tasks_state: [G, ['state']],
};

/** cAdvisor gauges whose names end in _total: kept for compatibility, against the suffix rule. */
const CADVISOR_TOTAL_GAUGES = new Set(['container_fs_inodes_total']);

describe('the container metric table', () => {
  const byName = new Map(CONTAINER_METRICS.map((m) => [m.name, m]));

  it('has every family issue 4 names, marked cAdvisor-compatible', () => {
    for (const name of CADVISOR_NAMES) {
      expect(byName.get(name)?.compat, name).toBe('cadvisor');
    }
  });

  it('gives every cAdvisor-compatible family cAdvisor\'s type and extra labels, and claims compatibility for no other', () => {
    const compatible = CONTAINER_METRICS.filter((m) => m.compat === 'cadvisor').map((m) => m.name).sort();
    expect(compatible).toEqual(Object.keys(CADVISOR_SHAPES).sort());
    for (const [name, [type, labels]] of Object.entries(CADVISOR_SHAPES)) {
      expect([byName.get(name)!.type, byName.get(name)!.labels], name).toEqual([type, labels]);
    }
  });

  it('has unique names; cAdvisor-compatible ones start container_, the others cgmeter_', () => {
    expect(byName.size).toBe(CONTAINER_METRICS.length);
    for (const m of CONTAINER_METRICS) expect(m.name.startsWith(m.compat === 'cadvisor' ? 'container_' : 'cgmeter_'), m.name).toBe(true);
  });

  it('follows the suffix rules: counters end in _total, nothing else does', () => {
    for (const m of CONTAINER_METRICS) expect(m.name.endsWith('_total'), m.name).toBe(m.type === 'counter' || CADVISOR_TOTAL_GAUGES.has(m.name));
  });

  it('declares the unit a name ends with (cAdvisor names like container_memory_rss carry none but are bytes)', () => {
    for (const m of CONTAINER_METRICS) {
      const family = m.type === 'counter' ? m.name.replace(/_total$/, '') : m.name;
      const suffix = /_(seconds|bytes|ratio)$/.exec(family)?.[1];
      if (suffix !== undefined) expect(m.unit, m.name).toBe(suffix);
      else if (m.compat === 'cgmeter') expect(m.unit, `${m.name}: cgmeter's own names end with their unit`).toBe('');
    }
  });

  it('uses valid extra label names that never collide with the base or container_label_ labels', () => {
    for (const m of CONTAINER_METRICS) {
      for (const label of m.labels) {
        expect(label, m.name).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(BASE_LABELS.includes(label) || label.startsWith('container_label_'), `${m.name}.${label}`).toBe(false);
      }
      expect(new Set(m.labels).size).toBe(m.labels.length);
    }
  });

  it('names a group, help text and a v1 and v2 source for every row', () => {
    for (const m of CONTAINER_METRICS) {
      expect(SERIES_GROUPS).toContain(m.group);
      expect(m.help.length, m.name).toBeGreaterThan(10);
      expect(m.source.v1 && m.source.v2, m.name).toBeTruthy();
    }
  });
});
