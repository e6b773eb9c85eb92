// Files only some kernels have (test/fixtures/extra/README.md says where each came from), read
// where the collector would meet them: copied into a container's directory of the real v2 tree.
// Fields the collector knows are read exactly; fields it does not know are ignored, never fatal.

import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Collector, ALL_GROUPS } from '../../collector/poller.js';
import { parseText } from '../../native/parse.js';
import { FileFormat, formatSpec } from '../../native/formats.js';
import { IO_STAT_KEYS, MAX_BLOCK_DEVICES, V2_CPU_STAT_KEYS, MEMORY_EVENTS_KEYS } from '../../collector/counters/sources.js';
import { loadNative } from '../../native/index.js';
import { FIXTURES } from './corpus.js';

const EXTRA = join(FIXTURES, 'extra');
const CONTAINER = '/system.slice/docker-376f487bf99250bcc5fc3fe8c25a75d3176d40b0050403f03b4d7d31fd48e7f2.scope';
const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of the v2 tree with `files` (extra-fixture path → name) put into the container's directory. */
function treeWith(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'cgmeter-extra-'));
  temps.push(root);
  cpSync(join(FIXTURES, 'cgroup-v2'), root, { recursive: true });
  for (const [from, name] of Object.entries(files)) copyFileSync(join(EXTRA, from), join(root, 'sys/fs/cgroup', CONTAINER, name));
  return root;
}

const readers = (['fallback', 'native'] as const).filter((r) => r === 'fallback' || !(loadNative() instanceof Error));

function sampleOf(root: string, reader: 'fallback' | 'native') {
  const collector = new Collector({ hostRoot: root, reader, groups: ALL_GROUPS });
  try {
    collector.discover();
    return collector.sample().find((s) => s.path === CONTAINER)!;
  } finally {
    collector.close();
  }
}

describe.each(readers)('kernel-dependent files in a container directory, %s reader', (reader) => {
  const root = treeWith({
    'v2-kernel/memory.peak': 'memory.peak',
    'v2-kernel/memory.events.local': 'memory.events.local',
    'v2-kernel/memory.events': 'memory.events',
    'v2-kernel/memory.swap.events': 'memory.swap.events',
    'v2-kernel/cpu.stat': 'cpu.stat',
    'kernel-source/io.stat.debug': 'io.stat',
    'kernel-source/irq.pressure': 'irq.pressure',
  });
  const s = sampleOf(root, reader);

  it('memory.peak (5.19+) is the peak usage', () => {
    expect(s.memory.maxUsageBytes).toBe(54784000);
  });

  it('memory.events.local beside memory.events changes nothing: the hierarchical file is read', () => {
    expect(s.memory.events).toEqual({ low: 0, high: 0, max: 0, oom: 0, oomKill: 0, oomGroupKill: 0 });
  });

  it('cpu.stat with burst fields (5.14+): the known keys exactly, nr_bursts and burst_usec ignored', () => {
    expect(s.cpu).toMatchObject({ usageSeconds: 2.085054, userSeconds: 1.207576, systemSeconds: 0.877477, periods: 44, throttledPeriods: 41, throttledSeconds: 5.001668 });
  });

  it('io.stat with cost.* and iolatency fields: bytes and ops exactly, the extra fields ignored', () => {
    expect(s.blockIo).toEqual([expect.objectContaining({ major: 254, minor: 0, readBytes: 5120, writeBytes: 16777216, readOps: 5, writeOps: 256, discardBytes: 0, discardOps: 0 })]);
  });

  it('an irq.pressure file is not read and disturbs nothing', () => {
    expect(s.pressure.cpu?.some.totalSeconds).toBeGreaterThanOrEqual(0);
    expect(Object.keys(s.pressure).sort()).toEqual(['cpu', 'io', 'memory']);
  });
});

describe('kernel-dependent formats through the byte parsers', () => {
  const read = (relative: string) => readFileSync(join(EXTRA, relative));

  it('cpu.stat of kernel 6.18 (nice_usec) keeps the known keys; throttling keys absent are NaN', () => {
    const slots = parseText(formatSpec(FileFormat.Keyed, V2_CPU_STAT_KEYS), read('host-6.18/cpu.stat'));
    expect(slots[0]).toBeGreaterThan(0);
    expect(Number.isNaN(slots[3]!)).toBe(true); // the unified root of a hybrid host has no nr_periods
  });

  it('root io.stat with cost.vrate (a fraction) is read; cost keys never land in a known slot', () => {
    const slots = parseText(formatSpec(FileFormat.DeviceKeyed, IO_STAT_KEYS, MAX_BLOCK_DEVICES), read('v2-kernel/root.io.stat'));
    expect(Array.from(slots.subarray(0, 8))).toEqual([1, 254 * 2 ** 20, 23552, 16778240, 14, 257, 0, 0]);
  });

  it('iolatency SSD fields (depth=max) are ignored', () => {
    const slots = parseText(formatSpec(FileFormat.DeviceKeyed, IO_STAT_KEYS, MAX_BLOCK_DEVICES), read('kernel-source/io.stat.iolatency-ssd'));
    expect(Array.from(slots.subarray(0, 8))).toEqual([1, 254 * 2 ** 20, 5120, 16777216, 5, 256, 0, 0]);
  });

  it('irq.pressure (full line only) parses into the full slots, some stays NaN', () => {
    const slots = Array.from(parseText(formatSpec(FileFormat.Pressure), read('kernel-source/irq.pressure')));
    expect(slots.slice(0, 4).every(Number.isNaN)).toBe(true);
    expect(slots.slice(4)).toEqual([0, 0, 0, 0]);
  });

  it('memory.events.local has the same keys as memory.events', () => {
    expect(Array.from(parseText(formatSpec(FileFormat.Keyed, MEMORY_EVENTS_KEYS), read('v2-kernel/memory.events.local')))).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
