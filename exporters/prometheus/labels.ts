// The labels every series of a cgroup carries, cAdvisor's way: `id` (cgroup path), `name`
// (container name, empty for plain cgroups so that `name=~".+"` selects containers), `image`
// (empty when unknown) and `container_label_<key>` for the engine's labels the policy lets through;
// `container_env_<key>` for allowlisted environment variables, and the kubelet's pod/namespace/
// container labels (plus the pre-1.16 pod_name/container_name) in kubelet mode.

import type { Snapshot } from '../../collector/model/derive.js';
import { escapeLabelValue, sanitizeLabelName } from './format.js';
import { boundLabelValue } from '../label-bound.js';

export const CONTAINER_LABEL_PREFIX = 'container_label_';
export const CONTAINER_ENV_PREFIX = 'container_env_';

/** Label choices settled once per scrape, besides the engine-label policy. */
export interface LabelExtras {
  /** Add pod, namespace, container (and pod_name, container_name) as the kubelet's cAdvisor does. */
  readonly kubelet: boolean;
  /** Environment keys exported as container_env_<key> (cAdvisor's --env_metadata_whitelist). */
  readonly envKeys: ReadonlySet<string>;
}

export const NO_LABEL_EXTRAS: LabelExtras = { kubelet: false, envKeys: new Set() };

/**
 * The kubelet's labels for one cgroup: its pod and namespace, and `container` from the CRI label,
 * `POD` for the sandbox (the dockershim name alerts still exclude with container!="POD"), empty for
 * the pod-level cgroup and for anything that is not in a pod.
 */
export function kubeletLabels(s: Snapshot): { pod: string; namespace: string; container: string } {
  const identity = s.sample.identity;
  const pod = identity.pod ?? '';
  const namespace = identity.namespace ?? '';
  let container = '';
  if (identity.kind === 'container' && (pod !== '' || identity.podUid !== undefined)) {
    container = identity.sandbox ? 'POD' : identity.containerName ?? '';
  }
  return { pod, namespace, container };
}

/** Kubernetes is "detected" when any cgroup is a pod or belongs to one (kubepods paths, CRI labels). */
export function kubernetesDetected(snapshots: readonly Snapshot[]): boolean {
  return snapshots.some((s) => s.sample.identity.podUid !== undefined || s.sample.identity.kind === 'pod');
}

/** Which engine labels become `container_label_*` labels: all (cAdvisor's default), none, or listed keys. */
export type ContainerLabelPolicy =
  | { readonly mode: 'all' }
  | { readonly mode: 'none' }
  | { readonly mode: 'allowlist'; readonly keys: ReadonlySet<string> };

function allowed(policy: ContainerLabelPolicy, key: string): boolean {
  if (policy.mode === 'all') return true;
  if (policy.mode === 'none') return false;
  // Users write keys as the engine shows them (com.docker.compose.service) or as exported.
  return policy.keys.has(key) || policy.keys.has(sanitizeLabelName(key));
}

/** The `name` label: only runtimes that know a container's name give one (cAdvisor: its first alias). */
export function nameLabel(s: Snapshot): string {
  const identity = s.sample.identity;
  return identity.kind === 'container' ? identity.name : '';
}

/**
 * `id="…",name="…",image="…"[,container_label_…="…"]`, escaped, ready to sit inside `{…}`.
 * Engine labels come sorted; two keys that sanitize to one name keep the first (sorted) value.
 */
export function baseLabelText(s: Snapshot, policy: ContainerLabelPolicy, extras: LabelExtras = NO_LABEL_EXTRAS): string {
  const identity = s.sample.identity;
  let text = `id="${escapeLabelValue(s.sample.path)}",name="${escapeLabelValue(boundLabelValue(nameLabel(s)))}",image="${escapeLabelValue(boundLabelValue(identity.image ?? ''))}"`;
  if (extras.kubelet) {
    // Empty values are left out (Prometheus reads an empty label as absent): `container!=""` still works.
    const { pod, namespace, container } = kubeletLabels(s);
    if (pod !== '') text += `,pod="${escapeLabelValue(pod)}",pod_name="${escapeLabelValue(pod)}"`;
    if (namespace !== '') text += `,namespace="${escapeLabelValue(namespace)}"`;
    if (container !== '') text += `,container="${escapeLabelValue(container)}",container_name="${escapeLabelValue(container)}"`;
  }
  if (extras.envKeys.size > 0 && identity.env) {
    // cAdvisor matches the allowlist by prefix and lowercases the name: APP_ENV → container_env_app_env.
    for (const key of Object.keys(identity.env).sort()) {
      if (![...extras.envKeys].some((allowed) => key.startsWith(allowed))) continue;
      text += `,${CONTAINER_ENV_PREFIX}${sanitizeLabelName(key.toLowerCase())}="${escapeLabelValue(boundLabelValue(identity.env[key]!))}"`;
    }
  }
  if (policy.mode === 'none') return text;
  const keys = Object.keys(identity.labels);
  if (keys.length === 0) return text;
  keys.sort();
  const seen = new Set<string>();
  for (const key of keys) {
    if (!allowed(policy, key)) continue;
    const name = CONTAINER_LABEL_PREFIX + sanitizeLabelName(key);
    if (seen.has(name)) continue;
    seen.add(name);
    text += `,${name}="${escapeLabelValue(boundLabelValue(identity.labels[key]!))}"`;
  }
  return text;
}
