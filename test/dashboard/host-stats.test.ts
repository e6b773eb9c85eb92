// The header's host figures from the fixtures' real /proc files, and CPU busy between two readings.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cpuBusyPercent, HostStatsReader, parseLoadavg, parseMeminfo, parseProcStat } from '../../dashboard/sources/host-stats.js';

const fixture = (p: string) => fileURLToPath(new URL(`../fixtures/${p}`, import.meta.url));
const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('parsers on real files', () => {
  it('/proc/stat (v1 host, 2 CPUs): totals without guest time, idle includes iowait', async () => {
    const { readFileSync } = await import('node:fs');
    const ticks = parseProcStat(readFileSync(fixture('cgroup-v1/proc/stat'), 'utf8'))!;
    expect(ticks.cpus).toBe(2);
    expect(ticks.totalTicks).toBe(243361 + 406 + 216084 + 1344491 + 1049 + 0 + 405 + 58);
    expect(ticks.idleTicks).toBe(1344491 + 1049);
    expect(parseMeminfo(readFileSync(fixture('cgroup-v1/proc/meminfo'), 'utf8'))).toEqual({ totalBytes: 24684092 * 1024, availableBytes: 24026832 * 1024 });
    expect(parseLoadavg(readFileSync(fixture('cgroup-v2/proc/loadavg'), 'utf8'))).toEqual({ load1: 2.72, load5: 0.89, load15: 0.31 });
    expect(parseLoadavg('garbage')).toBeUndefined();
    expect(parseProcStat('intr 1 2 3')).toBeUndefined();
  });
  it('busy percent needs two readings and moving counters', () => {
    const a = { cpus: 2, totalTicks: 1000, idleTicks: 800 };
    expect(cpuBusyPercent(a, undefined)).toBeUndefined();
    expect(cpuBusyPercent({ cpus: 2, totalTicks: 1200, idleTicks: 850 }, a)).toBe(75);
    expect(cpuBusyPercent(a, a)).toBeUndefined();
  });
});

describe('HostStatsReader under a host root', () => {
  it('reads the fixture host, then the CPU share between two readings', () => {
    const root = mkdtempSync(join(tmpdir(), 'cgmeter-host-'));
    temps.push(root);
    mkdirSync(join(root, 'proc'));
    for (const f of ['stat', 'meminfo', 'loadavg']) cpSync(fixture(`cgroup-v1/proc/${f}`), join(root, 'proc', f));
    const reader = new HostStatsReader(root);
    const first = reader.read();
    expect(first).toEqual({ cpus: 2, cpuPercent: undefined, memTotalBytes: 24684092 * 1024, memAvailableBytes: 24026832 * 1024, load1: 1.23, load5: 0.9, load15: 0.81 });
    writeFileSync(join(root, 'proc/stat'), 'cpu  243461 406 216084 1344591 1049 0 405 58 1 0\ncpu0 1\ncpu1 1\n');
    expect(reader.read().cpuPercent).toBe(50);
  });
  it('a host root without /proc leaves everything undefined', () => {
    const empty = mkdtempSync(join(tmpdir(), 'cgmeter-host-'));
    temps.push(empty);
    expect(new HostStatsReader(empty).read()).toEqual({});
  });
});
