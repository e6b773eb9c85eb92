// The few building blocks every board uses, on top of @grafana/grafana-foundation-sdk: data source
// references that follow the board's `datasource` variable, query builders (the SDK has none for
// InfluxQL), and panel shapes with the units Grafana should show.

import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as common from '@grafana/grafana-foundation-sdk/common';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as BarGaugePanel } from '@grafana/grafana-foundation-sdk/bargauge';
import { StackingConfigBuilder, StackingMode, VizLegendOptionsBuilder, LegendDisplayMode, LegendPlacement, BarGaugeDisplayMode, ReduceDataOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';

export type Flavour = 'prometheus' | 'influxdb';

/** Panels follow the board's `datasource` variable, so one board serves any number of servers. */
export const DATASOURCE: Record<Flavour, common.DataSourceRef> = {
  prometheus: { type: 'prometheus', uid: '${datasource}' },
  influxdb: { type: 'influxdb', uid: '${datasource}' },
};

/** Put in a panel's description when its series exist on cgroup v2 kernels only (the tests read it). */
export const V2_ONLY = 'cgroup v2 only: the v1 kernel interface has no such counter.';

export type Query = cog.Builder<cog.Dataquery>;

export function prom(expr: string, legend: string, refId = 'A'): Query {
  return new DataqueryBuilder().datasource(DATASOURCE.prometheus).expr(expr).legendFormat(legend).refId(refId).range();
}

/** An instant query, for stat and bar-gauge panels that show the value now. */
export function promInstant(expr: string, legend: string, refId = 'A'): Query {
  return new DataqueryBuilder().datasource(DATASOURCE.prometheus).expr(expr).legendFormat(legend).refId(refId).instant();
}

/** The shape Grafana's InfluxDB data source stores for a raw InfluxQL query. */
export interface InfluxQuery extends cog.Dataquery {
  refId: string;
  datasource: common.DataSourceRef;
  query: string;
  rawQuery: true;
  resultFormat: 'time_series' | 'table';
  alias?: string;
}

class InfluxQueryBuilder implements cog.Builder<cog.Dataquery> {
  constructor(private readonly q: Omit<InfluxQuery, '_implementsDataqueryVariant'>) {}
  build(): cog.Dataquery {
    return { ...this.q, _implementsDataqueryVariant() {} } as InfluxQuery;
  }
}

/** alias `$tag_name` names a series by its `name` tag (Grafana's InfluxDB alias syntax). */
export function influx(query: string, alias: string, refId = 'A'): Query {
  return new InfluxQueryBuilder({ refId, datasource: DATASOURCE.influxdb, query, rawQuery: true, resultFormat: 'time_series', alias });
}

export interface PanelOptions {
  readonly unit?: string;
  readonly description?: string;
  readonly stacked?: boolean;
  readonly min?: number;
  readonly span?: number;
  readonly height?: number;
}

function legend() {
  return new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.Table)
    .placement(LegendPlacement.Bottom).calcs(['lastNotNull', 'max']);
}

export function timeseries(flavour: Flavour, title: string, queries: readonly Query[], o: PanelOptions = {}): TimeseriesPanel {
  const panel = new TimeseriesPanel().title(title).datasource(DATASOURCE[flavour])
    .unit(o.unit ?? 'short').span(o.span ?? 12).height(o.height ?? 8).legend(legend()).fillOpacity(10).lineWidth(1);
  if (o.description !== undefined) panel.description(o.description);
  if (o.min !== undefined) panel.min(o.min);
  if (o.stacked) panel.stacking(new StackingConfigBuilder().mode(StackingMode.Normal)).fillOpacity(40);
  for (const q of queries) panel.withTarget(q);
  return panel;
}

export function stat(flavour: Flavour, title: string, queries: readonly Query[], o: PanelOptions = {}): StatPanel {
  const panel = new StatPanel().title(title).datasource(DATASOURCE[flavour]).unit(o.unit ?? 'short')
    .span(o.span ?? 4).height(o.height ?? 4)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
  if (o.description !== undefined) panel.description(o.description);
  for (const q of queries) panel.withTarget(q);
  return panel;
}

/** Top-N lists: one bar per container, sorted by the query (topk keeps the order). */
export function bars(flavour: Flavour, title: string, queries: readonly Query[], o: PanelOptions = {}): BarGaugePanel {
  const panel = new BarGaugePanel().title(title).datasource(DATASOURCE[flavour]).unit(o.unit ?? 'short')
    .span(o.span ?? 12).height(o.height ?? 8).displayMode(BarGaugeDisplayMode.Basic)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
  if (o.description !== undefined) panel.description(o.description);
  if (o.min !== undefined) panel.min(o.min);
  for (const q of queries) panel.withTarget(q);
  return panel;
}
