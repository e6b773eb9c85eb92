// Enter on a row: one container — who it is, its limits, namespaces and labels, its figures now,
// and charts over the history kept (CPU and memory with their limit lines, I/O, network, PSI).

import type { Snapshot } from '../../collector/model/derive.js';
import { isContainerLike, levelOf, pidsPercent, uptimeSeconds } from '../model/row.js';
import type { UiState } from '../model/ui-state.js';
import * as fmt from '../text/format.js';
import { fitLine, joinFitting, span, type Line } from '../text/line.js';
import { renderPanelRows, type Panel } from './panels.js';
import type { HistoryReader, Size, ViewModel } from './view-model.js';


const label = (text: string): Line => [span(`${text}:`, 'accent')];

function identityLine(s: Snapshot, nowMs: number): Line[] {
  const id = s.sample.identity;
  const parts: Line[] = [
    [span(`${isContainerLike(s) ? '◆ ' : ''}${id.name}`, 'title')],
    [span(id.runtime, 'accent'), span(` ${/^[0-9a-f]{64}$/.test(id.id) ? id.id.slice(0, 12) : id.id}`)],
  ];
  if (id.image !== undefined) parts.push([span('image ', 'dim'), span(id.image)]);
  if (id.pod !== undefined || id.namespace !== undefined) parts.push([span('pod ', 'dim'), span(`${id.namespace ?? '?'}/${id.pod ?? id.podUid ?? '?'}`)]);
  if (id.qos !== undefined) parts.push([span('qos ', 'dim'), span(id.qos)]);
  parts.push([span('kind ', 'dim'), span(id.kind)]);
  parts.push([span('up ', 'dim'), span(fmt.duration(uptimeSeconds({ key: s.sample.path, snapshot: s, nowMs })))]);
  return parts;
}

function limitParts(s: Snapshot): Line[] {
  const c = s.sample.cpu;
  const m = s.sample.memory;
  const cpu = c.quotaUs === undefined ? '-' : c.quotaUs === Infinity ? 'max' : `${fmt.cores(s.cpu.limitCores)} cores (${c.quotaUs}/${c.periodUs}µs)`;
  const parts: Line[] = [label('Limits'), [span('cpu '), span(cpu, 'bold')]];
  if (c.weight !== undefined) parts.push([span(`weight ${c.weight}`, 'dim')]);
  if (s.sample.cpusetCpus !== undefined) parts.push([span(`cpuset ${s.sample.cpusetCpus}`, 'dim')]);
  parts.push([span('memory '), span(fmt.shortBytes(m.limitBytes), 'bold')]);
  if (m.highBytes !== undefined) parts.push([span(`high ${fmt.shortBytes(m.highBytes)}`, 'dim')]);
  if (m.reservationBytes !== undefined) parts.push([span(`low ${fmt.shortBytes(m.reservationBytes)}`, 'dim')]);
  if (m.swapLimitBytes !== undefined) parts.push([span(`swap ${fmt.shortBytes(m.swapLimitBytes)}`, 'dim')]);
  parts.push([span('pids '), span(s.sample.pids.max === undefined ? '-' : s.sample.pids.max === Infinity ? 'max' : String(s.sample.pids.max), 'bold')]);
  return parts;
}

function nowParts(s: Snapshot): Line[] {
  const p = s.sample.pressure;
  const psi = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(1));
  return [
    label('Now'),
    [span(`cpu ${fmt.cores(s.cpu.coresUsed)}`), span(s.cpu.percentOfLimit === undefined ? '' : ` ${fmt.percent(s.cpu.percentOfLimit)}`, levelOf(s.cpu.percentOfLimit))],
    [span(`throttled ${fmt.percent(s.cpu.throttledRatio === undefined ? undefined : s.cpu.throttledRatio * 100)}`)],
    [span(`mem ${fmt.shortBytes(s.sample.memory.usageBytes)}`), span(s.memory.percentOfLimit === undefined ? '' : ` ${fmt.percent(s.memory.percentOfLimit)}`, levelOf(s.memory.percentOfLimit))],
    [span(`wset ${fmt.shortBytes(s.memory.workingSetBytes)}`)],
    [span(`pids ${s.sample.pids.current ?? '-'}`, levelOf(pidsPercent(s)))],
    [span(`PSI some10 cpu ${psi(p.cpu?.some.avg10)} mem ${psi(p.memory?.some.avg10)} io ${psi(p.io?.some.avg10)}`)],
  ];
}

function namespaceParts(s: Snapshot): Line[] {
  const parts: Line[] = [label('Namespaces')];
  const ns = s.sample.namespaces;
  if (ns !== undefined) {
    const kinds = Object.keys(ns.inodes).filter((k) => k !== 'pid_for_children');
    const own = kinds.filter((k) => !ns.sharedWithHost.includes(k as never));
    const shared = kinds.filter((k) => ns.sharedWithHost.includes(k as never));
    // Sharing the host's net or pid namespace is what an operator must notice: it is flagged.
    const risky = shared.filter((k) => k === 'net' || k === 'pid');
    parts.push([span('own '), span(own.join(',') || 'none', 'bold')]);
    if (shared.length > 0) parts.push([span("host's "), span(shared.join(','), risky.length > 0 ? 'warn' : undefined)]);
    parts.push([span(`(pid ${ns.pid}, ${ns.pidCount} proc${ns.pidCount === 1 ? '' : 's'})`, 'dim')]);
  }
  const n = s.sample.network;
  if (n !== undefined) parts.push([span(`net ${n.interfaces.map((i) => i.name).join(',')}`)]);
  else if (ns === undefined) parts.push([span(s.sample.networkNote === 'host-netns' ? "net: the host's" : `net: ${s.sample.networkNote ?? 'unknown'}`)]);
  const labels = Object.entries(s.sample.identity.labels).map(([k, v]) => `${k}=${v}`);
  return [...parts, label('Labels'), [span(labels.length === 0 ? 'none' : labels.join(' '), labels.length === 0 ? 'dim' : undefined)]];
}

export function detailPanels(history: HistoryReader, key: string, s: Snapshot | undefined): Panel[][] {
  const series = (name: Parameters<HistoryReader['series']>[1]) => history.series(key, name).values;
  const bytes = (v: number) => fmt.shortBytes(v);
  const psi = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : fmt.UNKNOWN);
  return [
    [
      { title: [span('CPU cores ', 'accent'), span(fmt.cores(s?.cpu.coresUsed)), span(` limit ${fmt.cores(s?.cpu.limitCores)}`, 'limit')], values: series('coresUsed'), limit: s?.cpu.limitCores, formatScale: fmt.cores },
      { title: [span('Memory ', 'accent'), span(fmt.shortBytes(s?.sample.memory.usageBytes)), span(` limit ${fmt.shortBytes(s?.sample.memory.limitBytes)}`, 'limit')], values: series('usageBytes'), limit: s?.sample.memory.limitBytes, formatScale: bytes },
    ],
    [
      { title: [span('Disk read/s ', 'accent'), span(fmt.shortRate(s?.blockIo.readBps))], values: series('readBps'), formatScale: bytes },
      { title: [span('Disk write/s ', 'accent'), span(fmt.shortRate(s?.blockIo.writeBps))], values: series('writeBps'), formatScale: bytes },
    ],
    [
      { title: [span('Net rx/s ', 'accent'), span(fmt.shortRate(s?.network.rxBps))], values: series('rxBps'), formatScale: bytes },
      { title: [span('Net tx/s ', 'accent'), span(fmt.shortRate(s?.network.txBps))], values: series('txBps'), formatScale: bytes },
    ],
    [
      { title: [span('PSI cpu ', 'accent'), span(psi(s?.sample.pressure.cpu?.some.avg10 ?? Number.NaN))], values: series('psiCpu'), formatScale: psi },
      { title: [span('PSI mem ', 'accent'), span(psi(s?.sample.pressure.memory?.some.avg10 ?? Number.NaN))], values: series('psiMemory'), formatScale: psi },
      { title: [span('PSI io ', 'accent'), span(psi(s?.sample.pressure.io?.some.avg10 ?? Number.NaN))], values: series('psiIo'), formatScale: psi },
    ],
  ];
}

export function renderDetail(model: ViewModel, state: UiState, size: Size): Line[] {
  const key = state.selectedKey;
  const { width, height } = size;
  const s = key === undefined ? undefined : model.snapshots.find((x) => x.sample.path === key);
  const lines: Line[] = [];
  if (key === undefined) return [fitLine([span('nothing selected', 'dim')], width)];
  if (s === undefined) {
    const last = model.history.lastSample(key);
    lines.push(fitLine([span(`${last?.identity.name ?? key} is gone`, 'crit'), span(last ? ` (last seen ${fmt.clock(last.timestampMs)})` : '', 'dim')], width));
  } else {
    lines.push(fitLine(joinFitting(identityLine(s, model.timeMs), width), width));
    lines.push(fitLine([span('cgroup ', 'dim'), span(s.sample.path)], width));
    lines.push(fitLine(joinFitting(limitParts(s), width, ' '), width));
    lines.push(fitLine(joinFitting(nowParts(s), width, ' '), width));
    lines.push(fitLine(joinFitting(namespaceParts(s), width, ' '), width));
  }
  const chartHeight = Math.max(0, height - lines.length);
  const out = [...lines.slice(0, height), ...renderPanelRows(detailPanels(model.history, key, s), width, chartHeight)];
  return out.slice(0, height);
}
