// `m`: memory isolation at a glance. Above, every container's LRU lists, refaults, reclaim, memory
// pressure, failcnt and OOM kills; below, the selected one's LRU sizes now and over time, so one
// can watch a container's file pages being reclaimed while a neighbour's anon pages grow.

import type { Snapshot } from '../../collector/model/derive.js';
import type { UiState } from '../model/ui-state.js';
import * as fmt from '../text/format.js';
import { fitLine, padRight, span, type Line } from '../text/line.js';
import { horizontalBar } from './chart.js';
import { renderPanelRows, type Panel } from './panels.js';
import type { HistoryReader, Size } from './view-model.js';

const LRU = [
  ['active anon', 'activeAnonBytes'],
  ['inactive anon', 'inactiveAnonBytes'],
  ['active file', 'activeFileBytes'],
  ['inactive file', 'inactiveFileBytes'],
] as const;

function sum(a: readonly number[], b: readonly number[]): number[] {
  return a.map((v, i) => v + (b[i] ?? Number.NaN));
}

export function memoryPanels(history: HistoryReader, key: string, s: Snapshot | undefined): Panel[][] {
  const series = (name: Parameters<HistoryReader['series']>[1]) => history.series(key, name).values;
  const rates = history.memoryRates(key);
  const m = s?.sample.memory;
  const bytes = (v: number) => fmt.shortBytes(v);
  const count = (v: number) => fmt.shortCount(v);
  const psi = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? fmt.UNKNOWN : v.toFixed(1));
  return [
    [
      { title: [span('Anon ', 'accent'), span(fmt.shortBytes(add(m?.activeAnonBytes, m?.inactiveAnonBytes)))], values: sum(series('activeAnonBytes'), series('inactiveAnonBytes')), limit: m?.limitBytes, formatScale: bytes },
      { title: [span('File ', 'accent'), span(fmt.shortBytes(add(m?.activeFileBytes, m?.inactiveFileBytes)))], values: sum(series('activeFileBytes'), series('inactiveFileBytes')), formatScale: bytes },
    ],
    [
      { title: [span('Refault/s ', 'accent'), span(count(rates?.refaultPs ?? Number.NaN))], values: series('refaultPs'), formatScale: count },
      { title: [span('Scan/s ', 'accent'), span(count(rates?.pgscanPs ?? Number.NaN))], values: series('pgscanPs'), formatScale: count },
      { title: [span('Steal/s ', 'accent'), span(count(rates?.pgstealPs ?? Number.NaN))], values: series('pgstealPs'), formatScale: count },
    ],
    [
      { title: [span('PSI mem some ', 'accent'), span(psi(s?.sample.pressure.memory?.some.avg10))], values: series('psiMemory'), formatScale: (v) => v.toFixed(1) },
      { title: [span('full ', 'accent'), span(psi(s?.sample.pressure.memory?.full?.avg10))], values: series('psiMemoryFull'), formatScale: (v) => v.toFixed(1) },
      { title: [span('Fail ', 'accent'), span(count(m?.failcnt ?? m?.events?.max ?? Number.NaN))], values: series('failcntDelta'), formatScale: count, style: 'warn' },
      { title: [span('OOM ', 'accent'), span(count(m?.events?.oomKill ?? Number.NaN))], values: series('oomKillDelta'), formatScale: count, style: 'crit' },
    ],
  ];
}

function add(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a + b;
}

/** The four LRU lists as bars against the limit (or the usage when unlimited). */
export function lruBars(s: Snapshot, width: number): Line[] {
  const m = s.sample.memory;
  const limited = m.limitBytes !== undefined && Number.isFinite(m.limitBytes) && m.usageBytes !== undefined && m.limitBytes <= m.usageBytes * 10;
  const scale = limited ? m.limitBytes! : m.usageBytes ?? 0;
  const labelWidth = 14;
  const valueWidth = 7;
  const barWidth = Math.max(1, width - labelWidth - valueWidth - 2);
  return LRU.map(([name, field]) => fitLine([
    span(padRight(name, labelWidth), 'accent'),
    ...horizontalBar(m[field], scale, barWidth, field.includes('Anon') ? 'warn' : 'ok'),
    span(` ${fmt.shortBytes(m[field]).padStart(valueWidth)}`),
  ], width));
}

/** The lower part of the memory view: the selected container. */
export function renderMemoryDetail(history: HistoryReader, state: UiState, snapshots: readonly Snapshot[], size: Size): Line[] {
  const key = state.selectedKey;
  const { width, height } = size;
  if (height <= 0) return [];
  const s = key === undefined ? undefined : snapshots.find((x) => x.sample.path === key);
  if (key === undefined || s === undefined) return [fitLine([span('select a container to see its memory over time', 'dim')], width), ...renderPanelRows([], width, height - 1)];
  const m = s.sample.memory;
  const scaleNote = m.limitBytes !== undefined && Number.isFinite(m.limitBytes) ? `of limit ${fmt.shortBytes(m.limitBytes)}` : `of usage ${fmt.shortBytes(m.usageBytes)}`;
  const lines: Line[] = [fitLine([span(`── ${s.sample.identity.name} `, 'title'), span(`LRU lists ${scaleNote}, refaults, reclaim, pressure, failcnt/OOM over time`, 'dim')], width)];
  if (height >= 12) lines.push(...lruBars(s, width));
  return [...lines, ...renderPanelRows(memoryPanels(history, key, s), width, height - lines.length)].slice(0, height);
}
