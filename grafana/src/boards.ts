// Every board grafana/build.ts writes: folder (= data source kind) and file name, so that the build,
// the tests and the provisioning agree on one list.

import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Flavour } from './kit.js';
import { prometheusBilling } from './billing.js';
import { prometheusContainer } from './container.js';
import { influxContainer } from './container-influx.js';
import { prometheusHealth } from './health.js';
import { influxMemory, prometheusMemory } from './memory.js';
import { influxOverview, prometheusOverview } from './overview.js';

export interface BoardSpec {
  readonly flavour: Flavour;
  /** File name under grafana/dashboards/<flavour>/. */
  readonly file: string;
  readonly build: () => DashboardBuilder;
}

export const BOARDS: readonly BoardSpec[] = [
  { flavour: 'prometheus', file: 'overview.json', build: prometheusOverview },
  { flavour: 'prometheus', file: 'container.json', build: prometheusContainer },
  { flavour: 'prometheus', file: 'memory.json', build: prometheusMemory },
  { flavour: 'prometheus', file: 'billing.json', build: prometheusBilling },
  { flavour: 'prometheus', file: 'health.json', build: prometheusHealth },
  { flavour: 'influxdb', file: 'overview.json', build: influxOverview },
  { flavour: 'influxdb', file: 'container.json', build: influxContainer },
  { flavour: 'influxdb', file: 'memory.json', build: influxMemory },
];
