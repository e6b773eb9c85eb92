// Which namespaces a cgroup's processes live in, and which of them are the host's: read on the
// slow (discovery) cadence from /proc/<pid>/ns/* of the first process in cgroup.procs. A
// container shares nothing with the host by default; `--network host`, `--pid host`, runc's
// default cgroup/user/time namespaces and every systemd service show up here as shared.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerNamespaces, NamespaceKind } from '../model/sample.js';
import { namespaceInode } from './netns.js';

export const NAMESPACE_KINDS: readonly NamespaceKind[] = Object.freeze(['cgroup', 'ipc', 'mnt', 'net', 'pid', 'pid_for_children', 'time', 'user', 'uts']);

export type NamespaceInodes = Readonly<Partial<Record<NamespaceKind, number>>>;

/** Pids tried before giving up: the first may exit between reading cgroup.procs and /proc. */
const PIDS_TRIED = 4;

/**
 * The host's namespaces: pid 1's where we may see them (true on the host, and in a container
 * given the host's pid namespace and /proc), else our own, kind by kind.
 */
export function hostNamespaceInodes(procRoot: string): NamespaceInodes {
  const inodes: Partial<Record<NamespaceKind, number>> = {};
  for (const kind of NAMESPACE_KINDS) {
    const ino = namespaceInode(procRoot, 1, kind) ?? namespaceInode(procRoot, 'self', kind);
    if (ino !== undefined) inodes[kind] = ino;
  }
  return inodes;
}

/** Namespaces of one process; undefined when it is gone (or none of its links could be read). */
export function processNamespaceInodes(procRoot: string, pid: number): NamespaceInodes | undefined {
  const inodes: Partial<Record<NamespaceKind, number>> = {};
  let any = false;
  for (const kind of NAMESPACE_KINDS) {
    const ino = namespaceInode(procRoot, pid, kind);
    if (ino === undefined) continue;
    inodes[kind] = ino;
    any = true;
  }
  return any ? inodes : undefined;
}

/**
 * Namespaces of a cgroup, from the first of its processes still alive. Undefined when the
 * cgroup has no process of its own (a pod-level or parent cgroup) or is gone.
 */
export function cgroupNamespaces(procsFile: string, procRoot: string, host: NamespaceInodes): ContainerNamespaces | undefined {
  return namespacesOfPids(readPids(procsFile), procRoot, host);
}

/** cgroupNamespaces for a cgroup.procs already read (`pids` in its order). */
export function namespacesOfPids(pids: readonly number[], procRoot: string, host: NamespaceInodes): ContainerNamespaces | undefined {
  for (const pid of pids.slice(0, PIDS_TRIED)) {
    const inodes = processNamespaceInodes(procRoot, pid);
    if (inodes === undefined) continue;
    const sharedWithHost = NAMESPACE_KINDS.filter((k) => inodes[k] !== undefined && inodes[k] === host[k]);
    return { pid, inodes, sharedWithHost, pidCount: pids.length };
  }
  return undefined;
}

/** Pids of a cgroup.procs file, in the kernel's order; empty when empty or gone. */
export function readPids(procsFile: string): number[] {
  let text: string;
  try {
    text = readFileSync(procsFile, 'latin1');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const line of text.split('\n')) {
    const pid = Number(line);
    if (line !== '' && Number.isInteger(pid) && pid > 0) pids.push(pid);
  }
  return pids;
}

/**
 * First pid in a cgroup's descendants, breadth first (containers, then crun's `container`
 * subgroup), for a Kubernetes pod cgroup that holds no process itself: its containers share the
 * pod's net namespace, so any of their pids stands for the pod's network.
 */
export function firstPidBelow(cgroupDir: string, maxDepth = 2): number | undefined {
  let level = [cgroupDir];
  for (let depth = 0; depth < maxDepth && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      let names: string[];
      try {
        names = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
      } catch {
        continue; // removed meanwhile
      }
      for (const name of names) {
        const child = join(dir, name);
        const pid = readPids(join(child, 'cgroup.procs'))[0];
        if (pid !== undefined) return pid;
        next.push(child);
      }
    }
    level = next;
  }
  return undefined;
}
