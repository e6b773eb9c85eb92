// The header's host figures: CPU busy (from two readings of /proc/stat), memory (MemTotal and
// MemAvailable from /proc/meminfo) and load (/proc/loadavg), read under --host-root like the
// collector reads /sys. Sources read these; views receive them as data.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CpuTicks {
  /** Logical CPUs (cpuN lines). */
  readonly cpus: number;
  readonly totalTicks: number;
  /** idle + iowait. */
  readonly idleTicks: number;
}

export interface HostStats {
  readonly cpus?: number;
  /** Busy share of all CPUs over the last interval, 0…100; undefined on the first reading. */
  readonly cpuPercent?: number;
  readonly memTotalBytes?: number;
  readonly memAvailableBytes?: number;
  readonly load1?: number;
  readonly load5?: number;
  readonly load15?: number;
}

export function parseProcStat(text: string): CpuTicks | undefined {
  let cpus = 0;
  let total: number | undefined;
  let idle: number | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('cpu ')) {
      const fields = line.trim().split(/\s+/).slice(1).map(Number);
      // guest and guest_nice (fields 9, 10) are already counted in user and nice.
      total = fields.slice(0, 8).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
      idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    } else if (/^cpu\d+ /.test(line)) {
      cpus++;
    }
  }
  return total === undefined || idle === undefined ? undefined : { cpus, totalTicks: total, idleTicks: idle };
}

export function parseMeminfo(text: string): { totalBytes?: number; availableBytes?: number } {
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  return { totalBytes: kb('MemTotal'), availableBytes: kb('MemAvailable') };
}

export function parseLoadavg(text: string): { load1: number; load5: number; load15: number } | undefined {
  const [a, b, c] = text.trim().split(/\s+/).map(Number);
  if (![a, b, c].every((v) => v !== undefined && Number.isFinite(v))) return undefined;
  return { load1: a!, load5: b!, load15: c! };
}

/** Busy percent of all CPUs between two readings; undefined when no time passed or counters went back. */
export function cpuBusyPercent(current: CpuTicks, previous: CpuTicks | undefined): number | undefined {
  if (previous === undefined) return undefined;
  const total = current.totalTicks - previous.totalTicks;
  const idle = current.idleTicks - previous.idleTicks;
  if (!(total > 0) || idle < 0 || idle > total) return undefined;
  return ((total - idle) / total) * 100;
}

/** Reads the three files each call; a missing file leaves its figures undefined. */
export class HostStatsReader {
  private previous?: CpuTicks;
  private readonly procDir: string;

  constructor(hostRoot = '/') {
    this.procDir = join(hostRoot, 'proc');
  }

  read(): HostStats {
    const stat = this.readText('stat');
    const ticks = stat === undefined ? undefined : parseProcStat(stat);
    const cpuPercent = ticks === undefined ? undefined : cpuBusyPercent(ticks, this.previous);
    if (ticks !== undefined) this.previous = ticks;
    const meminfo = this.readText('meminfo');
    const mem = meminfo === undefined ? {} : parseMeminfo(meminfo);
    const loadText = this.readText('loadavg');
    const load = loadText === undefined ? undefined : parseLoadavg(loadText);
    return {
      cpus: ticks?.cpus,
      cpuPercent,
      memTotalBytes: mem.totalBytes,
      memAvailableBytes: mem.availableBytes,
      load1: load?.load1,
      load5: load?.load5,
      load15: load?.load15,
    };
  }

  private readText(name: string): string | undefined {
    try {
      return readFileSync(join(this.procDir, name), 'latin1');
    } catch {
      return undefined; // not on this host (or not mounted under --host-root): the header shows '-'
    }
  }
}
