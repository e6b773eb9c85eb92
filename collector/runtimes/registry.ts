// Tries runtime modules in order and falls back to raw, like cAdvisor's factory list. Order
// matters where forms overlap: kubernetes before the engines (so a container under kubepods gets
// its pod), engines before systemd (`docker-<id>.scope` is also a scope unit), runc after every
// engine (a bare 64-hex name is anyone's), raw last.

import type { ContainerIdentity, RuntimeModule } from '../model/identity.js';
import { containerdModule } from './containerd/index.js';
import { crioModule } from './crio/index.js';
import { dockerModule } from './docker/index.js';
import { kubernetesModule } from './kubernetes/index.js';
import { lxcModule } from './lxc/index.js';
import { podmanModule } from './podman/index.js';
import { identifyRaw, rawModule } from './raw/index.js';
import { runcModule } from './runc/index.js';
import { systemdModule } from './systemd/index.js';

export const defaultRuntimeModules: readonly RuntimeModule[] = Object.freeze([
  kubernetesModule,
  dockerModule,
  containerdModule,
  crioModule,
  podmanModule,
  lxcModule,
  systemdModule,
  runcModule,
  rawModule,
]);

/** Who a cgroup is. Never throws on any string; unknown or malformed paths are raw. */
export function identifyCgroup(
  path: string,
  modules: readonly RuntimeModule[] = defaultRuntimeModules,
): ContainerIdentity {
  for (const module of modules) {
    // raw claims everything, so wherever a caller lists it, it can only be the last resort.
    if (module.name === 'raw') continue;
    const identity = module.identify(path);
    if (identity !== undefined) return identity;
  }
  return identifyRaw(path);
}
