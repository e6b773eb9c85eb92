// Podman: `libpod-<id>.scope` (systemd driver, rootful under machine.slice or rootless under
// user@<uid>.service; with crun also `…/libpod-<id>.scope/container`), `libpod_parent/…/libpod-<id>`
// (cgroupfs driver) and conmon, the per-container monitor: `libpod-conmon-<id>.scope`, or one
// shared `libpod_parent/…/conmon` under cgroupfs.

import type { RuntimeModule } from '../../model/identity.js';
import { claimableSegments } from '../cgroup-path.js';
import { idInName, shortId } from '../container-id.js';
import { engineIdentity, findEngineLeaf, type EngineLeaf } from '../engine-leaf.js';
import { NO_LABELS } from '../identity-builders.js';

const CGROUPFS_PARENT = 'libpod_parent';
const CGROUPFS_CONMON = 'conmon';

export function podmanLeaf(segment: string): EngineLeaf | undefined {
  const conmon = idInName(segment, 'libpod-conmon-', '.scope');
  if (conmon !== undefined) {
    return { runtime: 'podman', id: conmon, name: `conmon-${shortId(conmon)}`, kind: 'helper' };
  }
  const id = idInName(segment, 'libpod-', '.scope');
  return id === undefined ? undefined : { runtime: 'podman', id, name: shortId(id), kind: 'container' };
}

export const podmanModule: RuntimeModule = {
  name: 'podman',
  identify(cgroupPath) {
    const segments = claimableSegments(cgroupPath);
    if (segments === undefined) return undefined;
    const found = findEngineLeaf(segments, podmanLeaf);
    if (found !== undefined) return engineIdentity(found.leaf);
    // cgroupfs names carry no `.scope`, so they are only podman's below its fixed parent.
    if (!segments.slice(0, -1).includes(CGROUPFS_PARENT)) return undefined;
    const last = segments[segments.length - 1]!;
    if (last === CGROUPFS_CONMON) {
      // One conmon cgroup serves every container under this parent: it has no container id,
      // so its path is its id, as for raw cgroups.
      const path = `/${segments.join('/')}`;
      return { runtime: 'podman', id: path, name: CGROUPFS_CONMON, labels: NO_LABELS, kind: 'helper' };
    }
    const id = idInName(last, 'libpod-', '');
    return id === undefined ? undefined : engineIdentity({ runtime: 'podman', id, name: shortId(id), kind: 'container' });
  },
};
