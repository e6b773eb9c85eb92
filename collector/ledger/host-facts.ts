// What the ledger needs to know about the host beyond Samples: its capacity (CPUs, MemTotal) for idle,
// its boot id (after a reboot every stored base is void: the monotonic clock and all counters
// restarted), and, on cgroup v2 where the root cgroup has no memory files, the host's memory in use.
// Read once at start-up from /proc and /sys under --host-root; the ledger itself reads no kernel file.

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

export interface HostMemory {
  /** MemTotal − MemFree: like a cgroup's usage, it counts page cache. */
  readonly usageBytes?: number;
  /** MemTotal − MemAvailable: what the kernel could not reclaim, like a working set. */
  readonly workingSetBytes?: number;
}

export interface HostFacts {
  readonly cpuCount: number;
  readonly memTotalBytes: number;
  readonly bootId?: string;
  /** The host's memory now, for when the root cgroup sample has none (cgroup v2). */
  memoryNow?(): HostMemory | undefined;
}

/** `0-3,8,10-11` → 7. Undefined for an empty or malformed list. */
export function countCpuList(list: string | undefined): number | undefined {
  if (list === undefined || list.trim() === '') return undefined;
  let count = 0;
  for (const part of list.trim().split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return undefined;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) return undefined;
    count += to - from + 1;
  }
  return count;
}

/** Fields of /proc/meminfo in bytes (`MemTotal:  24684084 kB`). */
export function parseMeminfo(text: string): Map<string, number> {
  const fields = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\w+(?:\(\w+\))?):\s+(\d+)(?:\s+kB)?$/.exec(line.trim());
    if (m) fields.set(m[1]!, Number(m[2]) * (line.trim().endsWith('kB') ? 1024 : 1));
  }
  return fields;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

export function readHostFacts(hostRoot: string): HostFacts {
  const proc = join(hostRoot, 'proc');
  const meminfoPath = join(proc, 'meminfo');
  const meminfo = parseMeminfo(readText(meminfoPath) ?? '');
  const memTotalBytes = meminfo.get('MemTotal');
  if (memTotalBytes === undefined) throw new Error(`no MemTotal in ${meminfoPath}: the ledger needs the host's memory size for idle capacity`);
  const cpuCount = countCpuList(readText(join(hostRoot, 'sys/devices/system/cpu/online'))) ?? availableParallelism();
  return {
    cpuCount,
    memTotalBytes,
    bootId: readText(join(proc, 'sys/kernel/random/boot_id'))?.trim() || undefined,
    memoryNow() {
      const now = parseMeminfo(readText(meminfoPath) ?? '');
      const total = now.get('MemTotal');
      const free = now.get('MemFree');
      const available = now.get('MemAvailable');
      if (total === undefined) return undefined;
      return {
        usageBytes: free === undefined ? undefined : total - free,
        workingSetBytes: available === undefined ? undefined : total - available,
      };
    },
  };
}
