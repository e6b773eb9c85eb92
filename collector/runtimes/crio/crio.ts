// CRI-O names its cgroups `crio-<id>` and its per-container monitor `crio-conmon-<id>`, with
// `.scope` under the systemd driver and without under cgroupfs. Under kubepods the kubernetes
// module claims them first; this module covers conmon in `system.slice` (`conmon_cgroup`) and
// CRI-O with a cgroup parent of its own.

import type { RuntimeModule } from '../../model/identity.js';
import { idInName, shortId } from '../container-id.js';
import { identifyByLeaf, type EngineLeaf } from '../engine-leaf.js';

export function crioLeaf(segment: string): EngineLeaf | undefined {
  // Whatever the suffix, `crio-conmon-<id>` can never parse as `crio-<id>` (`conmon-` is not hex),
  // so the order of these two checks only matters for readability.
  const conmon = idInName(segment, 'crio-conmon-', '.scope') ?? idInName(segment, 'crio-conmon-', '');
  if (conmon !== undefined) {
    return { runtime: 'cri-o', id: conmon, name: `conmon-${shortId(conmon)}`, kind: 'helper' };
  }
  const id = idInName(segment, 'crio-', '.scope') ?? idInName(segment, 'crio-', '');
  return id === undefined ? undefined : { runtime: 'cri-o', id, name: shortId(id), kind: 'container' };
}

export const crioModule: RuntimeModule = {
  name: 'cri-o',
  identify: (cgroupPath) => identifyByLeaf(cgroupPath, crioLeaf),
};
