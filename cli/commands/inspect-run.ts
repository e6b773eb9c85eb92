// The work of `cgmeter inspect` (flags and help: inspect.ts): one container's or cgroup's Snapshot.

import type { ParsedArgs } from '../command.js';
import { collectorOptionsFrom } from '../common-flags.js';
import { snapshotsOnce } from '../../collector/oneshot.js';
import type { Snapshot } from '../../collector/model/derive.js';
import { parseDurationMs, toJson, UsageError } from '../units.js';

/**
 * Finds what the user named: an exact cgroup path, an exact id or name, or a unique id prefix
 * (at least 3 characters, as docker accepts).
 */
export function findSnapshot(snapshots: readonly Snapshot[], query: string): Snapshot {
  const exact = snapshots.find((s) => s.sample.path === query || s.sample.identity.id === query || s.sample.identity.name === query);
  if (exact) return exact;
  if (query.length >= 3) {
    const byPrefix = snapshots.filter((s) => s.sample.identity.kind !== 'cgroup' && s.sample.identity.id.startsWith(query));
    if (byPrefix.length === 1) return byPrefix[0]!;
    if (byPrefix.length > 1) {
      throw new UsageError(`${JSON.stringify(query)} matches ${byPrefix.length} containers (${byPrefix.slice(0, 5).map((s) => s.sample.identity.id.slice(0, 12)).join(', ')}); give more of the id`);
    }
  }
  throw new UsageError(`no container or cgroup matches ${JSON.stringify(query)}; \`cgmeter ls --all\` lists them`);
}

export async function runInspect(args: ParsedArgs): Promise<number> {
  const query = args.positionals[0];
  if (query === undefined || args.positionals.length > 1) throw new UsageError('inspect takes exactly one container id, name or cgroup path');
  const gapMs = parseDurationMs((args.values.interval as string | undefined) ?? '1s', '--interval');
  const { snapshots } = await snapshotsOnce(collectorOptionsFrom(args), gapMs);
  process.stdout.write(`${toJson(findSnapshot(snapshots, query))}\n`);
  return 0;
}

