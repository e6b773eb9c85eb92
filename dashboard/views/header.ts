// The top line: where the data comes from and when, the host's CPU, memory and load, how many
// containers, the interval and whether the view is paused. Parts drop whole, least useful last.

import { isContainerLike, levelOf } from '../model/row.js';
import type { UiState } from '../model/ui-state.js';
import * as fmt from '../text/format.js';
import { fitLine, joinFitting, span, type Line } from '../text/line.js';
import type { ViewModel } from './view-model.js';


export function renderHeader(model: ViewModel, state: UiState, width: number): Line {
  const parts: Line[] = [];
  const source = model.source;
  const when = source.kind === 'replay' ? `REPLAY ${fmt.dateTime(model.timeMs)}` : fmt.clock(model.timeMs);
  parts.push([span('cgmeter top', 'title'), span(` ${source.kind === 'remote' ? source.label : ''}`.trimEnd())]);
  if (state.paused) parts.push([span(source.kind === 'replay' ? 'STOPPED' : 'PAUSED', 'warn')]);
  parts.push(...hostParts(model));
  const containers = model.snapshots.filter(isContainerLike).length;
  parts.push([span('containers '), span(String(containers), 'bold'), span(`/${model.snapshots.length} cgroups`, 'dim')]);
  parts.push([span(when, source.kind === 'replay' ? 'accent' : undefined)]);
  parts.push([span(`every ${fmt.interval(state.intervalMs)}`, 'dim')]);
  return fitLine(joinFitting(parts, width), width, 'title');
}

function hostParts(model: ViewModel): Line[] {
  const host = model.host;
  if (host !== undefined && (host.cpus !== undefined || host.memTotalBytes !== undefined)) {
    const out: Line[] = [];
    out.push([span('CPU '), span(fmt.percent(host.cpuPercent), levelOf(host.cpuPercent)), span(host.cpus === undefined ? '' : ` of ${host.cpus}`, 'dim')]);
    if (host.memTotalBytes !== undefined) {
      const used = host.memAvailableBytes === undefined ? undefined : host.memTotalBytes - host.memAvailableBytes;
      const percent = used === undefined ? undefined : (used / host.memTotalBytes) * 100;
      out.push([span('MEM '), span(`${fmt.shortBytes(used)}/${fmt.shortBytes(host.memTotalBytes)}`), span(` ${fmt.percent(percent)}`, levelOf(percent))]);
    }
    if (host.load1 !== undefined) out.push([span('LOAD '), span(`${host.load1.toFixed(2)} ${host.load5!.toFixed(2)} ${host.load15!.toFixed(2)}`)]);
    return out;
  }
  // A remote source sends cgroups only: the root cgroup stands for the host.
  const root = model.snapshots.find((s) => s.sample.path === '/');
  if (root === undefined) return [];
  return [
    [span('CPU '), span(`${fmt.cores(root.cpu.coresUsed)} cores`)],
    [span('MEM '), span(fmt.shortBytes(root.sample.memory.usageBytes))],
  ];
}
