// Test support: which cgroup layout the running kernel has, read from /proc/self/mountinfo.
// Deliberately small; the product's own parser lives in collector/hierarchy.
import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';

export type HostCgroupMode = 'v1' | 'hybrid' | 'v2';

export interface HostCgroups {
  mode: HostCgroupMode;
  /** e.g. 'hybrid v1 (kernel 6.18.44)' or 'pure v2 (kernel 6.1.0-28-amd64)'; for test titles. */
  label: string;
  /** Controller (v1 names: cpu, cpuacct, blkio…; v2 names: cpu, io…) → mount directory of its hierarchy. */
  mounts: Record<string, string>;
  /** The cgroup2 mount: all of /sys/fs/cgroup on v2, /sys/fs/cgroup/unified on hybrid, absent on v1. */
  unified?: string;
}

// v1 super options also carry flags (xattr, noprefix, clone_children, name=…): keep only controllers.
const V1_CONTROLLERS = new Set(['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'net_cls',
  'net_prio', 'blkio', 'perf_event', 'hugetlb', 'pids', 'rdma', 'misc', 'debug']);

/** Undoes mountinfo's octal escapes (`\040` for a space, …). */
function unescapeMountPath(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

export function parseHostCgroups(mountinfo: string, kernelRelease: string,
  readControllers: (mountDir: string) => string): HostCgroups {
  const mounts: Record<string, string> = {};
  let unified: string | undefined;
  let v1Controllers = 0;
  for (const line of mountinfo.split('\n')) {
    const [pre, post] = line.split(' - ');
    if (post === undefined) continue;
    const mountDir = unescapeMountPath(pre.split(' ')[4]);
    const [fsType, , superOptions = ''] = post.split(' ');
    if (fsType === 'cgroup2') {
      unified ??= mountDir;
    } else if (fsType === 'cgroup') {
      for (const option of superOptions.split(',')) {
        if (!V1_CONTROLLERS.has(option) || option in mounts) continue;
        mounts[option] = mountDir;
        v1Controllers++;
      }
    }
  }
  if (unified !== undefined) {
    for (const controller of readControllers(unified).split(/\s+/).filter(Boolean)) {
      mounts[controller] ??= unified;
    }
  }
  if (v1Controllers === 0 && unified === undefined) {
    throw new Error('no cgroup hierarchy is mounted (no cgroup or cgroup2 line in /proc/self/mountinfo)');
  }
  const mode: HostCgroupMode = v1Controllers === 0 ? 'v2' : unified === undefined ? 'v1' : 'hybrid';
  const name = mode === 'v2' ? 'pure v2' : mode === 'hybrid' ? 'hybrid v1' : 'pure v1';
  return { mode, label: `${name} (kernel ${kernelRelease})`, mounts, unified };
}

let cached: HostCgroups | undefined;

/** The running host's cgroup layout (read once per process). */
export function detectHostCgroups(): HostCgroups {
  cached ??= parseHostCgroups(readFileSync('/proc/self/mountinfo', 'utf8'), release(), (dir) => {
    const file = `${dir}/cgroup.controllers`;
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  });
  return cached;
}
