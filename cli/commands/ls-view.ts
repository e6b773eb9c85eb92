// What `cgmeter ls` shows of a Snapshot: table rows, limits in bytes and cores for --json, and
// which cgroups are the same container as their parent (listed once). Pure functions.

import type { Snapshot } from '../../collector/model/derive.js';
import type { ContainerIdentity } from '../../collector/model/identity.js';
import { formatBytes, formatDecimalBytes, formatPercent } from '../units.js';

export const LS_HEADERS = ['CONTAINER ID', 'NAME', 'IMAGE', 'RUNTIME', 'CPU %', 'CPUS', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS'] as const;
/** Numeric columns, right-aligned. */
export const LS_RIGHT_ALIGNED: ReadonlySet<number> = new Set([4, 5, 7, 10]);

export function isContainerLike(s: Snapshot): boolean {
  return s.sample.identity.kind === 'container' || s.sample.identity.kind === 'pod';
}

function sameEntity(a: ContainerIdentity, b: ContainerIdentity): boolean {
  return a.runtime === b.runtime && a.id === b.id && a.kind === b.kind;
}

/**
 * Paths whose identity equals their parent cgroup's: crun's `container` subgroup under
 * `libpod-<id>.scope` (or crio-/docker-). The parent's counters already include the child's.
 */
export function duplicateChildPaths(snapshots: readonly Snapshot[]): Set<string> {
  const byPath = new Map(snapshots.map((s) => [s.sample.path, s.sample.identity]));
  const duplicates = new Set<string>();
  for (const s of snapshots) {
    const slash = s.sample.path.lastIndexOf('/');
    if (slash <= 0) continue;
    const parent = byPath.get(s.sample.path.slice(0, slash));
    if (parent && sameEntity(parent, s.sample.identity)) duplicates.add(s.sample.path);
  }
  return duplicates;
}

/** Limits in force, from the kernel (Infinity when unlimited), beside what the engine was asked for. */
export interface RowLimits {
  readonly memoryBytes?: number;
  readonly cpuCores?: number;
  readonly pidsMax?: number;
  readonly cpuShares?: number;
}

export function rowLimits(s: Snapshot): RowLimits {
  const out: { -readonly [K in keyof RowLimits]: RowLimits[K] } = {};
  if (s.sample.memory.limitBytes !== undefined) out.memoryBytes = s.sample.memory.limitBytes;
  const cores = s.cpu.limitCores ?? s.sample.identity.configuredLimits?.cpuCores;
  if (cores !== undefined) out.cpuCores = cores;
  if (s.sample.pids.max !== undefined) out.pidsMax = s.sample.pids.max;
  const shares = s.sample.cpu.shares ?? s.sample.identity.configuredLimits?.cpuShares;
  if (shares !== undefined) out.cpuShares = shares;
  return out;
}

/** `0.30` cores, `--` when unlimited or unknown. */
export function formatCores(cores: number | undefined): string {
  return cores === undefined || !Number.isFinite(cores) ? '--' : cores.toFixed(2);
}

function netTotals(s: Snapshot): { rx?: number; tx?: number } {
  const n = s.sample.network;
  if (!n) return {};
  const ifs = n.interfaces.filter((i) => i.name !== 'lo');
  return { rx: ifs.reduce((a, i) => a + i.rxBytes, 0), tx: ifs.reduce((a, i) => a + i.txBytes, 0) };
}

function ioTotals(s: Snapshot): { r: number; w: number } {
  return s.sample.blockIo.reduce((a, d) => ({ r: a.r + (d.readBytes ?? 0), w: a.w + (d.writeBytes ?? 0) }), { r: 0, w: 0 });
}

export function displayId(id: string): string {
  return /^[0-9a-f]{64}$/.test(id) ? id.slice(0, 12) : id;
}

export function lsRows(snapshots: readonly Snapshot[]): string[][] {
  return snapshots.map((s) => {
    const id = s.sample.identity;
    const m = s.sample.memory;
    const net = netTotals(s);
    const io = ioTotals(s);
    const cpuPercent = s.cpu.coresUsed === undefined ? undefined : s.cpu.coresUsed * 100;
    return [
      displayId(id.id),
      id.name,
      id.image ?? '--',
      id.runtime,
      formatPercent(cpuPercent),
      formatCores(rowLimits(s).cpuCores),
      `${formatBytes(m.usageBytes)} / ${formatBytes(m.limitBytes)}`,
      formatPercent(s.memory.percentOfLimit),
      net.rx === undefined ? '--' : `${formatDecimalBytes(net.rx)} / ${formatDecimalBytes(net.tx)}`,
      `${formatDecimalBytes(io.r)} / ${formatDecimalBytes(io.w)}`,
      s.sample.pids.current === undefined ? '--' : String(s.sample.pids.current),
    ];
  });
}
