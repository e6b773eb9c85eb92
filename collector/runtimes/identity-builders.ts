// Small constructors shared by the runtime modules, so every identity has the same shape:
// absent fields are omitted (not `undefined`) and labels are a shared frozen empty record
// until an engine's metadata supplies real ones.

import type { ContainerIdentity, QosClass, RuntimeName } from '../model/identity.js';

export const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

/** A cgroup known only by its path (raw, or kubelet's own kubepods/QoS levels). */
export function pathIdentity(runtime: RuntimeName, path: string, qos?: QosClass): ContainerIdentity {
  const identity: ContainerIdentity = { runtime, id: path, name: path, labels: NO_LABELS, kind: 'cgroup' };
  return qos === undefined ? identity : { ...identity, qos };
}
