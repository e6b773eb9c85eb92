// The shape of one row of the container metric table: what a family is called, what it means and
// how its series come out of a Snapshot. Rows are plain data read at scrape time, like cAdvisor's
// containerMetric table (metrics/prometheus.go): nothing is kept between scrapes.

import type { Snapshot } from '../../collector/model/derive.js';
import type { HierarchyMode } from '../../collector/hierarchy/hierarchy.js';

/**
 * `unknown` is OpenMetrics' word (Prometheus text says `untyped`): used for cAdvisor counters whose
 * names lack `_total` (container_memory_failcnt), which OpenMetrics and promtool reject as counters.
 */
export type MetricType = 'counter' | 'gauge' | 'unknown';

/**
 * The value's unit, in base units as Prometheus naming says (`''`: a count, or cAdvisor's raw µs).
 * OpenMetrics' `# UNIT` line is written only when the family name ends with it (format.ts).
 */
export type MetricUnit = 'seconds' | 'bytes' | 'ratio' | '';

/**
 * Switchable groups (`--disable-series`). The reading groups (cpu, memory, …) match the collector's
 * `--disable-metrics` names; `spec`, `lifecycle`, `cgmeter` and `psi-avg` are export-only.
 */
export type SeriesGroup =
  | 'cpu' | 'memory' | 'blkio' | 'network' | 'pids' | 'processes' | 'pressure'
  | 'spec' | 'lifecycle' | 'cgmeter' | 'psi-avg' | 'fs' | 'tasks';

export const SERIES_GROUPS: readonly SeriesGroup[] = [
  'cpu', 'memory', 'blkio', 'network', 'pids', 'processes', 'pressure', 'spec', 'lifecycle', 'cgmeter', 'psi-avg', 'fs', 'tasks',
];

/** What a row may know besides the Snapshot: facts of this scrape, the same for every cgroup. */
export interface RenderContext {
  /** v1 and hybrid hosts read v1 files; some cAdvisor values are computed differently there. */
  readonly hierarchyMode: HierarchyMode;
}

/** One series of a labelled row: values of the row's `labels`, in order, and the value. */
export interface Series {
  readonly labels: readonly string[];
  readonly value: number;
}

interface MetricBase {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly unit: MetricUnit;
  readonly group: SeriesGroup;
  /** cAdvisor-compatible (same name, labels, type and unit as cAdvisor) or cgmeter's own. */
  readonly compat: 'cadvisor' | 'cgmeter';
  /** Kernel files the value comes from, for docs/metrics.md. */
  readonly source: { readonly v1: string; readonly v2: string };
}

/** A row with one series per cgroup. `undefined`, NaN or ±Infinity means "no series". */
export interface SingleMetric extends MetricBase {
  readonly labels: readonly [];
  value(snapshot: Snapshot, context: RenderContext): number | undefined;
}

/** A row with several series per cgroup, told apart by `labels` (device, interface, cpu, …). */
export interface LabelledMetric extends MetricBase {
  readonly labels: readonly string[];
  series(snapshot: Snapshot, context: RenderContext): readonly Series[];
}

export type ContainerMetric = SingleMetric | LabelledMetric;

export function isLabelled(metric: ContainerMetric): metric is LabelledMetric {
  return 'series' in metric;
}

/** Shorthand for the common row: one value, no extra labels. */
export function single(
  base: Omit<SingleMetric, 'labels' | 'value'>,
  value: (snapshot: Snapshot, context: RenderContext) => number | undefined,
): SingleMetric {
  return { ...base, labels: [], value };
}

export function labelled(
  base: Omit<LabelledMetric, 'series'>,
  series: (snapshot: Snapshot, context: RenderContext) => readonly Series[],
): LabelledMetric {
  return { ...base, series };
}

export const NO_SERIES: readonly Series[] = Object.freeze([]);
