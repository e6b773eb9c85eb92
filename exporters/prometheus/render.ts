// The container exposition, rendered at scrape time straight from the latest Snapshots: one pass
// per family over the cgroups, each cgroup's label text built once. Family bodies do not depend on
// the format (only headers do), so one rendering serves both formats.

import type { Snapshot } from '../../collector/model/derive.js';
import { isLabelled, type ContainerMetric, type RenderContext, type SeriesGroup } from './metric.js';
import { CONTAINER_METRICS } from './table/container-metrics.js';
import { escapeLabelValue, familyHeader, formatValue, type ExpositionFormat } from './format.js';
import { baseLabelText, type ContainerLabelPolicy } from './labels.js';
import { exportedSnapshots, type CgroupFilter, EXPORT_EVERYTHING } from './filter.js';

export interface ContainerExportOptions {
  readonly filter: CgroupFilter;
  readonly containerLabels: ContainerLabelPolicy;
  /** Groups left out of the exposition (`--disable-series`). */
  readonly disabledGroups: ReadonlySet<SeriesGroup>;
}

export const DEFAULT_CONTAINER_EXPORT_OPTIONS: ContainerExportOptions = {
  filter: EXPORT_EVERYTHING,
  containerLabels: { mode: 'all' },
  disabledGroups: new Set(),
};

/** One family's samples, without its header. */
export interface RenderedFamily {
  readonly metric: ContainerMetric;
  readonly body: string;
}

export interface ContainerExposition {
  readonly families: readonly RenderedFamily[];
  /** Cgroups whose series are in it (after the filter). */
  readonly cgroups: number;
  readonly series: number;
}

/** Renders every enabled family with at least one series; NaN, ±Infinity and undefined give none. */
export function renderContainerFamilies(
  snapshots: readonly Snapshot[], options: ContainerExportOptions, context: RenderContext,
  metrics: readonly ContainerMetric[] = CONTAINER_METRICS,
): ContainerExposition {
  const exported = exportedSnapshots(snapshots, options.filter);
  const count = exported.length;
  const labelText: string[] = new Array<string>(count);
  for (let i = 0; i < count; i++) labelText[i] = baseLabelText(exported[i]!, options.containerLabels);
  const families: RenderedFamily[] = [];
  let series = 0;
  for (const metric of metrics) {
    if (options.disabledGroups.has(metric.group)) continue;
    let body = '';
    if (isLabelled(metric)) {
      const labelOpeners = metric.labels.map((name) => `,${name}="`);
      for (let i = 0; i < count; i++) {
        const rows = metric.series(exported[i]!, context);
        for (let r = 0; r < rows.length; r++) {
          const row = rows[r]!;
          if (!Number.isFinite(row.value)) continue;
          let line = `${metric.name}{${labelText[i]}`;
          for (let k = 0; k < labelOpeners.length; k++) line += `${labelOpeners[k]}${escapeLabelValue(row.labels[k] ?? '')}"`;
          body += `${line}} ${formatValue(row.value)}\n`;
          series++;
        }
      }
    } else {
      const opener = `${metric.name}{`;
      for (let i = 0; i < count; i++) {
        const value = metric.value(exported[i]!, context);
        if (value === undefined || !Number.isFinite(value)) continue;
        body += `${opener}${labelText[i]}} ${formatValue(value)}\n`;
        series++;
      }
    }
    if (body !== '') families.push({ metric, body });
  }
  return { families, cgroups: count, series };
}

/** The families as text in one format (no `# EOF`: the caller appends more families first). */
export function containerExpositionText(exposition: ContainerExposition, format: ExpositionFormat): string {
  let text = '';
  for (const { metric, body } of exposition.families) {
    text += familyHeader(metric.name, metric.help, metric.type, metric.unit, format) + body;
  }
  return text;
}
