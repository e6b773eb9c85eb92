// containerd containers outside kubepods: `cri-containerd-<id>.scope` (the CRI plugin with a
// systemd cgroup parent of its own) and `nerdctl-<id>.scope` (nerdctl's systemd driver). Under
// kubepods the kubernetes module claims them first, adding pod and QoS. containerd's cgroupfs
// form (`/<namespace>/<id>`, e.g. `/default/<id>` for `ctr run`) has no fixed mark: `runc`.

import type { RuntimeModule } from '../../model/identity.js';
import { idInName, shortId } from '../container-id.js';
import { identifyByLeaf, type EngineLeaf } from '../engine-leaf.js';

const SCOPE_PREFIXES = ['cri-containerd-', 'nerdctl-'] as const;

export function containerdLeaf(segment: string): EngineLeaf | undefined {
  for (const prefix of SCOPE_PREFIXES) {
    const id = idInName(segment, prefix, '.scope');
    if (id !== undefined) return { runtime: 'containerd', id, name: shortId(id), kind: 'container' };
  }
  return undefined;
}

export const containerdModule: RuntimeModule = {
  name: 'containerd',
  identify: (cgroupPath) => identifyByLeaf(cgroupPath, containerdLeaf),
};
