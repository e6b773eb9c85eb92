// Filesystem usage as cAdvisor reports it: for the root cgroup every mounted block device
// (statfs), for a container its writable layer (overlay upper directory, walked by layer-walk.ts)
// on the filesystem that holds it.

import { readFileSync, statfsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FilesystemUsage } from '../model/sample.js';
import { blockDeviceMounts, overlayUpperDir, parseMountinfo } from '../machine/proc-text.js';

export type DeviceNamer = (major: number, minor: number) => string | undefined;

export function deviceLabelOf(majorMinor: string, namer: DeviceNamer): string {
  const [major, minor] = majorMinor.split(':').map(Number);
  const name = namer(major!, minor!);
  return name !== undefined ? `/dev/${name}` : majorMinor;
}

/** MAJ:MIN of a Linux dev_t as Node gives it (glibc's gnu_dev_major/minor for values below 2^32). */
export function majorMinorOf(dev: number): string {
  const major = (dev >>> 8) & 0xfff;
  const minor = (dev & 0xff) | ((dev >>> 12) & 0xfff00);
  return `${major}:${minor}`;
}

interface Capacity {
  readonly usedBytes: number;
  readonly limitBytes: number;
  readonly inodesFree: number;
  readonly inodes: number;
}

function capacity(path: string): Capacity | undefined {
  try {
    const st = statfsSync(path);
    return { usedBytes: (st.blocks - st.bfree) * st.bsize, limitBytes: st.blocks * st.bsize, inodesFree: st.ffree, inodes: st.files };
  } catch {
    return undefined; // unmounted since mountinfo was read, or not reachable from here
  }
}

/**
 * Every block-device filesystem of the host's mount table, one per device. On the host (hostRoot `/`)
 * that is our own mount namespace, whose paths we can statfs (pid 1 may live in another one: an
 * initramfs init that chrooted elsewhere); inside a container (--host-root) it is the host's pid 1's
 * table, whose mount points appear under hostRoot.
 */
export function rootFilesystems(hostRoot: string, procRoot: string, namer: DeviceNamer): Array<FilesystemUsage & { majorMinor: string }> {
  let text: string;
  try {
    text = readFileSync(join(procRoot, hostRoot === '/' ? 'self/mountinfo' : '1/mountinfo'), 'latin1');
  } catch {
    return []; // no procfs view of the mount table: no filesystem series
  }
  const out: Array<FilesystemUsage & { majorMinor: string }> = [];
  for (const mount of blockDeviceMounts(parseMountinfo(text))) {
    const cap = capacity(join(hostRoot, mount.mountPoint));
    if (!cap || cap.limitBytes === 0) continue;
    out.push({
      majorMinor: mount.majorMinor, device: deviceLabelOf(mount.majorMinor, namer),
      usageBytes: cap.usedBytes, limitBytes: cap.limitBytes, inodesFree: cap.inodesFree, inodes: cap.inodes,
    });
  }
  return out;
}

export interface WritableLayer {
  /** Upper directory as seen from here (under hostRoot). */
  readonly dir: string;
  readonly device: string;
  readonly limitBytes: number;
  readonly inodesFree: number;
}

/**
 * The writable layer of the container whose process is `pid`: the upper directory of the overlay
 * mounted at its `/` (docker overlay2, containerd, podman alike), and the filesystem holding it.
 */
export function writableLayer(pid: number, hostRoot: string, procRoot: string, namer: DeviceNamer): WritableLayer | undefined {
  let upper: string | undefined;
  try {
    upper = overlayUpperDir(parseMountinfo(readFileSync(join(procRoot, String(pid), 'mountinfo'), 'latin1')));
  } catch {
    return undefined; // the process exited
  }
  if (upper === undefined) return undefined; // not an overlay root (bind-mounted rootfs, host mount ns)
  const dir = join(hostRoot, upper);
  try {
    const cap = capacity(dir);
    if (!cap) return undefined;
    return { dir, device: deviceLabelOf(majorMinorOf(statSync(dir).dev), namer), limitBytes: cap.limitBytes, inodesFree: cap.inodesFree };
  } catch {
    return undefined;
  }
}
