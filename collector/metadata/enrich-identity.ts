// Layers an engine's answer over a path-derived identity. Pure: the path says where the cgroup
// is (id, kind, pod uid, QoS); the engine says who it is (name, image, labels, limits).

import type { ContainerIdentity, RuntimeName } from '../model/identity.js';
import { shortId } from '../runtimes/container-id.js';
import type { EngineContainer } from './engine-container.js';

export type EngineName = 'docker' | 'podman';

/**
 * Runtimes whose cgroups an engine may own. `runc` (a bare id under some cgroupfs parent) and
 * `kubernetes` (a bare id under a kubepods pod, cgroupfs driver) name no engine: whichever
 * engine knows the id is the runtime.
 */
export const ENGINES_FOR_RUNTIME: Readonly<Partial<Record<RuntimeName, readonly EngineName[]>>> = {
  docker: ['docker'],
  podman: ['podman'],
  runc: ['docker', 'podman'],
  kubernetes: ['docker'],
};

export function withEngineMetadata(identity: ContainerIdentity, c: EngineContainer, engine: EngineName): ContainerIdentity {
  const name = identity.kind === 'helper'
    // A helper (conmon) keeps its own role in the name: `conmon-<short>` becomes `conmon-<name>`.
    ? identity.name.replace(shortId(identity.id), c.name || shortId(identity.id))
    : c.name || identity.name;
  const out: { -readonly [K in keyof ContainerIdentity]: ContainerIdentity[K] } = {
    ...identity,
    runtime: identity.runtime === 'runc' || identity.runtime === 'kubernetes' ? engine : identity.runtime,
    name,
    labels: c.labels,
  };
  if (c.image !== undefined) out.image = c.image;
  if (c.imageId !== undefined) out.imageId = c.imageId;
  if (c.startedAtMs !== undefined) out.startedAtMs = c.startedAtMs;
  if (c.restartCount !== undefined) out.restartCount = c.restartCount;
  if (c.configuredLimits !== undefined) out.configuredLimits = c.configuredLimits;
  if (c.pod !== undefined) out.pod = c.pod;
  if (c.namespace !== undefined) out.namespace = c.namespace;
  if (c.containerName !== undefined) out.containerName = c.containerName;
  // The path's pod uid wins: it is what the kernel groups by.
  if (identity.podUid === undefined && c.podUid !== undefined) out.podUid = c.podUid;
  if (c.sandbox) out.sandbox = true;
  if (c.env !== undefined) out.env = c.env;
  return out;
}

/** A pod-level cgroup named after what its containers' CRI labels say. */
export function withPodNames(identity: ContainerIdentity, pod: { pod: string; namespace?: string }): ContainerIdentity {
  return {
    ...identity,
    name: pod.pod,
    pod: pod.pod,
    ...(pod.namespace !== undefined ? { namespace: pod.namespace } : {}),
  };
}
