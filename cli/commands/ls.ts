// `cgmeter ls`: one table of containers and their usage, like `docker stats --no-stream`.

import type { Command } from '../command.js';
import { COLLECTOR_FLAGS, collectorOptionsFrom } from '../common-flags.js';
import { snapshotsOnce } from '../../collector/oneshot.js';
import type { Snapshot } from '../../collector/model/derive.js';
import { formatBytes, formatDecimalBytes, formatPercent, parseDurationMs, renderTable, toJson } from '../units.js';
import { describeHierarchy } from '../../collector/hierarchy/hierarchy.js';

export function isContainerLike(s: Snapshot): boolean {
  return s.sample.identity.kind === 'container' || s.sample.identity.kind === 'pod';
}

function netTotals(s: Snapshot): { rx?: number; tx?: number } {
  const n = s.sample.network;
  if (!n) return {};
  const ifs = n.interfaces.filter((i) => i.name !== 'lo');
  return { rx: ifs.reduce((a, i) => a + i.rxBytes, 0), tx: ifs.reduce((a, i) => a + i.txBytes, 0) };
}

function ioTotals(s: Snapshot): { r: number; w: number } {
  return s.sample.blockIo.reduce((a, d) => ({ r: a.r + (d.readBytes ?? 0), w: a.w + (d.writeBytes ?? 0) }), { r: 0, w: 0 });
}

export function lsRows(snapshots: readonly Snapshot[]): string[][] {
  return snapshots.map((s) => {
    const id = s.sample.identity;
    const m = s.sample.memory;
    const net = netTotals(s);
    const io = ioTotals(s);
    const cpuPercent = s.cpu.coresUsed === undefined ? undefined : s.cpu.coresUsed * 100;
    return [
      /^[0-9a-f]{64}$/.test(id.id) ? id.id.slice(0, 12) : id.id,
      id.name,
      id.runtime,
      formatPercent(cpuPercent),
      `${formatBytes(m.usageBytes)} / ${formatBytes(m.limitBytes)}`,
      formatPercent(s.memory.percentOfLimit),
      net.rx === undefined ? '--' : `${formatDecimalBytes(net.rx)} / ${formatDecimalBytes(net.tx)}`,
      `${formatDecimalBytes(io.r)} / ${formatDecimalBytes(io.w)}`,
      s.sample.pids.current === undefined ? '--' : String(s.sample.pids.current),
    ];
  });
}

export const lsCommand: Command = {
  name: 'ls',
  summary: 'List containers (or, with --all, every cgroup) with their CPU, memory, network, block I/O and pids, like `docker stats --no-stream`.\nCPU % is measured over --interval between two readings (100% = one core).',
  usage: 'cgmeter ls [--all] [--json] [--interval 1s] [--host-root DIR]',
  flags: {
    all: { type: 'boolean', short: 'a', description: 'show every cgroup, not only containers and pods' },
    json: { type: 'boolean', description: 'print the full Snapshots as JSON (unlimited values are "max")' },
    interval: { type: 'string', placeholder: 'DURATION', default: '1s', description: 'time between the two readings that give rates (500ms, 1s, 5s)' },
    verbose: { type: 'boolean', short: 'v', description: 'also say which hierarchy and which counter reader are in use' },
    ...COLLECTOR_FLAGS,
  },
  examples: ['cgmeter ls', 'cgmeter ls --all --interval 500ms', 'cgmeter ls --json | jq ".[].sample.identity.name"'],
  async run(args) {
    const options = collectorOptionsFrom(args);
    const gapMs = parseDurationMs((args.values.interval as string | undefined) ?? '1s', '--interval');
    const { snapshots, collector } = await snapshotsOnce(options, gapMs);
    const shown = args.values.all ? snapshots : snapshots.filter(isContainerLike);
    if (args.values.verbose) {
      process.stderr.write(`hierarchy: ${describeHierarchy(collector.hierarchy)}\n`);
      process.stderr.write(`reader: ${collector.readerKind}${collector.readerReason ? ` (${collector.readerReason})` : ''}\n`);
      process.stderr.write(`cgroups: ${snapshots.length} tracked, ${shown.length} shown\n`);
    }
    if (args.values.json) {
      process.stdout.write(`${toJson(shown)}\n`);
      return 0;
    }
    const headers = ['CONTAINER ID', 'NAME', 'RUNTIME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS'];
    process.stdout.write(`${renderTable(headers, lsRows(shown), new Set([3, 5, 8]))}\n`);
    if (shown.length === 0 && !args.values.all) process.stderr.write('no containers found; `cgmeter ls --all` lists every cgroup\n');
    return 0;
  },
};
