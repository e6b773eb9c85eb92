// Net namespace identity: which namespace a process is in, and which one is the host's, so
// that a container sharing the host's network (`--network host`) is never billed for the host.

import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Inode of /proc/<pid>/ns/<kind>, or undefined when the process is gone or not ours to see. */
export function namespaceInode(procRoot: string, pid: number | 'self', kind = 'net'): number | undefined {
  try {
    return statSync(join(procRoot, String(pid), 'ns', kind)).ino;
  } catch {
    return undefined;
  }
}

/**
 * The host's net namespace: pid 1's when we may see it; else our own (true when cgmeter runs
 * on the host; in a container it must be given the host's pid namespace and /proc).
 */
export function hostNetnsInode(procRoot: string): number | undefined {
  return namespaceInode(procRoot, 1) ?? namespaceInode(procRoot, 'self');
}

/** First pid listed in a cgroup.procs file, or undefined when empty or gone. */
export function firstPid(procsFile: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(procsFile, 'latin1');
  } catch {
    return undefined;
  }
  const end = text.indexOf('\n');
  const pid = Number(end < 0 ? text : text.slice(0, end));
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}
