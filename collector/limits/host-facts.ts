// What the host has that limits are checked against: online CPUs and memory nodes, block devices.
// Read once per plan from sysfs/procfs under the host root.

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { expandList } from './values.js';
import { listBlockDevices } from './devices.js';

export interface HostFacts {
  readonly onlineCpus: readonly number[];
  readonly onlineNodes: readonly number[];
  /** MAJ:MIN → kernel name. */
  readonly blockDevices: ReadonlyMap<string, string | undefined>;
}

function readList(path: string): number[] | undefined {
  try {
    const members = expandList(readFileSync(path, 'latin1'));
    return members.length > 0 ? members : undefined;
  } catch {
    return undefined;
  }
}

export function readHostFacts(hostRoot: string, procRoot: string): HostFacts {
  const cpus = readList(join(hostRoot, 'sys/devices/system/cpu/online'))
    ?? Array.from({ length: availableParallelism() }, (_, i) => i);
  // Kernels without NUMA support have no node directory: node 0 is all the memory there is.
  const nodes = readList(join(hostRoot, 'sys/devices/system/node/online')) ?? [0];
  return { onlineCpus: cpus, onlineNodes: nodes, blockDevices: listBlockDevices(hostRoot, procRoot) };
}
