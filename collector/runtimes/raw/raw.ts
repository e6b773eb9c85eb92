// The fallback for every cgroup no engine claimed: its normalised path is both id and name,
// as in cAdvisor's raw handler, so that it stays unique and readable.

import type { ContainerIdentity, RuntimeModule } from '../../model/identity.js';
import { parseCgroupPath } from '../cgroup-path.js';
import { pathIdentity } from '../identity-builders.js';

export function identifyRaw(cgroupPath: string): ContainerIdentity {
  return pathIdentity('raw', parseCgroupPath(cgroupPath).path);
}

export const rawModule: RuntimeModule = { name: 'raw', identify: identifyRaw };
