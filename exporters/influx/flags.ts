// The Influx exporter's flags (also read from CGMETER_INFLUX_* variables) and the one place that
// turns them into InfluxOptions, validated at start-up with messages that say what would be right.

import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { FlagSpec, ParsedArgs } from '../../cli/command.js';
import { UsageError, parseDurationMs } from '../../cli/units.js';
import { DEFAULT_INFLUX_OPTIONS, type InfluxApi, type InfluxOptions } from './options.js';

const d = DEFAULT_INFLUX_OPTIONS;

export const INFLUX_FLAGS: Record<string, FlagSpec> = {
  'influx-url': { type: 'string', placeholder: 'URL', env: 'CGMETER_INFLUX_URL', description: 'push every sample to InfluxDB (or VictoriaMetrics) at URL, e.g. http://influxdb:8086' },
  'influx-org': { type: 'string', placeholder: 'ORG', env: 'CGMETER_INFLUX_ORG', description: 'v2 API: organization (with --influx-bucket)' },
  'influx-bucket': { type: 'string', placeholder: 'BUCKET', env: 'CGMETER_INFLUX_BUCKET', description: 'v2 API: bucket to write to' },
  'influx-token': { type: 'string', placeholder: 'TOKEN', env: 'CGMETER_INFLUX_TOKEN', description: 'v2 API: API token (prefer --influx-token-file: flags show in ps)' },
  'influx-token-file': { type: 'string', placeholder: 'FILE', env: 'CGMETER_INFLUX_TOKEN_FILE', description: 'v2 API: read the API token from FILE' },
  'influx-db': { type: 'string', placeholder: 'DB', env: 'CGMETER_INFLUX_DB', description: 'v1 API (InfluxDB 1.x): database to write to; it must exist' },
  'influx-user': { type: 'string', placeholder: 'USER', env: 'CGMETER_INFLUX_USER', description: 'v1 API: user name (HTTP Basic auth)' },
  'influx-password': { type: 'string', placeholder: 'PASSWORD', env: 'CGMETER_INFLUX_PASSWORD', description: 'v1 API: password (prefer the environment variable)' },
  'influx-precision': { type: 'string', placeholder: 'ms|s', env: 'CGMETER_INFLUX_PRECISION', default: d.precision, description: 'timestamp precision of the points' },
  'influx-batch-size': { type: 'string', placeholder: 'N', env: 'CGMETER_INFLUX_BATCH_SIZE', default: String(d.batchSize), description: 'most points per write request' },
  'influx-flush-interval': { type: 'string', placeholder: 'DURATION', env: 'CGMETER_INFLUX_FLUSH_INTERVAL', default: `${d.flushIntervalMs / 1000}s`, description: 'longest time a point waits in memory before it is sent' },
  'influx-timeout': { type: 'string', placeholder: 'DURATION', env: 'CGMETER_INFLUX_TIMEOUT', default: `${d.timeoutMs / 1000}s`, description: 'a write with no answer for this long fails and is retried' },
  'influx-host-tag': { type: 'string', placeholder: 'NAME', env: 'CGMETER_INFLUX_HOST_TAG', default: 'this host\'s name', description: 'value of the host tag (e.g. the Kubernetes node name)' },
  'influx-label-allowlist': { type: 'string', placeholder: 'LIST', env: 'CGMETER_INFLUX_LABEL_ALLOWLIST', description: 'comma-separated container labels to write as label_<key> tags; a trailing * matches a prefix' },
  'spool-dir': { type: 'string', placeholder: 'DIR', env: 'CGMETER_INFLUX_SPOOL_DIR', description: 'keep points on disk in DIR while InfluxDB is unreachable, across restarts (default: in memory)' },
  'spool-max-bytes': { type: 'string', placeholder: 'SIZE', env: 'CGMETER_INFLUX_SPOOL_MAX_BYTES', default: '256MiB', description: 'spool bound; beyond it the oldest points are dropped (and counted)' },
};

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1000, kb: 1000, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4 };

/** `256MiB`, `1.5GB`, `4096` (bytes) → bytes. */
export function parseSizeBytes(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new UsageError(`${flag} ${JSON.stringify(text)} is not a size; use forms like 4096, 64MiB, 1GiB, 500MB`);
  return Math.floor(Number(m[1]) * unit);
}

function validUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--influx-url ${JSON.stringify(text)} is not a URL; use e.g. http://influxdb:8086`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--influx-url must be http:// or https://, got ${url.protocol}//`);
  if (url.username || url.password) throw new UsageError('--influx-url must not hold credentials; use --influx-token(-file) or --influx-user/--influx-password');
  if (url.search || url.hash) throw new UsageError(`--influx-url is the server's base URL, without ?query or #fragment; got ${JSON.stringify(text)}`);
  return url.href.replace(/\/$/, '');
}

function wholeNumber(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return n;
}

function chooseApi(s: (name: string) => string | undefined): InfluxApi {
  const v2Given = ['influx-org', 'influx-bucket', 'influx-token', 'influx-token-file'].filter((f) => s(f) !== undefined);
  const v1Given = ['influx-db', 'influx-user', 'influx-password'].filter((f) => s(f) !== undefined);
  if (v2Given.length > 0 && v1Given.length > 0) {
    throw new UsageError(`--${v2Given[0]} (v2 API) and --${v1Given[0]} (v1 API) do not go together: use --influx-org/--influx-bucket/--influx-token for InfluxDB 2.x/3.x/Cloud or VictoriaMetrics, or --influx-db/--influx-user/--influx-password for InfluxDB 1.x`);
  }
  if (v1Given.length > 0) {
    const database = s('influx-db');
    if (!database) throw new UsageError('--influx-user/--influx-password need --influx-db (the v1 API writes to a database)');
    return { version: 'v1', database, user: s('influx-user'), password: s('influx-password') };
  }
  const org = s('influx-org');
  const bucket = s('influx-bucket');
  if (!org || !bucket) {
    throw new UsageError(v2Given.length === 0
      ? '--influx-url needs --influx-org and --influx-bucket (v2 API: InfluxDB 2.x/3.x/Cloud, VictoriaMetrics) or --influx-db (v1 API: InfluxDB 1.x)'
      : `the v2 API needs both --influx-org and --influx-bucket; missing ${!org ? '--influx-org' : '--influx-bucket'}`);
  }
  const tokenFile = s('influx-token-file');
  if (tokenFile !== undefined && s('influx-token') !== undefined) throw new UsageError('give --influx-token or --influx-token-file, not both');
  let token = s('influx-token');
  if (tokenFile !== undefined) {
    try {
      token = readFileSync(tokenFile, 'utf8').trim();
    } catch (err) {
      throw new UsageError(`--influx-token-file ${tokenFile}: ${(err as Error).message}`);
    }
    if (token === '') throw new UsageError(`--influx-token-file ${tokenFile} is empty`);
  }
  return { version: 'v2', org, bucket, token };
}

/** The exporter's options, or undefined when --influx-url is not given (the exporter is off). */
export function influxFromArgs(args: ParsedArgs): InfluxOptions | undefined {
  const s = (name: string): string | undefined => {
    const v = args.values[name];
    return typeof v === 'string' ? v : undefined;
  };
  const url = s('influx-url');
  if (url === undefined) {
    const stray = Object.keys(INFLUX_FLAGS).find((f) => s(f) !== undefined);
    if (stray) throw new UsageError(`--${stray} is set (flag or ${INFLUX_FLAGS[stray]!.env}) but --influx-url is not: the Influx exporter is off without a URL`);
    return undefined;
  }
  const precision = s('influx-precision') ?? d.precision;
  if (precision !== 'ms' && precision !== 's') throw new UsageError(`--influx-precision must be ms or s, got ${JSON.stringify(precision)}`);
  const spoolMaxBytes = s('spool-max-bytes') === undefined ? d.spoolMaxBytes : parseSizeBytes(s('spool-max-bytes')!, '--spool-max-bytes');
  if (spoolMaxBytes < 65536) throw new UsageError(`--spool-max-bytes must be at least 64KiB, got ${s('spool-max-bytes')}`);
  const spoolDir = s('spool-dir');
  if (spoolDir === '') throw new UsageError('--spool-dir is empty; give a directory or leave the flag out for an in-memory spool');
  return {
    ...d,
    url: validUrl(url),
    api: chooseApi(s),
    precision,
    batchSize: s('influx-batch-size') === undefined ? d.batchSize : wholeNumber(s('influx-batch-size')!, '--influx-batch-size', 1, 1_000_000),
    flushIntervalMs: s('influx-flush-interval') === undefined ? d.flushIntervalMs : parseDurationMs(s('influx-flush-interval')!, '--influx-flush-interval'),
    timeoutMs: s('influx-timeout') === undefined ? d.timeoutMs : parseDurationMs(s('influx-timeout')!, '--influx-timeout'),
    host: s('influx-host-tag') || hostname(),
    labelAllowlist: (s('influx-label-allowlist') ?? '').split(',').map((l) => l.trim()).filter(Boolean),
    ...(spoolDir !== undefined ? { spoolDir } : {}),
    spoolMaxBytes,
  };
}
