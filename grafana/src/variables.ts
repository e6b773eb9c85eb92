// The boards' variables. Multi-value variables use `.*` as "All" so that series without the label
// (plain cgroups have no name or image) still match; the `label` variable is an ad-hoc filter, which
// Grafana adds to every query of the board: it filters on any container_label_* (Prometheus) or
// label_* tag (InfluxDB) without a variable per label key.

import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import {
  AdHocVariableBuilder, CustomVariableBuilder, DatasourceVariableBuilder, QueryVariableBuilder, TextBoxVariableBuilder, VariableRefresh,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DATASOURCE, type Flavour } from './kit.js';

export type Variable = cog.Builder<dashboard.VariableModel>;

function datasource(flavour: Flavour): Variable {
  return new DatasourceVariableBuilder('datasource').label('Data source').type(flavour);
}

function query(flavour: Flavour, name: string, label: string, q: string, multi = true): Variable {
  return new QueryVariableBuilder(name).label(label).datasource(DATASOURCE[flavour]).query(q)
    .refresh(VariableRefresh.OnTimeRangeChanged).multi(multi).includeAll(true).allValue('.*')
    .current({ text: 'All', value: '$__all' });
}

function adHoc(flavour: Flavour): Variable {
  return new AdHocVariableBuilder('label').label('Label').datasource(DATASOURCE[flavour]);
}

/** Prometheus: `instance` is the node (one cgmeter per node). */
export function prometheusVariables(options: { id?: boolean } = {}): Variable[] {
  const vars = [
    datasource('prometheus'),
    query('prometheus', 'instance', 'Node', 'label_values(container_last_seen, instance)'),
    query('prometheus', 'name', 'Container', 'label_values(container_last_seen{instance=~"$instance"}, name)'),
    query('prometheus', 'image', 'Image', 'label_values(container_last_seen{instance=~"$instance", name=~"$name"}, image)'),
  ];
  // Plain cgroups and pods have no name: the cgroup path picks them.
  if (options.id) vars.push(query('prometheus', 'id', 'Cgroup', 'label_values(container_last_seen{instance=~"$instance", name=~"$name", image=~"$image"}, id)'));
  vars.push(adHoc('prometheus'));
  return vars;
}

/** The selector every container query of a Prometheus board carries. */
export const PROM_SEL = 'instance=~"$instance", name=~"$name", image=~"$image"';
export const PROM_SEL_ID = `${PROM_SEL}, id=~"$id"`;

/** InfluxDB: `host` is the node (the exporter's host tag). */
export function influxVariables(): Variable[] {
  return [
    datasource('influxdb'),
    query('influxdb', 'host', 'Node', 'SHOW TAG VALUES FROM "cgmeter_cpu" WITH KEY = "host"'),
    query('influxdb', 'name', 'Container', 'SHOW TAG VALUES FROM "cgmeter_cpu" WITH KEY = "name" WHERE "host" =~ /^$host$/'),
    query('influxdb', 'image', 'Image', 'SHOW TAG VALUES FROM "cgmeter_cpu" WITH KEY = "image" WHERE "host" =~ /^$host$/'),
    adHoc('influxdb'),
  ];
}

/** The WHERE clause every container query of an InfluxDB board carries. */
export const INFLUX_WHERE = '"host" =~ /^$host$/ AND "name" =~ /^$name$/ AND "image" =~ /^$image$/ AND $timeFilter';

/** Billing: prices (the rate card's keys, docs: exporters/billing/rate-card.ts) and the group-by label. */
export function billingVariables(): Variable[] {
  const price = (name: string, label: string, value: string) => new TextBoxVariableBuilder(name).label(label).defaultValue(value)
    .current({ text: value, value });
  return [
    ...prometheusVariables(),
    new CustomVariableBuilder('group').label('Group by')
      .values('name,image,instance,id,container_label_team,container_label_com_docker_compose_project')
      .current({ text: 'name', value: 'name' }).allowCustomValue(true),
    price('cpu_core_hour', 'CPU core-hour', '0.031'),
    price('memory_gib_hour', 'Memory GiB-hour', '0.0042'),
    price('blockio_gib', 'Block I/O GiB', '0.01'),
    price('network_gib', 'Network GiB', '0.02'),
  ];
}
