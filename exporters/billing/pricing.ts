// How usage becomes billable quantities and cost: the grouping key, the basis (usage, limit or
// max(limit, usage)) and the rate card's prices. Units: seconds and bytes in, hours and GiB out.

import type { UsageDelta } from '../../collector/ledger/integrate.js';
import type { MemoryMetric, RateCard } from './rate-card.js';
import type { ContainerInfo } from './usage-data.js';

export type Basis = 'usage' | 'limit' | 'max';
export const BASES: readonly Basis[] = ['usage', 'limit', 'max'];

export type GroupBy =
  | { readonly kind: 'container' | 'image' | 'pod' | 'namespace' | 'runtime' }
  | { readonly kind: 'label'; readonly key: string };

export const GIB = 1024 ** 3;
export const SECONDS_PER_HOUR = 3600;

export class ReportInputError extends Error {
  override readonly name = 'ReportInputError';
}

export function parseGroupBy(text: string): GroupBy {
  if (text.startsWith('label:')) {
    const key = text.slice('label:'.length);
    if (key === '') throw new ReportInputError('--by label:KEY needs a label name, e.g. label:team');
    return { kind: 'label', key };
  }
  if (text === 'container' || text === 'image' || text === 'pod' || text === 'namespace' || text === 'runtime') return { kind: text };
  throw new ReportInputError(`--by ${JSON.stringify(text)}: use container, image, label:KEY, pod, namespace or runtime`);
}

export function groupByName(by: GroupBy): string {
  return by.kind === 'label' ? `label:${by.key}` : by.kind;
}

export function parseBasis(text: string): Basis {
  if ((BASES as readonly string[]).includes(text)) return text as Basis;
  throw new ReportInputError(`--basis ${JSON.stringify(text)}: use usage (what was used), limit (what was reserved) or max (the larger of the two, per interval)`);
}

/** The group a container belongs to, and how the group is shown. */
export function groupOf(container: ContainerInfo, by: GroupBy): { readonly group: string; readonly label: string } {
  const podName = container.pod ? (container.namespace ? `${container.namespace}/${container.pod}` : container.pod) : undefined;
  if (container.kind === 'pod' && (by.kind === 'container' || by.kind === 'image')) {
    return by.kind === 'image' ? value('(pod network)', '') : { group: container.key, label: `pod ${podName ?? container.podUid ?? container.containerId} network` };
  }
  switch (by.kind) {
    case 'container': {
      const short = container.containerId.length > 12 && /^[0-9a-f]+$/.test(container.containerId) ? container.containerId.slice(0, 12) : container.containerId;
      const name = container.name === short || container.name === container.containerId ? short : `${container.name} (${short})`;
      return { group: container.key, label: container.instance ? `${container.instance} ${name}` : name };
    }
    case 'image':
      return value(container.image, '(no image)');
    case 'pod':
      // By uid: a pod's name may be known on some of its rows (engine metadata) and not on others.
      return container.podUid ? { group: container.podUid, label: podName ?? container.podUid } : value(podName, '(no pod)');
    case 'namespace':
      return value(container.namespace, '(no namespace)');
    case 'runtime':
      return value(container.runtime, '(unknown)');
    case 'label':
      return value(container.labels[by.key], `(no ${by.key} label)`);
  }
}

function value(v: string | undefined, none: string): { group: string; label: string } {
  return v === undefined || v === '' ? { group: none, label: none } : { group: v, label: v };
}

/** Billed CPU core-seconds and memory byte-seconds of one rollup under a basis. */
export function billedSeconds(usage: UsageDelta, basis: Basis, memory: MemoryMetric): { cpuCoreSeconds: number; memoryByteSeconds: number } {
  const ws = memory === 'working-set';
  switch (basis) {
    case 'usage':
      return { cpuCoreSeconds: usage.cpuCoreSeconds, memoryByteSeconds: ws ? usage.workingSetByteSeconds : usage.memoryByteSeconds };
    case 'limit':
      return { cpuCoreSeconds: usage.cpuLimitCoreSeconds, memoryByteSeconds: usage.memoryLimitByteSeconds };
    case 'max':
      return { cpuCoreSeconds: usage.cpuMaxCoreSeconds, memoryByteSeconds: ws ? usage.workingSetMaxByteSeconds : usage.memoryMaxByteSeconds };
  }
}

/** Memory actually used (for "not in any container"), in the metric the rate card prices. */
export function usedMemoryByteSeconds(usage: UsageDelta, memory: MemoryMetric): number {
  return memory === 'working-set' ? usage.workingSetByteSeconds : usage.memoryByteSeconds;
}

export function peakBytes(usage: UsageDelta, memory: MemoryMetric): number {
  return memory === 'working-set' ? usage.workingSetPeakBytes : usage.memoryPeakBytes;
}

export interface Cost {
  readonly cpu: number;
  readonly memory: number;
  readonly io: number;
  readonly network: number;
  readonly total: number;
}

export function costOf(card: RateCard, q: { cpuCoreHours: number; memoryGibHours: number; ioGib: number; networkGib: number }): Cost {
  const cpu = q.cpuCoreHours * card.cpuCoreHour;
  const memory = q.memoryGibHours * card.memoryGiBHour;
  const io = q.ioGib * card.blockIoGiB;
  const network = q.networkGib * card.networkGiB;
  return { cpu, memory, io, network, total: cpu + memory + io + network };
}
