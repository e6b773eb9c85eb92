// Which Samples the ledger integrates: the root cgroup (host totals), every container once, and the
// network of pods (whose containers share the pod's net namespace, owned by the pod cgroup).

import type { Snapshot } from '../model/derive.js';
import type { CgroupSample } from '../model/sample.js';

export const ROOT = '/';

/**
 * The root and every container, one path per container identity: when an engine nests the
 * container's processes in a child of its scope (crun's `container` subgroup) both name the same
 * container, and the deeper path is the one whose counters are the container's alone.
 */
export function billable(snapshots: readonly Snapshot[]): CgroupSample[] {
  const byIdentity = new Map<string, CgroupSample>();
  const out: CgroupSample[] = [];
  for (const { sample } of snapshots) {
    if (sample.path === ROOT) out.push(sample);
    // A pod's containers share its net namespace and the pod cgroup owns the counters: its traffic
    // is billed on the pod (network only; its CPU and memory are its containers').
    else if (sample.identity.kind === 'pod' && sample.network !== undefined) out.push(sample);
    else if (sample.identity.kind === 'container') {
      const key = `${sample.identity.runtime}\u0000${sample.identity.id}`;
      const other = byIdentity.get(key);
      if (!other || other.path.length < sample.path.length) byIdentity.set(key, sample);
    }
  }
  return out.concat([...byIdentity.values()]);
}
