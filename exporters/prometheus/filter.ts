// Which cgroups /metrics exports: cardinality is the first complaint about cAdvisor, so the set
// can be cut to containers, to path prefixes and to cgroups carrying given engine labels.

import type { Snapshot } from '../../collector/model/derive.js';

export interface CgroupFilter {
  /**
   * `all` (cAdvisor's default: every cgroup) or `containers`: containers, pods and the root `/`
   * (like cAdvisor's --docker_only, which keeps the machine-wide root).
   */
  readonly export: 'all' | 'containers';
  /** Only cgroups at or below one of these paths (`/docker` keeps `/docker` and `/docker/x`, not `/dockerd`). */
  readonly prefixes: readonly string[];
  /** Only cgroups whose engine labels have every key here (with the value, when one is given). */
  readonly matchLabels: readonly { readonly key: string; readonly value?: string }[];
}

export const EXPORT_EVERYTHING: CgroupFilter = { export: 'all', prefixes: [], matchLabels: [] };

export function underPrefix(path: string, prefix: string): boolean {
  if (prefix === '/' ) return true;
  const p = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return path === p || path.startsWith(`${p}/`);
}

export function isExported(s: Snapshot, filter: CgroupFilter): boolean {
  const { path, identity } = s.sample;
  if (filter.export === 'containers' && path !== '/' && identity.kind !== 'container' && identity.kind !== 'pod') return false;
  if (filter.prefixes.length > 0 && !filter.prefixes.some((prefix) => underPrefix(path, prefix))) return false;
  for (const { key, value } of filter.matchLabels) {
    const actual = identity.labels[key];
    if (actual === undefined || (value !== undefined && actual !== value)) return false;
  }
  return true;
}

export function exportedSnapshots(snapshots: readonly Snapshot[], filter: CgroupFilter): readonly Snapshot[] {
  if (filter.export === 'all' && filter.prefixes.length === 0 && filter.matchLabels.length === 0) return snapshots;
  return snapshots.filter((s) => isExported(s, filter));
}
