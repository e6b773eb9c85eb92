// The container exposition, rendered at scrape time straight from the latest Snapshots: one pass
// per family over the cgroups, each cgroup's label text encoded once and copied as bytes into large
// chunks (byte-writer.ts). Family bodies do not depend on the format (only headers do), so one
// rendering serves both formats.

import type { Snapshot } from '../../collector/model/derive.js';
import { isLabelled, type ContainerMetric, type RenderContext, type SeriesGroup } from './metric.js';
import { CONTAINER_METRICS } from './table/container-metrics.js';
import { escapeLabelValue, familyHeader, formatValue, type ExpositionFormat } from './format.js';
import { baseLabelText, kubernetesDetected, type ContainerLabelPolicy } from './labels.js';
import { exportedSnapshots, type CgroupFilter, EXPORT_EVERYTHING } from './filter.js';
import { ByteWriter } from './byte-writer.js';

export interface ContainerExportOptions {
  readonly filter: CgroupFilter;
  readonly containerLabels: ContainerLabelPolicy;
  /** Groups left out of the exposition (`--disable-series`). */
  readonly disabledGroups: ReadonlySet<SeriesGroup>;
  /** Kubelet labels (pod, namespace, container…): `auto` adds them when Kubernetes is detected. */
  readonly kubeletLabels?: 'auto' | 'on' | 'off';
  /** Environment keys exported as container_env_<key>; none by default (env holds secrets). */
  readonly envKeys?: ReadonlySet<string>;
}

export const DEFAULT_CONTAINER_EXPORT_OPTIONS: ContainerExportOptions = {
  filter: EXPORT_EVERYTHING,
  containerLabels: { mode: 'all' },
  // The kernel's PSI averages add 18 series per cgroup that rate() over the *_seconds_total
  // counters already gives; they are opt-in (--enable-series psi-avg).
  disabledGroups: new Set(['psi-avg']),
};

/** One family's samples, without its header, as slices of the render's chunks. */
export interface RenderedFamily {
  readonly metric: ContainerMetric;
  readonly body: readonly Buffer[];
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
  const kubelet = options.kubeletLabels === 'on' || ((options.kubeletLabels ?? 'auto') === 'auto' && kubernetesDetected(snapshots));
  const extras = { kubelet, envKeys: options.envKeys ?? new Set<string>() };
  // `<labels>}` ends every single-series line, `<labels>,` starts the extra labels of the others.
  const closed: Buffer[] = new Array<Buffer>(count);
  const open: Buffer[] = new Array<Buffer>(count);
  for (let i = 0; i < count; i++) {
    const text = baseLabelText(exported[i]!, options.containerLabels, extras);
    closed[i] = Buffer.from(`${text}} `);
    open[i] = closed[i]!.subarray(0, closed[i]!.length - 2);
  }
  const out = new ByteWriter();
  const families: RenderedFamily[] = [];
  let series = 0;
  for (const metric of metrics) {
    if (options.disabledGroups.has(metric.group)) continue;
    const before = series;
    out.mark();
    const opener = `${metric.name}{`;
    if (isLabelled(metric)) {
      const labelOpeners = metric.labels.map((name) => `,${name}="`);
      for (let i = 0; i < count; i++) {
        const rows = metric.series(exported[i]!, context);
        for (let r = 0; r < rows.length; r++) {
          const row = rows[r]!;
          if (!Number.isFinite(row.value)) continue;
          out.ascii(opener);
          out.bytes(open[i]!);
          for (let k = 0; k < labelOpeners.length; k++) {
            out.ascii(labelOpeners[k]!);
            out.utf8(escapeLabelValue(row.labels[k] ?? ''));
            out.ascii('"');
          }
          out.ascii(`} ${formatValue(row.value)}\n`);
          series++;
        }
      }
    } else {
      for (let i = 0; i < count; i++) {
        const value = metric.value(exported[i]!, context);
        if (value === undefined || !Number.isFinite(value)) continue;
        out.ascii(opener);
        out.bytes(closed[i]!);
        out.ascii(`${formatValue(value)}\n`);
        series++;
      }
    }
    if (series > before) families.push({ metric, body: out.since() });
  }
  return { families, cgroups: count, series };
}

const headers = new WeakMap<ContainerMetric, Partial<Record<ExpositionFormat, Buffer>>>();

function headerOf(metric: ContainerMetric, format: ExpositionFormat): Buffer {
  let byFormat = headers.get(metric);
  if (!byFormat) headers.set(metric, (byFormat = {}));
  return (byFormat[format] ??= Buffer.from(familyHeader(metric.name, metric.help, metric.type, metric.unit, format)));
}

/** The families in one format, as buffers to send or gzip in order (no `# EOF`: more families follow). */
export function containerExpositionBuffers(exposition: ContainerExposition, format: ExpositionFormat): Buffer[] {
  const buffers: Buffer[] = [];
  for (const { metric, body } of exposition.families) buffers.push(headerOf(metric, format), ...body);
  return buffers;
}

/** The same as text (tests, golden files). */
export function containerExpositionText(exposition: ContainerExposition, format: ExpositionFormat): string {
  return Buffer.concat(containerExpositionBuffers(exposition, format)).toString('utf8');
}
