// The Influx exporter's options and their one defaults object (flags.ts fills them from the
// command line and the environment).

import type { Precision } from './line-protocol.js';
import type { WriterOptions } from './writer.js';

export type InfluxApi =
  /** /api/v2/write via @influxdata/influxdb-client: InfluxDB 2.x/3.x/Cloud, VictoriaMetrics. */
  | { readonly version: 'v2'; readonly org: string; readonly bucket: string; readonly token?: string }
  /** /write?db=: InfluxDB 1.x (and the v1 compatibility path of everything else). */
  | { readonly version: 'v1'; readonly database: string; readonly user?: string; readonly password?: string };

export interface InfluxOptions extends WriterOptions {
  /** Base URL of the server, e.g. `http://influxdb:8086`. */
  readonly url: string;
  readonly api: InfluxApi;
  readonly precision: Precision;
  /** A request with no answer for this long fails (and is retried): guards against a hung server. */
  readonly timeoutMs: number;
  readonly gzip: boolean;
  /** Where the disk spool lives; without it the spool is in memory (lost on restart). */
  readonly spoolDir?: string;
  readonly spoolMaxBytes: number;
  readonly labelAllowlist: readonly string[];
  /** The `host` tag. */
  readonly host: string;
}

export const DEFAULT_INFLUX_OPTIONS = {
  precision: 'ms',
  // ~7 points per cgroup per tick: one request per tick for ~700 containers; a few MB before gzip,
  // well under InfluxDB's 25 MB max-body-size.
  batchSize: 5000,
  flushIntervalMs: 5000,
  timeoutMs: 10_000,
  gzip: true,
  spoolMaxBytes: 256 * 1024 * 1024,
  labelAllowlist: [],
  minRetryDelayMs: 1000,
  maxRetryDelayMs: 30_000,
  parkedRetryDelayMs: 30_000,
  closeTimeoutMs: 5000,
} as const satisfies Partial<InfluxOptions>;
