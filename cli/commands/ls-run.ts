// The work of `cgmeter ls` (flags and help: ls.ts): two readings, the engines' names, one table or tree.

import type { ParsedArgs } from '../command.js';
import { collectorOptionsFrom } from '../common-flags.js';
import { metadataFromArgs } from '../metadata-flags.js';
import { snapshotsOnce } from '../../collector/oneshot.js';
import { EngineMetadataCache } from '../../collector/metadata/index.js';
import { parseDurationMs, renderTable, toJson, UsageError } from '../units.js';
import { describeHierarchy } from '../../collector/hierarchy/hierarchy.js';
import { duplicateChildPaths, isContainerLike, lsRows, LS_HEADERS, LS_RIGHT_ALIGNED, rowLimits } from './ls-view.js';
import { renderTree } from './ls-tree.js';

/**
 * How long ls waits for the engines' first list before reading: a wedged engine costs this
 * much once, then ls goes on with path names.
 */
const METADATA_WAIT_MS = 2_000;

export async function runLs(args: ParsedArgs): Promise<number> {
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
}

