// Docker containers from the cgroup path alone: `docker-<id>.scope` under any slice (systemd
// driver, incl. `--cgroup-parent=x.slice` and rootless under user@<uid>.service) and
// `…/docker/<id>` (cgroupfs driver, incl. docker-in-docker). `--cgroup-parent` with cgroupfs
// leaves no docker mark in the path: those are `runc` until metadata says otherwise.

import type { RuntimeModule } from '../../model/identity.js';
import { claimableSegments } from '../cgroup-path.js';
import { idInName, isContainerId, shortId } from '../container-id.js';
import { engineIdentity, findEngineLeaf, type EngineLeaf } from '../engine-leaf.js';

/** The cgroupfs driver's fixed parent directory. */
const CGROUPFS_PARENT = 'docker';

export function dockerLeaf(segment: string): EngineLeaf | undefined {
  const id = idInName(segment, 'docker-', '.scope');
  return id === undefined ? undefined : { runtime: 'docker', id, name: shortId(id), kind: 'container' };
}

export const dockerModule: RuntimeModule = {
  name: 'docker',
  identify(cgroupPath) {
    const segments = claimableSegments(cgroupPath);
    if (segments === undefined) return undefined;
    const found = findEngineLeaf(segments, dockerLeaf);
    if (found !== undefined) return engineIdentity(found.leaf);
    const id = segments[segments.length - 1]!;
    if (segments[segments.length - 2] !== CGROUPFS_PARENT || !isContainerId(id)) return undefined;
    return engineIdentity({ runtime: 'docker', id, name: shortId(id), kind: 'container' });
  },
};
