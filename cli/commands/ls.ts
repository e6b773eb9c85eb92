// `cgmeter ls`: one table of containers and their usage, like `docker stats --no-stream`, with
// names, images and limits from the engines when their sockets answer; `--tree` draws the
// cgroup hierarchy instead.

import type { Command } from '../command.js';
import { COLLECTOR_FLAGS, collectorOptionsFrom } from '../common-flags.js';
import { METADATA_FLAGS, metadataFromArgs } from '../metadata-flags.js';
import { snapshotsOnce } from '../../collector/oneshot.js';
import { EngineMetadataCache } from '../../collector/metadata/index.js';
import { parseDurationMs, renderTable, toJson, UsageError } from '../units.js';
import { describeHierarchy } from '../../collector/hierarchy/hierarchy.js';
import { duplicateChildPaths, isContainerLike, lsRows, LS_HEADERS, LS_RIGHT_ALIGNED, rowLimits } from './ls-view.js';
import { renderTree } from './ls-tree.js';

export { isContainerLike, lsRows } from './ls-view.js';

/**
 * How long ls waits for the engines' first list before reading: a wedged engine costs this
 * much once, then ls goes on with path names.
 */
const METADATA_WAIT_MS = 2_000;

export const lsCommand: Command = {
  name: 'ls',
  summary: 'List containers (or, with --all, every cgroup) with their name, image, CPU, memory, network, block I/O, pids and limits, like `docker stats --no-stream`.\nCPU % is measured over --interval between two readings (100% = one core); CPUS is the CPU limit in cores.',
  usage: 'cgmeter ls [--all] [--json | --tree] [--interval 1s] [--docker-socket PATH|none] [--podman-socket PATH|none] [--host-root DIR]',
  flags: {
    all: { type: 'boolean', short: 'a', description: 'show every cgroup, not only containers and pods' },
    json: { type: 'boolean', description: 'print the full Snapshots as JSON, with limits in bytes and cores (unlimited values are "max")' },
    tree: { type: 'boolean', short: 't', description: 'draw the cgroup hierarchy (like systemd-cgls) with containers marked by runtime and name' },
    interval: { type: 'string', placeholder: 'DURATION', default: '1s', description: 'time between the two readings that give rates (500ms, 1s, 5s)' },
    verbose: { type: 'boolean', short: 'v', description: 'also say which hierarchy, counter reader and engine sockets are in use' },
    ...METADATA_FLAGS,
    ...COLLECTOR_FLAGS,
  },
  examples: [
    'cgmeter ls',
    'cgmeter ls --tree',
    'cgmeter ls --all --interval 500ms',
    'cgmeter ls --docker-socket /run/user/1000/docker.sock --podman-socket none',
    'cgmeter ls --json | jq ".[] | {name: .sample.identity.name, limits}"',
  ],
  async run(args) {
    const verbose = args.values.verbose === true;
    if (args.values.json && args.values.tree) throw new UsageError('--json and --tree do not combine: --json already carries every path');
    const metadata = new EngineMetadataCache(metadataFromArgs(args), (level, line) => {
      if (level === 'warn' || verbose) process.stderr.write(`cgmeter ls: ${line}\n`);
    });
    const options = { ...collectorOptionsFrom(args), identityEnricher: metadata };
    const gapMs = parseDurationMs((args.values.interval as string | undefined) ?? '1s', '--interval');
    metadata.start();
    let result: Awaited<ReturnType<typeof snapshotsOnce>>;
    try {
      await metadata.ready(METADATA_WAIT_MS);
      // Ids met in the first reading and unknown to the engines are asked for during the gap.
      result = await snapshotsOnce(options, gapMs);
    } finally {
      metadata.stop();
    }
    const { snapshots, collector } = result;
    const duplicates = duplicateChildPaths(snapshots);
    const listed = snapshots.filter((s) => !duplicates.has(s.sample.path));
    const shown = args.values.all ? listed : listed.filter(isContainerLike);
    if (verbose) {
      process.stderr.write(`hierarchy: ${describeHierarchy(collector.hierarchy)}\n`);
      process.stderr.write(`reader: ${collector.readerKind}${collector.readerReason ? ` (${collector.readerReason})` : ''}\n`);
      for (const s of metadata.stats()) {
        process.stderr.write(`${s.engine}: ${s.socketPath} ${s.reachable ? `answers, ${s.containers} containers` : 'not answering'}\n`);
      }
      process.stderr.write(`cgroups: ${snapshots.length} tracked, ${shown.length} shown\n`);
    }
    if (args.values.json) {
      process.stdout.write(`${toJson(shown.map((s) => ({ ...s, limits: rowLimits(s) })))}\n`);
      return 0;
    }
    if (args.values.tree) {
      process.stdout.write(`${renderTree(snapshots, { all: args.values.all === true })}\n`);
      return 0;
    }
    process.stdout.write(`${renderTable(LS_HEADERS, lsRows(shown), LS_RIGHT_ALIGNED)}\n`);
    if (shown.length === 0 && !args.values.all) process.stderr.write('no containers found; `cgmeter ls --all` lists every cgroup\n');
    return 0;
  },
};
