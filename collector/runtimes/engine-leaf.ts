// The last segment of a container's cgroup names the engine and the container (`docker-<id>.scope`,
// `crio-conmon-<id>.scope`, …). Engines export a matcher for their names so that the kubernetes
// module can reuse them below a pod cgroup.

import type { ContainerIdentity, QosClass, RuntimeName } from '../model/identity.js';
import { claimableSegments } from './cgroup-path.js';
import { NO_LABELS } from './identity-builders.js';

export interface EngineLeaf {
  readonly runtime: RuntimeName;
  /** The engine's container id; for a helper, the id of the container it serves. */
  readonly id: string;
  readonly name: string;
  readonly kind: 'container' | 'helper';
}

export type LeafMatcher = (segment: string) => EngineLeaf | undefined;

/**
 * crun, under the systemd driver on cgroup v2, moves the container into a `container` child of the
 * scope it made (its `run.oci.systemd.subgroup` default). That child is the same container.
 */
export const CRUN_SUBGROUP = 'container';

export interface FoundLeaf {
  readonly leaf: EngineLeaf;
  /** 1 for `…/<leaf>`, 2 for `…/<leaf>.scope/container`. */
  readonly segmentsUsed: 1 | 2;
}

export function findEngineLeaf(segments: readonly string[], match: LeafMatcher): FoundLeaf | undefined {
  const last = segments[segments.length - 1];
  if (last === undefined) return undefined;
  const direct = match(last);
  if (direct !== undefined) return { leaf: direct, segmentsUsed: 1 };
  const outer = segments[segments.length - 2];
  if (last !== CRUN_SUBGROUP || outer === undefined || !outer.endsWith('.scope')) return undefined;
  const leaf = match(outer);
  // crun makes the subgroup for container processes only: under a helper scope it is no known form.
  return leaf?.kind === 'container' ? { leaf, segmentsUsed: 2 } : undefined;
}

export function engineIdentity(leaf: EngineLeaf, pod?: { podUid: string; qos: QosClass }): ContainerIdentity {
  const identity: ContainerIdentity = {
    runtime: leaf.runtime,
    id: leaf.id,
    name: leaf.name,
    labels: NO_LABELS,
    kind: leaf.kind,
  };
  return pod === undefined ? identity : { ...identity, podUid: pod.podUid, qos: pod.qos };
}

/** `identify` for an engine whose cgroups are recognised by their last segment alone. */
export function identifyByLeaf(cgroupPath: string, match: LeafMatcher): ContainerIdentity | undefined {
  const segments = claimableSegments(cgroupPath);
  if (segments === undefined) return undefined;
  const found = findEngineLeaf(segments, match);
  return found === undefined ? undefined : engineIdentity(found.leaf);
}
