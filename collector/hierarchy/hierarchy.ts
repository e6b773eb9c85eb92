// Finds the host's cgroup layout: v1, v2 (unified) or hybrid, where each controller lives, and
// how to reach /sys and /proc when cgmeter runs in a container with the host's mounted (--host-root).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMountinfo, type CgroupMount } from './mountinfo.js';

export type HierarchyMode = 'v1' | 'v2' | 'hybrid';

/** The v1 controllers cgmeter reads or writes. */
export const V1_CONTROLLERS = ['cpu', 'cpuacct', 'cpuset', 'memory', 'blkio', 'pids', 'freezer'] as const;
export type V1Controller = (typeof V1_CONTROLLERS)[number];

export interface Hierarchy {
  readonly mode: HierarchyMode;
  /** `/` normally; the directory holding the host's /sys and /proc with --host-root. */
  readonly hostRoot: string;
  /** `/proc` of the host (under hostRoot). */
  readonly procRoot: string;
  /** v1 controller → absolute directory of its hierarchy's root (co-mounted controllers share one). */
  readonly v1: ReadonlyMap<V1Controller, string>;
  /** The cgroup2 mount (the whole tree on v2; PSI and cpu.stat only on hybrid hosts). */
  readonly unified?: string;
  /** Controllers available in the cgroup2 root (`cgroup.controllers`). */
  readonly unifiedControllers: ReadonlySet<string>;
  readonly mounts: readonly CgroupMount[];
}

export interface HierarchyOptions {
  /** Host root (default `/`). */
  readonly hostRoot?: string;
  /** mountinfo text to use instead of reading it (tests). */
  readonly mountinfoText?: string;
}

export class HierarchyError extends Error {
  override readonly name = 'HierarchyError';
}

function prefixed(hostRoot: string, path: string): string {
  return hostRoot === '/' ? path : join(hostRoot, path);
}

/**
 * Which mountinfo describes the host: our own normally; with a host root, the host's init
 * (`proc/1/mountinfo`, host pid namespace) or, failing that, `proc/self/mountinfo` there.
 */
function readMountinfo(hostRoot: string): string {
  const candidates = hostRoot === '/'
    ? ['/proc/self/mountinfo']
    : [join(hostRoot, 'proc/1/mountinfo'), join(hostRoot, 'proc/self/mountinfo')];
  for (const path of candidates) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      // try the next one
    }
  }
  throw new HierarchyError(`cannot read mountinfo (tried ${candidates.join(', ')}); is --host-root right?`);
}

export function detectHierarchy(options: HierarchyOptions = {}): Hierarchy {
  const hostRoot = options.hostRoot ?? '/';
  if (hostRoot !== '/' && !existsSync(hostRoot)) {
    throw new HierarchyError(`--host-root ${hostRoot} does not exist`);
  }
  const mounts = parseMountinfo(options.mountinfoText ?? readMountinfo(hostRoot));
  const v1 = new Map<V1Controller, string>();
  let unified: string | undefined;
  for (const mount of mounts) {
    const dir = prefixed(hostRoot, mount.mountPoint);
    if (mount.version === 2) {
      // The first cgroup2 mount wins; later ones are bind mounts of the same tree.
      unified ??= dir;
      continue;
    }
    for (const controller of mount.controllers) {
      if ((V1_CONTROLLERS as readonly string[]).includes(controller) && !v1.has(controller as V1Controller)) {
        v1.set(controller as V1Controller, dir);
      }
    }
  }
  if (v1.size === 0 && unified === undefined) {
    throw new HierarchyError('no cgroup filesystem is mounted (mountinfo lists no cgroup or cgroup2 mount)');
  }
  const unifiedControllers = new Set<string>();
  if (unified !== undefined) {
    try {
      for (const c of readFileSync(join(unified, 'cgroup.controllers'), 'utf8').trim().split(/\s+/)) if (c) unifiedControllers.add(c);
    } catch {
      // a missing cgroup.controllers is an old kernel or a fixture without it: no controllers
    }
  }
  const mode: HierarchyMode = v1.size === 0 ? 'v2' : unified !== undefined ? 'hybrid' : 'v1';
  return { mode, hostRoot, procRoot: prefixed(hostRoot, '/proc'), v1, unified, unifiedControllers, mounts };
}

/** The directories a cgroup path occupies: one per v1 controller where it exists, and unified. */
export function cgroupDir(base: string, cgroupPath: string): string {
  return cgroupPath === '/' ? base : join(base, cgroupPath);
}

export function describeHierarchy(h: Hierarchy): string {
  if (h.mode === 'v2') return `cgroup v2 at ${h.unified} (controllers: ${[...h.unifiedControllers].join(' ') || 'none'})`;
  const v1 = [...h.v1.entries()].map(([c, d]) => `${c}=${d}`).join(' ');
  return h.mode === 'hybrid' ? `hybrid: v1 ${v1}; cgroup2 at ${h.unified}` : `cgroup v1: ${v1}`;
}
