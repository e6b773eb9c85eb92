// The billing report: usage per group under a basis, priced by a rate card, plus two lines that make
// the columns add up to the host: what ran outside every container (host used − containers used)
// and idle capacity (capacity − everything allocated). This is OpenCost's idle model (asset cost −
// allocations, per resource) with the host's own measured usage standing in for the node's.
// Idle is negative when limits promise more than the host has (--basis limit on an overcommitted
// host): it is shown as it is, so that the sum stays the host's capacity.

import { emptyUsage, accumulate } from '../../collector/ledger/integrate.js';
import {
  billedSeconds, costOf, groupByName, groupOf, peakBytes, usedMemoryByteSeconds,
  GIB, SECONDS_PER_HOUR, type Basis, type Cost, type GroupBy,
} from './pricing.js';
import { NO_PRICES, type MemoryMetric, type RateCard } from './rate-card.js';
import type { ContainerInfo, UsageData } from './usage-data.js';

export interface ReportOptions {
  readonly by: GroupBy;
  readonly basis: Basis;
  /** Undefined: usage only, no cost columns. */
  readonly rateCard?: RateCard;
  readonly requestedFromMs: number;
  readonly requestedToMs: number;
  readonly nowMs?: number;
}

export interface ReportRow {
  readonly kind: 'group' | 'not-in-container' | 'idle' | 'total';
  readonly group: string;
  readonly label: string;
  readonly containers: number | null;
  readonly hoursAlive: number | null;
  readonly cpuCoreHours: number;
  readonly memoryGibHours: number;
  /** GiB-hours ÷ hours alive: the average a container of the group held while it ran. */
  readonly memoryAvgGib: number | null;
  /** The highest reading of any one container in the group. */
  readonly memoryPeakGib: number | null;
  readonly ioReadGib: number | null;
  readonly ioWriteGib: number | null;
  readonly networkRxGib: number | null;
  readonly networkTxGib: number | null;
  readonly cost: Cost | null;
  readonly notes: readonly string[];
}

export interface ReportContainer {
  readonly group: string;
  readonly key: string;
  readonly name: string;
  readonly containerId: string;
  readonly runtime: string;
  readonly image?: string;
  readonly instance?: string;
  readonly createdMs?: number;
  readonly endedMs?: number;
  readonly fromCreation: boolean;
  /** 'pod': a pod's network (its containers' CPU and memory are on their own rows). */
  readonly kind: 'container' | 'pod';
  readonly samples: number;
  readonly hoursAlive: number;
  readonly cpuCoreHours: number;
}

export interface BillingReport {
  readonly version: 1;
  readonly source: UsageData['source'];
  readonly generatedMs: number;
  readonly window: {
    readonly fromMs: number; readonly toMs: number; readonly requestedFromMs: number; readonly requestedToMs: number;
    readonly bucketSeconds: number; readonly coveredHours: number;
  };
  readonly by: string;
  readonly basis: Basis;
  readonly memory: MemoryMetric;
  readonly currency: string | null;
  readonly rateCard: RateCard | null;
  readonly host: {
    readonly capacityCpuCoreHours: number; readonly capacityMemoryGibHours: number;
    readonly usedCpuCoreHours: number; readonly usedMemoryGibHours: number;
    readonly ioReadGib: number | null; readonly ioWriteGib: number | null;
  };
  readonly rows: readonly ReportRow[];
  readonly notInContainer: ReportRow;
  readonly idle: ReportRow;
  readonly total: ReportRow;
  /** Per hour bucket and group: cost when priced, else CPU core-hours (the chart's data). */
  readonly series: {
    readonly metric: 'cost' | 'cpuCoreHours';
    readonly bucketsMs: readonly number[];
    readonly groups: ReadonlyArray<{ readonly group: string; readonly label: string; readonly values: readonly number[] }>;
  };
  readonly containers: readonly ReportContainer[];
  readonly notes: readonly string[];
}

interface GroupAcc {
  label: string;
  containers: Set<string>;
  aliveSeconds: number;
  cpuCoreSeconds: number;
  memoryByteSeconds: number;
  peakBytes: number;
  io: [number, number];
  net: [number, number];
  cpuUnlimitedSeconds: number;
  memoryUnlimitedSeconds: number;
}

const hours = (seconds: number) => seconds / SECONDS_PER_HOUR;
const gib = (bytes: number) => bytes / GIB;

/** For each pod uid, one of its containers: where a pod's network row takes its identity from. */
function podMembers(data: UsageData): Map<string, ContainerInfo> {
  const members = new Map<string, ContainerInfo>();
  for (const c of data.containers.values()) if (c.kind !== 'pod' && c.podUid && !members.has(c.podUid)) members.set(c.podUid, c);
  return members;
}

function podRowIdentity(pod: ContainerInfo, members: ReadonlyMap<string, ContainerInfo>): ContainerInfo {
  const member = pod.podUid === undefined ? undefined : members.get(pod.podUid);
  if (!member) return pod;
  return { ...pod, labels: member.labels, pod: member.pod ?? pod.pod, namespace: member.namespace ?? pod.namespace };
}

export function buildReport(data: UsageData, options: ReportOptions): BillingReport {
  const card = options.rateCard ?? NO_PRICES;
  const memory = card.memory;
  const groups = new Map<string, GroupAcc>();
  const perContainer = new Map<string, { samples: number; alive: number; cpu: number }>();
  const containersUsed = emptyUsage();
  const buckets = new Set<number>();
  const seriesCells = new Map<string, Map<number, number>>();
  const members = podMembers(data);
  for (const row of data.usage) {
    const stored = data.containers.get(row.containerKey);
    if (!stored) continue;
    // A pod's network row is grouped as its containers are (their labels, namespace, pod name).
    const container = stored.kind === 'pod' ? podRowIdentity(stored, members) : stored;
    const { group, label } = groupOf(container, options.by);
    let acc = groups.get(group);
    if (!acc) {
      acc = { label, containers: new Set(), aliveSeconds: 0, cpuCoreSeconds: 0, memoryByteSeconds: 0, peakBytes: 0, io: [0, 0], net: [0, 0], cpuUnlimitedSeconds: 0, memoryUnlimitedSeconds: 0 };
      groups.set(group, acc);
    }
    const u = row.usage;
    const billed = billedSeconds(u, options.basis, memory);
    if (container.kind !== 'pod') acc.containers.add(row.containerKey);
    acc.aliveSeconds += u.aliveSeconds;
    acc.cpuCoreSeconds += billed.cpuCoreSeconds;
    acc.memoryByteSeconds += billed.memoryByteSeconds;
    acc.peakBytes = Math.max(acc.peakBytes, peakBytes(u, memory));
    acc.io[0] += u.ioReadBytes;
    acc.io[1] += u.ioWriteBytes;
    acc.net[0] += u.netRxBytes;
    acc.net[1] += u.netTxBytes;
    acc.cpuUnlimitedSeconds += u.cpuUnlimitedSeconds;
    acc.memoryUnlimitedSeconds += u.memoryUnlimitedSeconds;
    accumulate(containersUsed, u);
    const c = perContainer.get(row.containerKey) ?? { samples: 0, alive: 0, cpu: 0 };
    c.samples += row.samples;
    c.alive += u.aliveSeconds;
    c.cpu += u.cpuCoreSeconds;
    perContainer.set(row.containerKey, c);
    buckets.add(row.bucketMs);
    const cell = options.rateCard
      ? costOf(card, { cpuCoreHours: hours(billed.cpuCoreSeconds), memoryGibHours: gib(billed.memoryByteSeconds) / SECONDS_PER_HOUR, ioGib: gib(u.ioReadBytes + u.ioWriteBytes), networkGib: gib(u.netRxBytes + u.netTxBytes) }).total
      : hours(billed.cpuCoreSeconds);
    const cells = seriesCells.get(group) ?? new Map<number, number>();
    cells.set(row.bucketMs, (cells.get(row.bucketMs) ?? 0) + cell);
    seriesCells.set(group, cells);
  }

  const host = emptyUsage();
  let covered = 0;
  let cpuCapacity = 0;
  let memoryCapacity = 0;
  let hostIoKnown = data.hosts.length > 0;
  for (const h of data.hosts) {
    accumulate(host, h.usage);
    covered += h.coveredSeconds;
    cpuCapacity += h.cpuCapacityCoreSeconds;
    memoryCapacity += h.memoryCapacityByteSeconds;
    hostIoKnown &&= h.ioKnown;
    buckets.add(h.bucketMs);
  }
  const notes = [...data.notes];
  // The root's I/O includes every container's: less than theirs means the root has none to give.
  if (hostIoKnown && host.ioReadBytes + host.ioWriteBytes < containersUsed.ioReadBytes + containersUsed.ioWriteBytes) {
    hostIoKnown = false;
    notes.push('the host\'s own block I/O is not known here (no I/O counters on the root cgroup): "not in any container" has no I/O figure');
  }

  const priced = (q: { cpuCoreHours: number; memoryGibHours: number; ioGib: number; networkGib: number }) => (options.rateCard ? costOf(card, q) : null);
  const rows: ReportRow[] = [...groups].map(([group, acc]) => {
    const rowNotes: string[] = [];
    if (options.basis === 'limit' && acc.cpuUnlimitedSeconds > 0) rowNotes.push(`${hours(acc.cpuUnlimitedSeconds).toFixed(2)} container-hours without a CPU limit bill no CPU under --basis limit`);
    if (options.basis === 'limit' && acc.memoryUnlimitedSeconds > 0) rowNotes.push(`${hours(acc.memoryUnlimitedSeconds).toFixed(2)} container-hours without a memory limit bill no memory under --basis limit`);
    const q = { cpuCoreHours: hours(acc.cpuCoreSeconds), memoryGibHours: hours(gib(acc.memoryByteSeconds)), ioGib: gib(acc.io[0] + acc.io[1]), networkGib: gib(acc.net[0] + acc.net[1]) };
    return {
      kind: 'group', group, label: acc.label, containers: acc.containers.size, hoursAlive: hours(acc.aliveSeconds),
      cpuCoreHours: q.cpuCoreHours, memoryGibHours: q.memoryGibHours,
      memoryAvgGib: acc.aliveSeconds > 0 ? gib(acc.memoryByteSeconds) / acc.aliveSeconds : null, memoryPeakGib: gib(acc.peakBytes),
      ioReadGib: gib(acc.io[0]), ioWriteGib: gib(acc.io[1]), networkRxGib: gib(acc.net[0]), networkTxGib: gib(acc.net[1]),
      cost: priced(q), notes: rowNotes,
    };
  });
  rows.sort((a, b) => (b.cost?.total ?? 0) - (a.cost?.total ?? 0) || b.cpuCoreHours - a.cpuCoreHours || a.label.localeCompare(b.label));

  const allocatedCpu = rows.reduce((s, r) => s + r.cpuCoreHours, 0);
  const allocatedMemory = rows.reduce((s, r) => s + r.memoryGibHours, 0);
  const outsideCpu = hours(host.cpuCoreSeconds - containersUsed.cpuCoreSeconds);
  const outsideMemory = hours(gib(usedMemoryByteSeconds(host, memory) - usedMemoryByteSeconds(containersUsed, memory)));
  const outsideIo = hostIoKnown ? [gib(host.ioReadBytes - containersUsed.ioReadBytes), gib(host.ioWriteBytes - containersUsed.ioWriteBytes)] as const : undefined;
  const noHost = data.hosts.length === 0;
  if (noHost) notes.push('no host totals in this window: "not in any container" and idle are unknown');
  if (!noHost && outsideCpu < 0) notes.push('containers used more CPU than the host\'s root cgroup reported: their first intervals began before the host\'s coverage');
  const line = (kind: 'not-in-container' | 'idle', label: string, cpu: number, mem: number, io?: readonly [number, number]): ReportRow => ({
    kind, group: kind, label, containers: null, hoursAlive: null, cpuCoreHours: cpu, memoryGibHours: mem,
    memoryAvgGib: null, memoryPeakGib: null, ioReadGib: io?.[0] ?? null, ioWriteGib: io?.[1] ?? null, networkRxGib: null, networkTxGib: null,
    cost: priced({ cpuCoreHours: cpu, memoryGibHours: mem, ioGib: io ? io[0] + io[1] : 0, networkGib: 0 }), notes: [],
  });
  const notInContainer = line('not-in-container', 'not in any container', noHost ? 0 : outsideCpu, noHost ? 0 : outsideMemory, outsideIo);
  const idle = line('idle', 'idle capacity', noHost ? 0 : hours(cpuCapacity) - allocatedCpu - outsideCpu,
    noHost ? 0 : hours(gib(memoryCapacity)) - allocatedMemory - outsideMemory);
  if (idle.cpuCoreHours < 0 || idle.memoryGibHours < 0) notes.push('idle capacity is negative: what the groups are billed for (their limits) exceeds what the host has');

  const all = [...rows, notInContainer, idle];
  const sum = (pick: (r: ReportRow) => number | null) => all.reduce((s, r) => s + (pick(r) ?? 0), 0);
  const total: ReportRow = {
    kind: 'total', group: 'total', label: 'total', containers: rows.reduce((s, r) => s + (r.containers ?? 0), 0),
    hoursAlive: sum((r) => r.hoursAlive), cpuCoreHours: sum((r) => r.cpuCoreHours), memoryGibHours: sum((r) => r.memoryGibHours),
    memoryAvgGib: null, memoryPeakGib: null, ioReadGib: sum((r) => r.ioReadGib), ioWriteGib: sum((r) => r.ioWriteGib),
    networkRxGib: sum((r) => r.networkRxGib), networkTxGib: sum((r) => r.networkTxGib),
    cost: options.rateCard ? {
      cpu: sum((r) => r.cost?.cpu ?? 0), memory: sum((r) => r.cost?.memory ?? 0), io: sum((r) => r.cost?.io ?? 0),
      network: sum((r) => r.cost?.network ?? 0), total: sum((r) => r.cost?.total ?? 0),
    } : null,
    notes: [],
  };

  const bucketsMs = [...buckets].sort((a, b) => a - b);
  const fromMs = Math.floor(options.requestedFromMs / data.bucketMs) * data.bucketMs;
  const toMs = Math.ceil(options.requestedToMs / data.bucketMs) * data.bucketMs;
  if (fromMs !== options.requestedFromMs || toMs !== options.requestedToMs) {
    notes.push(`rollups are hourly: the window was widened to whole hours, ${new Date(fromMs).toISOString()} to ${new Date(toMs).toISOString()}`);
  }
  const ended = [...perContainer.keys()].filter((k) => data.containers.get(k)?.kind !== 'pod' && data.containers.get(k)?.endedMs !== undefined).length;
  if (ended > 0 && data.source === 'ledger') notes.push(`${ended} container(s) ended in the window: each is billed up to its last reading; what it used after that (at most one sampling interval) is not`);

  return {
    version: 1, source: data.source, generatedMs: options.nowMs ?? Date.now(),
    window: { fromMs, toMs, requestedFromMs: options.requestedFromMs, requestedToMs: options.requestedToMs, bucketSeconds: data.bucketMs / 1000, coveredHours: hours(covered) },
    by: groupByName(options.by), basis: options.basis, memory, currency: options.rateCard ? card.currency : null, rateCard: options.rateCard ?? null,
    host: {
      capacityCpuCoreHours: hours(cpuCapacity), capacityMemoryGibHours: hours(gib(memoryCapacity)),
      usedCpuCoreHours: hours(host.cpuCoreSeconds), usedMemoryGibHours: hours(gib(usedMemoryByteSeconds(host, memory))),
      ioReadGib: hostIoKnown ? gib(host.ioReadBytes) : null, ioWriteGib: hostIoKnown ? gib(host.ioWriteBytes) : null,
    },
    rows, notInContainer, idle, total,
    series: {
      metric: options.rateCard ? 'cost' : 'cpuCoreHours', bucketsMs,
      groups: rows.map((r) => ({ group: r.group, label: r.label, values: bucketsMs.map((b) => seriesCells.get(r.group)?.get(b) ?? 0) })),
    },
    containers: [...perContainer].map(([key, c]) => {
      const stored = data.containers.get(key)!;
      const info = stored.kind === 'pod' ? podRowIdentity(stored, members) : stored;
      return {
        group: groupOf(info, options.by).group, key, name: info.name, containerId: info.containerId, runtime: info.runtime, image: info.image,
        instance: info.instance, createdMs: info.createdMs, endedMs: info.endedMs, fromCreation: info.fromCreation ?? false, kind: info.kind ?? 'container',
        samples: c.samples, hoursAlive: hours(c.alive), cpuCoreHours: hours(c.cpu),
      };
    }),
    notes,
  };
}
