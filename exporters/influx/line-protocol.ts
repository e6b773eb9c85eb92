// InfluxDB line protocol: escaping and number formatting, shared by every measurement.
// `measurement,tag=v,tag=v field=1.5,count=3i 1700000000000` — one point per line.

export type Precision = 'ms' | 's';

/** A field's wire type. Influx fixes it per field key: a float once, a float forever. */
export type FieldType = 'float' | 'integer';

/** Largest value an Influx integer field holds (int64). */
const INT64_MAX = 9223372036854775807n;

/**
 * Tag keys, tag values and field keys. Comma, equals sign and space get a backslash.
 *
 * Backslashes are where servers disagree: InfluxDB 1.x keeps `\\` as two characters, InfluxDB 2.x
 * and VictoriaMetrics read it as one, and a backslash right before `,`/`=`/space or at the end
 * cannot be written for 1.x at all (it would escape the delimiter). So a backslash is kept only
 * where every server reads it the same way (before an ordinary character) and dropped where it
 * would change how the line splits. Newlines, CRs and tabs become the two-character text `\n`,
 * `\r`, `\t` as influxdb-client-js writes them (a raw newline would end the line).
 */
export function escapeKeyOrTagValue(text: string): string {
  if (!/[\\,= \n\r\t]/.test(text)) return text; // the common case: nothing to do
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\') {
      const next = text[i + 1];
      // Dropped before anything that is (or becomes) an escape, and at the end: see above.
      if (next === undefined || '\\,= \n\r\t'.includes(next)) continue;
      out += ch;
    } else if (ch === ',' || ch === '=' || ch === ' ') {
      out += `\\${ch}`;
    } else if (ch === '\n') {
      out += '\\n';
    } else if (ch === '\r') {
      out += '\\r';
    } else if (ch === '\t') {
      out += '\\t';
    } else {
      out += ch;
    }
  }
  return out;
}

/** Measurement names: comma and space are special (`=` is not); ours are constants, but be safe. */
export function escapeMeasurement(name: string): string {
  return name.replace(/[\\\n\r\t]/g, '').replace(/[, ]/g, (ch) => `\\${ch}`);
}

/**
 * A field value as line protocol text, or undefined when it must be left out: undefined, NaN,
 * ±Infinity (unlimited), and integers outside int64. Influx rejects NaN/Inf outright, and a
 * whole batch fails with one bad line, so nothing non-finite may ever reach the wire.
 */
export function formatFieldValue(value: number | undefined, type: FieldType): string | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined;
  if (type === 'float') return String(value); // `1e-7` and `1e+21` are valid line-protocol floats
  const whole = Math.trunc(value);
  if (Number.isSafeInteger(whole)) return `${whole}i`;
  // Beyond 2^53 String() may use exponent notation, which is no integer literal: go through BigInt.
  const big = BigInt(whole);
  if (big > INT64_MAX || big < -INT64_MAX - 1n) return undefined;
  return `${big}i`;
}

/** The sample's wall-clock time in the write's precision (`s` truncates; ms is what was read). */
export function formatTimestamp(timestampMs: number, precision: Precision): string {
  return precision === 's' ? String(Math.floor(timestampMs / 1000)) : String(Math.trunc(timestampMs));
}

/** Tag pairs already escaped, sorted by key (what InfluxDB recommends for write speed). */
export type EscapedTags = readonly (readonly [key: string, value: string])[];

/** Escapes and sorts tags; empty keys or values are left out (Influx rejects `t=`). */
export function escapeTags(tags: Readonly<Record<string, string | undefined>>): EscapedTags {
  const out: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(tags)) {
    if (value === undefined) continue;
    const k = escapeKeyOrTagValue(key);
    const v = escapeKeyOrTagValue(value);
    if (k === '' || v === '') continue;
    out.push([k, v]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Merges two sorted tag lists (base tags of a cgroup plus a point's own, e.g. `device`). */
export function mergeTags(base: EscapedTags, extra: EscapedTags): EscapedTags {
  if (extra.length === 0) return base;
  return [...base, ...extra].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * One line, or undefined when no field has a value (a point needs at least one field).
 * `fields` holds already-formatted `key=value` pairs.
 */
export function formatLine(measurement: string, tags: EscapedTags, fields: readonly string[], timestamp: string): string | undefined {
  if (fields.length === 0) return undefined;
  let line = escapeMeasurement(measurement);
  for (const [k, v] of tags) line += `,${k}=${v}`;
  return `${line} ${fields.join(',')} ${timestamp}`;
}
