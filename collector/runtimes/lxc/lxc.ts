// LXC and LXD: `lxc.payload.<name>` (LXC ≥ 4, LXD) with its monitor in `lxc.monitor.<name>`, and
// `…/lxc/<name>` (LXC ≤ 3, old LXD). The container name is the id: LXC has no other.

import type { ContainerIdentity, RuntimeModule } from '../../model/identity.js';
import { claimableSegments } from '../cgroup-path.js';
import { NO_LABELS } from '../identity-builders.js';

const PAYLOAD_PREFIX = 'lxc.payload.';
const MONITOR_PREFIX = 'lxc.monitor.';
const LEGACY_PARENT = 'lxc';

function lxcIdentity(id: string, name: string, kind: 'container' | 'helper'): ContainerIdentity {
  return { runtime: 'lxc', id, name, labels: NO_LABELS, kind };
}

export const lxcModule: RuntimeModule = {
  name: 'lxc',
  identify(cgroupPath) {
    const segments = claimableSegments(cgroupPath);
    if (segments === undefined) return undefined;
    const last = segments[segments.length - 1]!;
    if (last.startsWith(PAYLOAD_PREFIX) && last.length > PAYLOAD_PREFIX.length) {
      const name = last.slice(PAYLOAD_PREFIX.length);
      return lxcIdentity(name, name, 'container');
    }
    if (last.startsWith(MONITOR_PREFIX) && last.length > MONITOR_PREFIX.length) {
      // The helper carries the id of the container it watches; its name keeps the cgroup's
      // so that it is not mistaken for the container on a dashboard.
      return lxcIdentity(last.slice(MONITOR_PREFIX.length), last, 'helper');
    }
    if (segments[segments.length - 2] === LEGACY_PARENT) return lxcIdentity(last, last, 'container');
    return undefined;
  },
};
