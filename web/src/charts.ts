// Live uPlot charts of one cgroup: a ring of the last points per series, appended to on each event.
// A limit is a dashed series (null while unlimited, so the line is simply absent).

import uPlot from 'uplot';
import * as fmt from '../../dashboard/text/format.js';
import type { Snapshot } from './api.js';
import { h } from './dom.js';

export interface SeriesSpec {
  readonly label: string;
  readonly color: string;
  readonly dash?: boolean;
  pick(s: Snapshot): number | undefined;
}

export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  /** Axis and legend text for a value of this chart's unit. */
  format(value: number): string;
  readonly series: readonly SeriesSpec[];
}

/** Ten minutes at serve's default 1 s interval. */
const MAX_POINTS = 600;
const finite = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : v);
const sumPressure = (line: 'cpu' | 'memory' | 'io') => (s: Snapshot) => s.sample.pressure[line]?.some.avg10;

export const CHARTS: readonly ChartSpec[] = [
  {
    id: 'cpu', title: 'CPU (cores)', format: (v) => fmt.cores(v),
    series: [
      { label: 'used', color: '#2f7ed8', pick: (s) => s.cpu.coresUsed },
      { label: 'user', color: '#8bbc21', pick: (s) => s.cpu.userCores },
      { label: 'system', color: '#f28f43', pick: (s) => s.cpu.systemCores },
      { label: 'quota', color: '#c42525', dash: true, pick: (s) => s.cpu.limitCores },
    ],
  },
  {
    id: 'memory', title: 'Memory', format: (v) => fmt.shortBytes(v),
    series: [
      { label: 'usage', color: '#2f7ed8', pick: (s) => s.sample.memory.usageBytes },
      { label: 'working set', color: '#8bbc21', pick: (s) => s.memory.workingSetBytes },
      { label: 'high', color: '#f28f43', dash: true, pick: (s) => s.sample.memory.highBytes },
      { label: 'limit', color: '#c42525', dash: true, pick: (s) => s.sample.memory.limitBytes },
    ],
  },
  {
    id: 'io', title: 'Block I/O (bytes/s)', format: (v) => fmt.shortRate(v),
    series: [
      { label: 'read', color: '#2f7ed8', pick: (s) => s.blockIo.readBps },
      { label: 'write', color: '#f28f43', pick: (s) => s.blockIo.writeBps },
    ],
  },
  {
    id: 'network', title: 'Network (bytes/s)', format: (v) => fmt.shortRate(v),
    series: [
      { label: 'rx', color: '#2f7ed8', pick: (s) => s.network.rxBps },
      { label: 'tx', color: '#f28f43', pick: (s) => s.network.txBps },
    ],
  },
  {
    id: 'pressure', title: 'Pressure, some avg10 (%)', format: (v) => `${v.toFixed(1)}%`,
    series: [
      { label: 'cpu', color: '#2f7ed8', pick: sumPressure('cpu') },
      { label: 'memory', color: '#8bbc21', pick: sumPressure('memory') },
      { label: 'io', color: '#f28f43', pick: sumPressure('io') },
    ],
  },
];

export class LiveChart {
  readonly element: HTMLElement;
  private readonly x: number[] = [];
  private readonly ys: Array<Array<number | null>>;
  private plot?: uPlot;
  private lastTimestampMs = -1;

  constructor(private readonly spec: ChartSpec) {
    this.ys = spec.series.map(() => []);
    this.element = h('figure', { class: 'chart', id: `chart-${spec.id}`, 'data-points': 0 }, h('figcaption', {}, spec.title));
  }

  /** Adds the Snapshot's point (once per sample: a reconnect may send the same sample again). */
  push(s: Snapshot): void {
    if (s.sample.timestampMs <= this.lastTimestampMs) return;
    this.lastTimestampMs = s.sample.timestampMs;
    this.x.push(s.sample.timestampMs / 1000);
    this.spec.series.forEach((series, i) => this.ys[i]!.push(finite(series.pick(s))));
    if (this.x.length > MAX_POINTS) {
      this.x.shift();
      for (const y of this.ys) y.shift();
    }
    this.element.dataset.points = String(this.x.length);
    this.draw();
  }

  private draw(): void {
    const data = [this.x, ...this.ys] as uPlot.AlignedData;
    if (this.plot) {
      this.plot.setData(data);
      return;
    }
    const format = (v: number | null) => (v === null ? '-' : this.spec.format(v));
    this.plot = new uPlot({
      width: this.width(), height: 200,
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
      // Whole seconds at least, as the samples are: uPlot would otherwise label sub-second ticks.
      axes: [{ space: 70, incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600], values: (_u, ticks) => ticks.map((t) => fmt.clock(t * 1000)) }, { size: 60, values: (_u, ticks) => ticks.map((t) => format(t)) }],
      series: [{}, ...this.spec.series.map((s): uPlot.Series => ({
        label: s.label, stroke: s.color, width: s.dash ? 1.5 : 2, ...(s.dash ? { dash: [6, 4] } : {}),
        value: (_u, v) => format(v), spanGaps: false,
      }))],
    }, data, this.element);
  }

  private width(): number {
    return Math.max(300, (this.element.clientWidth || 600) - 8);
  }

  resize(): void {
    this.plot?.setSize({ width: this.width(), height: 200 });
  }

  destroy(): void {
    this.plot?.destroy();
  }
}
