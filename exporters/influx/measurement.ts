// The shape of one row of the Influx measurement table: a measurement's name, its own tags, its
// fields with wire type and unit, and how its points come out of a Snapshot. The same rows drive
// encoding and docs/influx.md (a test checks that every field is documented), so they cannot drift.

import type { Snapshot } from '../../collector/model/derive.js';
import { escapeTags, formatFieldValue, formatLine, mergeTags, type EscapedTags, type FieldType } from './line-protocol.js';

/** counter: cumulative since the cgroup was created; gauge: a level now; rate: per second over the last interval. */
export type FieldKind = 'counter' | 'gauge' | 'rate';

export interface FieldDoc {
  readonly key: string;
  readonly type: FieldType;
  /** `bytes`, `seconds`, `bytes/s`, `cores`, `percent`, `ratio`, `count`, … */
  readonly unit: string;
  readonly kind: FieldKind;
  readonly help: string;
}

export interface MeasurementDoc {
  readonly name: string;
  readonly help: string;
  /** Tags this measurement adds to the cgroup's tags (e.g. `device`). */
  readonly tags: readonly string[];
  readonly fields: readonly FieldDoc[];
}

export interface FieldSpec<S> extends FieldDoc {
  /** undefined, NaN or ±Infinity leave the field out of the point. */
  get(source: S): number | undefined;
}

export interface MeasurementSpec<S> {
  readonly name: string;
  readonly help: string;
  readonly tags: readonly string[];
  /** The points of one Snapshot: each a source for the fields plus its own tag values. */
  points(snapshot: Snapshot): Iterable<readonly [tags: Readonly<Record<string, string>>, source: S]>;
  readonly fields: readonly FieldSpec<S>[];
}

export interface Measurement {
  readonly doc: MeasurementDoc;
  /** Appends this measurement's lines for one Snapshot to `out`. */
  encode(snapshot: Snapshot, cgroupTags: EscapedTags, timestamp: string, out: string[]): void;
}

/** Closes over the source type so the table can hold rows of different sources in one array. */
export function measurement<S>(spec: MeasurementSpec<S>): Measurement {
  const fields = spec.fields.map((f) => ({ spec: f, prefix: `${escapeFieldKey(f.key)}=` }));
  return {
    doc: {
      name: spec.name,
      help: spec.help,
      tags: spec.tags,
      fields: spec.fields.map(({ key, type, unit, kind, help }) => ({ key, type, unit, kind, help })),
    },
    encode(snapshot, cgroupTags, timestamp, out) {
      for (const [ownTags, source] of spec.points(snapshot)) {
        const values: string[] = [];
        for (const { spec: f, prefix } of fields) {
          const text = formatFieldValue(f.get(source), f.type);
          if (text !== undefined) values.push(prefix + text);
        }
        const tags = spec.tags.length === 0 ? cgroupTags : mergeTags(cgroupTags, escapeTags(ownTags));
        const line = formatLine(spec.name, tags, values, timestamp);
        if (line !== undefined) out.push(line);
      }
    },
  };
}

function escapeFieldKey(key: string): string {
  // Field keys in the table are snake_case constants; the check guards the table, not user input.
  if (!/^[a-z][a-z0-9_]*$/.test(key)) throw new Error(`influx field key ${JSON.stringify(key)} is not snake_case`);
  return key;
}

/** Shorthand for one field row. */
export function field<S>(key: string, type: FieldType, unit: string, kind: FieldKind, help: string, get: (source: S) => number | undefined): FieldSpec<S> {
  return { key, type, unit, kind, help, get };
}
