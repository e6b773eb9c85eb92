// Block devices as users name them (`vda`, `/dev/vda`, `254:0`) resolved to the kernel's MAJ:MIN,
// from /sys/dev/block (links named MAJ:MIN → …/block/<name>) and /proc/partitions, both under the
// host root. A device the host does not have is refused: the kernel would take some of them and
// throttle nothing.

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LimitError } from './errors.js';

export interface BlockDevice {
  /** `254:0` */
  readonly devno: string;
  /** `vda`, when the host says. */
  readonly name?: string;
}

/** Every block device of the host: MAJ:MIN → name. */
export function listBlockDevices(hostRoot: string, procRoot: string): Map<string, string | undefined> {
  const devices = new Map<string, string | undefined>();
  try {
    for (const entry of readdirSync(join(hostRoot, 'sys/dev/block'))) {
      if (!/^\d+:\d+$/.test(entry)) continue;
      let name: string | undefined;
      try {
        name = basename(readlinkSync(join(hostRoot, 'sys/dev/block', entry)));
      } catch {
        name = undefined; // not a link (copied trees): /proc/partitions may still name it
      }
      devices.set(entry, name);
    }
  } catch {
    // no sysfs under this root: /proc/partitions alone
  }
  try {
    for (const line of readFileSync(join(procRoot, 'partitions'), 'latin1').split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f.length !== 4 || !/^\d+$/.test(f[0]!) || !/^\d+$/.test(f[1]!)) continue;
      const devno = `${f[0]}:${f[1]}`;
      if (devices.get(devno) === undefined) devices.set(devno, f[3]);
    }
  } catch {
    // no procfs here
  }
  // Copied sysfs trees keep only sys/block/<name>/dev (text MAJ:MIN).
  try {
    for (const name of readdirSync(join(hostRoot, 'sys/block'))) {
      try {
        const devno = readFileSync(join(hostRoot, 'sys/block', name, 'dev'), 'latin1').trim();
        if (/^\d+:\d+$/.test(devno) && devices.get(devno) === undefined) devices.set(devno, name);
      } catch {
        // not a device directory
      }
    }
  } catch {
    // no sys/block
  }
  return devices;
}

/** Resolves a device spec; refuses names and numbers the host does not list. */
export function resolveBlockDevice(spec: string, devices: ReadonlyMap<string, string | undefined>): BlockDevice {
  const text = spec.trim().replace(/^\/dev\//, '');
  const known = () => [...devices.entries()].map(([d, n]) => (n ? `${n} (${d})` : d)).slice(0, 12).join(', ') || 'none';
  if (/^\d+:\d+$/.test(text)) {
    const [major, minor] = text.split(':').map(Number);
    const devno = `${major}:${minor}`; // normalises 0-padded forms such as 254:00
    if (!devices.has(devno)) throw new LimitError('input', `unknown block device ${JSON.stringify(spec)}: the host has no ${devno}; known: ${known()}`);
    return { devno, name: devices.get(devno) };
  }
  if (!/^[A-Za-z0-9._-]+$/.test(text)) throw new LimitError('input', `${JSON.stringify(spec)} is not a device name; use a name such as vda or MAJ:MIN such as 254:0`);
  for (const [devno, name] of devices) if (name === text) return { devno, name };
  throw new LimitError('input', `unknown block device ${JSON.stringify(spec)}; known: ${known()}`);
}
