// The labels every series of a cgroup carries, cAdvisor's way: `id` (cgroup path), `name`
// (container name, empty for plain cgroups so that `name=~".+"` selects containers), `image`
// (empty when unknown) and `container_label_<key>` for the engine's labels the policy lets through.

import type { Snapshot } from '../../collector/model/derive.js';
import { escapeLabelValue, sanitizeLabelName } from './format.js';

export const CONTAINER_LABEL_PREFIX = 'container_label_';

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
export function baseLabelText(s: Snapshot, policy: ContainerLabelPolicy): string {
  const identity = s.sample.identity;
  let text = `id="${escapeLabelValue(s.sample.path)}",name="${escapeLabelValue(nameLabel(s))}",image="${escapeLabelValue(identity.image ?? '')}"`;
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
    text += `,${name}="${escapeLabelValue(identity.labels[key]!)}"`;
  }
  return text;
}
