// Snapshots → line protocol lines: the cgroup's tags (who it is) once per Snapshot, then every
// measurement of the table with the sample's own wall-clock time.

import type { Snapshot } from '../../collector/model/derive.js';
import type { ContainerIdentity } from '../../collector/model/identity.js';
import { escapeTags, formatTimestamp, type EscapedTags, type Precision } from './line-protocol.js';
import { MEASUREMENTS } from './measurements.js';
import { boundLabelValue } from '../label-bound.js';

export interface EncodeOptions {
  readonly precision: Precision;
  /** Value of the `host` tag (the node's name). */
  readonly host: string;
  /**
   * Container labels written as `label_<key>` tags: exact keys, or prefixes ending in `*`
   * (`io.kubernetes.pod.*`). Empty by default: labels are unbounded in number and cardinality.
   */
  readonly labelAllowlist: readonly string[];
}

/** Builds the label filter once, so the per-sample path is a Set lookup and a few prefix tests. */
export function labelMatcher(allowlist: readonly string[]): (key: string) => boolean {
  const exact = new Set(allowlist.filter((p) => !p.endsWith('*')));
  const prefixes = allowlist.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
  if (prefixes.includes('')) return () => true;
  return (key) => exact.has(key) || prefixes.some((p) => key.startsWith(p));
}

/** The tags every point of one cgroup carries. Absent values are left out, never written as "". */
export function cgroupTags(identity: ContainerIdentity, host: string, allowLabel: (key: string) => boolean): EscapedTags {
  const tags: Record<string, string | undefined> = {
    host,
    id: identity.id,
    name: identity.name,
    image: identity.image,
    runtime: identity.runtime,
    namespace: identity.namespace,
    pod: identity.pod,
  };
  for (const [key, value] of Object.entries(identity.labels)) {
    if (allowLabel(key)) tags[`label_${key}`] = value;
  }
  // Engine-given values only: id is the kernel's (docs/influx.md, "Tags").
  for (const key of Object.keys(tags)) {
    const value = tags[key];
    if (key !== 'id' && key !== 'host' && value !== undefined) tags[key] = boundLabelValue(value);
  }
  return escapeTags(tags);
}

export class SnapshotEncoder {
  private readonly allowLabel: (key: string) => boolean;
  /** Identity objects are reused between samples; their escaped tags are too. */
  private tagCache = new WeakMap<ContainerIdentity, EscapedTags>();

  constructor(private readonly options: EncodeOptions) {
    this.allowLabel = labelMatcher(options.labelAllowlist);
  }

  encode(snapshots: readonly Snapshot[]): string[] {
    const out: string[] = [];
    for (const snapshot of snapshots) this.encodeOne(snapshot, out);
    return out;
  }

  private encodeOne(snapshot: Snapshot, out: string[]): void {
    const identity = snapshot.sample.identity;
    let tags = this.tagCache.get(identity);
    if (!tags) {
      tags = cgroupTags(identity, this.options.host, this.allowLabel);
      this.tagCache.set(identity, tags);
    }
    const timestamp = formatTimestamp(snapshot.sample.timestampMs, this.options.precision);
    for (const m of MEASUREMENTS) m.encode(snapshot, tags, timestamp, out);
  }
}
