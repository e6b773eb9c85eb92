// What cAdvisor's machine_* series and cadvisor_version_info say about the host: CPUs, memory,
// swap, and the ids that label them. Read once at start (and on demand); plain data out.

import { readFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { parseCpuinfoTopology, parseMeminfo } from './proc-text.js';

export interface MachineFacts {
  /** Logical CPUs (cAdvisor's NumCores). */
  readonly cpuCores: number;
  readonly physicalCores?: number;
  readonly sockets?: number;
  readonly memoryBytes?: number;
  readonly swapBytes?: number;
  /** Labels cAdvisor puts on every machine_* series; empty when the host does not say. */
  readonly bootId: string;
  readonly machineId: string;
  readonly systemUuid: string;
  readonly kernelVersion: string;
  /** PRETTY_NAME of os-release. */
  readonly osVersion: string;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // absent on this host (no DMI in a VM, no machine-id in a minimal image)
  }
}

/** os-release's PRETTY_NAME, unquoted. */
export function prettyName(osRelease: string | undefined): string {
  const m = osRelease ? /^PRETTY_NAME=("?)(.*)\1$/m.exec(osRelease) : null;
  return m ? m[2]! : '';
}

/** `hostRoot` holds the host's /proc, /sys and /etc (`/`, or e.g. `/host` inside a container). */
export function readMachineFacts(hostRoot = '/'): MachineFacts {
  const at = (p: string) => join(hostRoot, p);
  const cpu = parseCpuinfoTopology(readText(at('proc/cpuinfo')) ?? '');
  const meminfo = parseMeminfo(readText(at('proc/meminfo')) ?? '');
  const machineId = (readText(at('etc/machine-id')) ?? readText(at('var/lib/dbus/machine-id')) ?? '').trim();
  return {
    cpuCores: cpu.logical,
    physicalCores: cpu.physicalCores,
    sockets: cpu.sockets,
    memoryBytes: meminfo.get('MemTotal'),
    swapBytes: meminfo.get('SwapTotal'),
    bootId: (readText(at('proc/sys/kernel/random/boot_id')) ?? '').trim(),
    machineId,
    systemUuid: (readText(at('sys/class/dmi/id/product_uuid')) ?? '').trim(),
    kernelVersion: (readText(at('proc/sys/kernel/osrelease')) ?? release()).trim(),
    osVersion: prettyName(readText(at('etc/os-release')) ?? readText(at('usr/lib/os-release'))),
  };
}
