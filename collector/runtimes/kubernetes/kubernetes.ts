// Kubernetes pods and their containers, from kubelet's cgroup layout (see kubepods.ts). A
// container's runtime is the engine its cgroup name shows (cri-containerd- → containerd, crio- →
// cri-o, docker- → docker, as cAdvisor's kubelet view reports them); a bare 64-hex name (every
// engine under the cgroupfs driver except CRI-O) shows none, so it is 'kubernetes' until CRI
// metadata names the engine. Pause (sandbox) containers look like any other container here.

import type { ContainerIdentity, RuntimeModule } from '../../model/identity.js';
import { claimableSegments, parseCgroupPath } from '../cgroup-path.js';
import { isContainerId, shortId } from '../container-id.js';
import { containerdLeaf } from '../containerd/containerd.js';
import { crioLeaf } from '../crio/crio.js';
import { dockerLeaf } from '../docker/docker.js';
import { engineIdentity, findEngineLeaf, type EngineLeaf } from '../engine-leaf.js';
import { NO_LABELS, pathIdentity } from '../identity-builders.js';
import { parseKubepods } from './kubepods.js';

function kubeLeaf(segment: string): EngineLeaf | undefined {
  const named = containerdLeaf(segment) ?? crioLeaf(segment) ?? dockerLeaf(segment);
  if (named !== undefined) return named;
  return isContainerId(segment)
    ? { runtime: 'kubernetes', id: segment, name: shortId(segment), kind: 'container' }
    : undefined;
}

export const kubernetesModule: RuntimeModule = {
  name: 'kubernetes',
  identify(cgroupPath): ContainerIdentity | undefined {
    const segments = claimableSegments(cgroupPath);
    if (segments === undefined) return undefined;
    const parsed = parseKubepods(segments);
    if (parsed === undefined) return undefined;
    switch (parsed.level) {
      case 'kubepods':
        return pathIdentity('kubernetes', parseCgroupPath(cgroupPath).path);
      case 'qos':
        return pathIdentity('kubernetes', parseCgroupPath(cgroupPath).path, parsed.qos);
      case 'pod': {
        const { podUid, qos, below } = parsed;
        if (below.length === 0) {
          // The pod cgroup is an entity of its own: it holds every container's usage plus
          // pod overhead, and is what a pod's limits are set on.
          return { runtime: 'kubernetes', id: podUid, name: podUid, labels: NO_LABELS, podUid, qos, kind: 'pod' };
        }
        const found = findEngineLeaf(below, kubeLeaf);
        // Deeper paths (a container's own sub-cgroups, docker-in-docker) are not this pod's
        // container; other modules or raw take them.
        if (found === undefined || found.segmentsUsed !== below.length) return undefined;
        return engineIdentity(found.leaf, { podUid, qos });
      }
    }
  },
};
