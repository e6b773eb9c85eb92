// One scrape: the container families from the latest Snapshots, cgmeter's own families from
// prom-client, joined in the negotiated format. Stateless towards the data (nothing outlives the
// Snapshots it was rendered from); the one memo is the rendering of the current Snapshot array,
// reused while no new sample has replaced it (a second Prometheus scraping the same instant).

import type { Snapshot } from '../../collector/model/derive.js';
import type { HierarchyMode } from '../../collector/hierarchy/hierarchy.js';
import type { SnapshotSource } from '../../collector/service.js';
import { OPENMETRICS_EOF, type ExpositionFormat } from './format.js';
import {
  containerExpositionText, renderContainerFamilies, DEFAULT_CONTAINER_EXPORT_OPTIONS,
  type ContainerExportOptions, type ContainerExposition,
} from './render.js';
import { renderRegistry } from './registry-render.js';
import { SelfMetrics, type BuildFacts } from './self-metrics.js';

interface Rendered {
  readonly snapshots: readonly Snapshot[];
  readonly exposition: ContainerExposition;
  readonly text: Partial<Record<ExpositionFormat, string>>;
}

export class PrometheusExporter {
  readonly self: SelfMetrics;
  private last?: Rendered;

  constructor(
    private readonly source: SnapshotSource,
    private readonly options: ContainerExportOptions = DEFAULT_CONTAINER_EXPORT_OPTIONS,
    facts: BuildFacts = { version: '0.0.0' },
  ) {
    this.self = new SelfMetrics(source, facts);
  }

  /** The whole /metrics body in `format`. */
  async scrape(format: ExpositionFormat): Promise<string> {
    const started = performance.now();
    const containers = this.containerText(format);
    const own = await renderRegistry(this.self.registry, format);
    this.self.observeScrape((performance.now() - started) / 1000);
    return format === 'openmetrics' ? containers + own + OPENMETRICS_EOF : containers + own;
  }

  /** The container families alone (golden tests, the benchmark). */
  containerText(format: ExpositionFormat): string {
    const snapshots = this.source.latest();
    let rendered = this.last;
    if (rendered === undefined || rendered.snapshots !== snapshots) {
      const context = { hierarchyMode: this.source.health().hierarchyMode as HierarchyMode };
      rendered = { snapshots, exposition: renderContainerFamilies(snapshots, this.options, context), text: {} };
      this.last = rendered;
      this.self.noteExported(rendered.exposition.cgroups, rendered.exposition.series);
    }
    return (rendered.text[format] ??= containerExpositionText(rendered.exposition, format));
  }
}
