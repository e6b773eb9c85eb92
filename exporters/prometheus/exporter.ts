// One scrape: the container families from the latest Snapshots, cgmeter's own families from
// prom-client, joined in the negotiated format. Stateless towards the data (nothing outlives the
// Snapshots it was rendered from); the one memo is the rendering of the current Snapshot array,
// reused while no new sample has replaced it (a second Prometheus scraping the same instant).

import type { Snapshot } from '../../collector/model/derive.js';
import type { HierarchyMode } from '../../collector/hierarchy/hierarchy.js';
import type { SnapshotSource } from '../../collector/service.js';
import { OPENMETRICS_EOF, type ExpositionFormat } from './format.js';
import {
  containerExpositionBuffers, renderContainerFamilies, DEFAULT_CONTAINER_EXPORT_OPTIONS,
  type ContainerExportOptions, type ContainerExposition,
} from './render.js';
import { renderRegistry } from './registry-render.js';
import { SelfMetrics, type BuildFacts } from './self-metrics.js';

interface Rendered {
  readonly snapshots: readonly Snapshot[];
  readonly exposition: ContainerExposition;
  readonly buffers: Partial<Record<ExpositionFormat, Buffer[]>>;
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

  /** The whole /metrics body in `format`, as chunks to send (or gzip) in order. */
  async scrape(format: ExpositionFormat): Promise<Buffer[]> {
    const started = performance.now();
    const containers = this.containerBuffers(format);
    const own = await renderRegistry(this.self.registry, format);
    this.self.observeScrape((performance.now() - started) / 1000);
    return [...containers, Buffer.from(format === 'openmetrics' ? own + OPENMETRICS_EOF : own)];
  }

  /** The whole body as text (tests). */
  async scrapeText(format: ExpositionFormat): Promise<string> {
    return Buffer.concat(await this.scrape(format)).toString('utf8');
  }

  /** The container families alone, as text (golden tests). */
  containerText(format: ExpositionFormat): string {
    return Buffer.concat(this.containerBuffers(format)).toString('utf8');
  }

  private containerBuffers(format: ExpositionFormat): Buffer[] {
    const snapshots = this.source.latest();
    let rendered = this.last;
    if (rendered === undefined || rendered.snapshots !== snapshots) {
      const context = { hierarchyMode: this.source.health().hierarchyMode as HierarchyMode };
      rendered = { snapshots, exposition: renderContainerFamilies(snapshots, this.options, context), buffers: {} };
      this.last = rendered;
      this.self.noteExported(rendered.exposition.cgroups, rendered.exposition.series);
    }
    return (rendered.buffers[format] ??= containerExpositionBuffers(rendered.exposition, format));
  }
}
