// Pure parsers of the /proc files the machine-wide series come from: meminfo, diskstats,
// mountinfo (block-device mounts and a container's overlay upper directory), cpuinfo.

import type { DiskIoCounters } from '../model/sample.js';

/** /proc/meminfo as bytes by key (`MemTotal`, `SwapFree`, …); values given in kB are scaled. */
export function parseMeminfo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_()]+):\s+(\d+)(\s+kB)?/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]) * (m[3] ? 1024 : 1));
  }
  return out;
}

/** /proc/diskstats by `MAJ:MIN`; times (ms in the file) in seconds. Lines too short are skipped. */
export function parseDiskstats(text: string): Map<string, DiskIoCounters> {
  const out = new Map<string, DiskIoCounters>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14) continue;
    const n = f.map(Number);
    out.set(`${f[0]}:${f[1]}`, {
      readsMerged: n[4]!, sectorsRead: n[5]!, readSeconds: n[6]! / 1000,
      writesMerged: n[8]!, sectorsWritten: n[9]!, writeSeconds: n[10]! / 1000,
      ioInProgress: n[11]!, ioSeconds: n[12]! / 1000, weightedIoSeconds: n[13]! / 1000,
    });
  }
  return out;
}

export interface MountEntry {
  readonly majorMinor: string;
  readonly mountPoint: string;
  readonly fsType: string;
  readonly source: string;
  readonly superOptions: string;
}

/** Unescapes mountinfo's octal escapes (`\040` for a space). */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const dash = line.indexOf(' - ');
    if (dash < 0) continue;
    const left = line.slice(0, dash).split(' ');
    const right = line.slice(dash + 3).split(' ');
    if (left.length < 5 || right.length < 3) continue;
    out.push({ majorMinor: left[2]!, mountPoint: unescape(left[4]!), fsType: right[0]!, source: unescape(right[1]!), superOptions: right[2]! });
  }
  return out;
}

/**
 * Filesystems on block devices, one mount per device (the first, usually the shortest path):
 * what cAdvisor reports on the root cgroup. Major 0 is a virtual filesystem (tmpfs, overlay, proc).
 */
export function blockDeviceMounts(entries: readonly MountEntry[]): MountEntry[] {
  const seen = new Set<string>();
  const out: MountEntry[] = [];
  for (const e of entries) {
    if (e.majorMinor.startsWith('0:') || seen.has(e.majorMinor)) continue;
    seen.add(e.majorMinor);
    out.push(e);
  }
  return out;
}

/** The writable layer of a container: `upperdir=` of the overlay mounted at its `/`. */
export function overlayUpperDir(entries: readonly MountEntry[]): string | undefined {
  const root = entries.find((e) => e.mountPoint === '/' && e.fsType === 'overlay');
  if (!root) return undefined;
  for (const option of root.superOptions.split(',')) {
    if (option.startsWith('upperdir=')) return option.slice('upperdir='.length);
  }
  return undefined;
}

/** Physical cores and sockets from /proc/cpuinfo (distinct physical id / core id pairs). */
export function parseCpuinfoTopology(text: string): { logical: number; physicalCores?: number; sockets?: number } {
  let logical = 0;
  const cores = new Set<string>();
  const sockets = new Set<string>();
  for (const block of text.split(/\n\s*\n/)) {
    if (!/^processor\s*:/m.test(block)) continue;
    logical++;
    const socket = /^physical id\s*:\s*(\d+)/m.exec(block)?.[1];
    const core = /^core id\s*:\s*(\d+)/m.exec(block)?.[1];
    if (socket !== undefined) sockets.add(socket);
    if (socket !== undefined && core !== undefined) cores.add(`${socket}:${core}`);
  }
  return { logical, physicalCores: cores.size || undefined, sockets: sockets.size || undefined };
}
