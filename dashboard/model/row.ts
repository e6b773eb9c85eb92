// One table row's data: a Snapshot plus what the dashboard derives from the Snapshots it has seen
// (memory event rates from the history) and, in the tree view, where the row sits in the tree.

import type { Snapshot } from '../../collector/model/derive.js';

/** Per-second memory event rates between the last two Snapshots of a cgroup (history.ts). */
export interface MemoryRates {
  readonly refaultPs?: number;
  readonly pgscanPs?: number;
  readonly pgstealPs?: number;
  readonly pgmajfaultPs?: number;
}

export interface RowModel {
  /** The cgroup path: stable across samples, so selection and folding survive re-sorting. */
  readonly key: string;
  readonly snapshot: Snapshot;
  readonly memoryRates?: MemoryRates;
  /** Wall time of the frame, for uptime (replay shows the uptime then, not now). */
  readonly nowMs: number;
  /** Tree view only: the drawing before the label (`│ ├─▾ `) and the label itself. */
  readonly treePrefix?: string;
  readonly label?: string;
}

export type Level = 'warn' | 'crit';

/** Thresholds the issue asks for: 70% and 90% of a limit. */
export const WARN_PERCENT = 70;
export const CRIT_PERCENT = 90;

export function levelOf(percentOfLimit: number | undefined): Level | undefined {
  if (percentOfLimit === undefined || !Number.isFinite(percentOfLimit)) return undefined;
  if (percentOfLimit >= CRIT_PERCENT) return 'crit';
  if (percentOfLimit >= WARN_PERCENT) return 'warn';
  return undefined;
}

export function isContainerLike(s: Snapshot): boolean {
  return s.sample.identity.kind === 'container' || s.sample.identity.kind === 'pod';
}

/** pids.current as a share of pids.max, when there is a max. */
export function pidsPercent(s: Snapshot): number | undefined {
  const { current, max } = s.sample.pids;
  if (current === undefined || max === undefined || !Number.isFinite(max) || max <= 0) return undefined;
  return (current / max) * 100;
}

export type PsiResource = 'cpu' | 'memory' | 'io';

/** The most stalled resource by PSI `some avg10` (percent of wall time), and by how much. */
export function worstPressure(s: Snapshot): { resource: PsiResource; avg10: number } | undefined {
  let worst: { resource: PsiResource; avg10: number } | undefined;
  for (const resource of ['cpu', 'memory', 'io'] as const) {
    const avg10 = s.sample.pressure[resource]?.some.avg10;
    if (avg10 === undefined || Number.isNaN(avg10)) continue;
    if (worst === undefined || avg10 > worst.avg10) worst = { resource, avg10 };
  }
  return worst;
}

export function uptimeSeconds(row: RowModel): number | undefined {
  const created = row.snapshot.sample.createdMs;
  return created === undefined ? undefined : Math.max(0, (row.nowMs - created) / 1000);
}
