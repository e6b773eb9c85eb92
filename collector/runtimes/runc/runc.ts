// runc has no path convention of its own: its caller picks cgroupsPath. What is left after every
// engine module declined but still ends in a 64-hex container id (docker or containerd with a
// cgroupfs `--cgroup-parent`, `ctr run` under `/<namespace>/<id>`, plain `runc run`) is claimed
// here as a container whose engine is unknown; engine metadata may rename it later.

import type { RuntimeModule } from '../../model/identity.js';
import { claimableSegments } from '../cgroup-path.js';
import { isContainerId, shortId } from '../container-id.js';
import { engineIdentity } from '../engine-leaf.js';

export const runcModule: RuntimeModule = {
  name: 'runc',
  identify(cgroupPath) {
    const segments = claimableSegments(cgroupPath);
    if (segments === undefined) return undefined;
    const id = segments[segments.length - 1]!;
    if (!isContainerId(id)) return undefined;
    return engineIdentity({ runtime: 'runc', id, name: shortId(id), kind: 'container' });
  },
};
