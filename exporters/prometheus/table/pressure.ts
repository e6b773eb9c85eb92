// Pressure stall information: cAdvisor's cumulative stall counters, and cgmeter's copies of the
// kernel's own running averages (so a dashboard can show "avg10" without a rate window).

import { labelled, single, NO_SERIES, type ContainerMetric, type Series } from '../metric.js';
import type { Snapshot } from '../../../collector/model/derive.js';
import type { PressureLine } from '../../../collector/model/sample.js';

type Resource = 'cpu' | 'memory' | 'io';
const RESOURCES: readonly Resource[] = ['cpu', 'memory', 'io'];
const WORDS = { cpu: 'CPU', memory: 'memory', io: 'IO' } as const;

// cAdvisor's words: `waiting` = the `some` line (at least one task stalled), `stalled` = `full` (all).
const KINDS = [
  { kind: 'waiting', line: 'some', what: 'tasks in the container have waited' },
  { kind: 'stalled', line: 'full', what: 'no tasks in the container could make progress' },
] as const;

function line(s: Snapshot, resource: Resource, which: 'some' | 'full'): PressureLine | undefined {
  const p = s.sample.pressure[resource];
  return which === 'some' ? p?.some : p?.full;
}

function averages(resource: Resource, which: 'some' | 'full') {
  return (s: Snapshot): readonly Series[] => {
    const l = line(s, resource, which);
    if (!l) return NO_SERIES;
    const series: Series[] = [];
    if (l.avg10 !== undefined) series.push({ labels: ['10s'], value: l.avg10 / 100 });
    if (l.avg60 !== undefined) series.push({ labels: ['60s'], value: l.avg60 / 100 });
    if (l.avg300 !== undefined) series.push({ labels: ['300s'], value: l.avg300 / 100 });
    return series;
  };
}

export const PRESSURE_METRICS: readonly ContainerMetric[] = RESOURCES.flatMap((resource) => KINDS.map(({ kind, line: which, what }) =>
  single({
    name: `container_pressure_${resource}_${kind}_seconds_total`,
    help: `Total time duration ${what} due to ${WORDS[resource]} congestion.`,
    type: 'counter', unit: 'seconds', group: 'pressure', compat: 'cadvisor',
    source: { v1: `${resource}.pressure ${which} total (cgroup2 mounted beside v1)`, v2: `${resource}.pressure ${which} total` },
  }, (s) => line(s, resource, which)?.totalSeconds)));

export const PRESSURE_AVERAGE_METRICS: readonly ContainerMetric[] = RESOURCES.flatMap((resource) => KINDS.map(({ kind, line: which, what }) =>
  labelled({
    name: `cgmeter_pressure_${resource}_${kind}_ratio`,
    help: `Share of time ${what} due to ${WORDS[resource]} congestion, averaged by the kernel over window.`,
    type: 'gauge', unit: 'ratio', group: 'psi-avg', compat: 'cgmeter', labels: ['window'],
    source: { v1: `${resource}.pressure ${which} avg10/avg60/avg300 ÷ 100`, v2: `${resource}.pressure ${which} avg10/avg60/avg300 ÷ 100` },
  }, averages(resource, which))));
