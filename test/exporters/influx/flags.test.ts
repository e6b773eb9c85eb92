// Flags and environment → InfluxOptions, and the messages a user gets for a wrong setting; the
// self-metrics as Prometheus sees them; the backoff schedule; serve's hook.

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { parseCommandArgs, type Command } from '../../../cli/command.js';
import { INFLUX_FLAGS, influxFromArgs, parseSizeBytes } from '../../../exporters/influx/flags.js';
import { newInfluxMetrics, registerInfluxMetrics } from '../../../exporters/influx/metrics.js';
import { retryDelayMs } from '../../../exporters/influx/backoff.js';
import { parseRetryAfterMs } from '../../../exporters/influx/sink.js';
import { startInfluxForServe } from '../../../exporters/influx/serve-integration.js';

const command: Command = { name: 'serve', summary: '', usage: '', flags: INFLUX_FLAGS, run: async () => 0 };
const parse = (...argv: string[]) => influxFromArgs(parseCommandArgs(command, argv));

const savedEnv = { ...process.env };
afterEach(() => {
  process.env = { ...savedEnv };
});

describe('influxFromArgs', () => {
  it('is off without --influx-url', () => {
    expect(parse()).toBeUndefined();
  });

  it('builds v2 options with the defaults', () => {
    const o = parse('--influx-url', 'http://influx:8086/', '--influx-org', 'ops', '--influx-bucket', 'b', '--influx-token', 't');
    expect(o).toMatchObject({
      url: 'http://influx:8086', api: { version: 'v2', org: 'ops', bucket: 'b', token: 't' }, precision: 'ms',
      batchSize: 5000, flushIntervalMs: 5000, timeoutMs: 10_000, spoolMaxBytes: 256 * 1024 * 1024, labelAllowlist: [],
    });
    expect(o!.spoolDir).toBeUndefined();
  });

  it('builds v1 options, reading CGMETER_INFLUX_* variables', () => {
    process.env.CGMETER_INFLUX_URL = 'https://h/influx';
    process.env.CGMETER_INFLUX_DB = 'cgmeter';
    process.env.CGMETER_INFLUX_PASSWORD = 'secret';
    process.env.CGMETER_INFLUX_SPOOL_DIR = '/var/lib/cgmeter/spool';
    process.env.CGMETER_INFLUX_SPOOL_MAX_BYTES = '1GiB';
    const o = parse('--influx-user', 'u', '--influx-precision', 's', '--influx-batch-size', '100', '--influx-flush-interval', '2s',
      '--influx-label-allowlist', 'team, io.kubernetes.*', '--influx-host-tag', 'node-7');
    expect(o).toMatchObject({
      url: 'https://h/influx', api: { version: 'v1', database: 'cgmeter', user: 'u', password: 'secret' }, precision: 's',
      batchSize: 100, flushIntervalMs: 2000, spoolDir: '/var/lib/cgmeter/spool', spoolMaxBytes: 1024 ** 3,
      labelAllowlist: ['team', 'io.kubernetes.*'], host: 'node-7',
    });
  });

  it('reads the token from --influx-token-file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgmeter-flags-'));
    try {
      writeFileSync(join(dir, 'token'), 'tok3n\n');
      expect(parse('--influx-url', 'http://h', '--influx-org', 'o', '--influx-bucket', 'b', '--influx-token-file', join(dir, 'token'))!.api)
        .toEqual({ version: 'v2', org: 'o', bucket: 'b', token: 'tok3n' });
      expect(() => parse('--influx-url', 'http://h', '--influx-org', 'o', '--influx-bucket', 'b', '--influx-token-file', join(dir, 'nope')))
        .toThrow(/--influx-token-file .*nope: ENOENT/);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it.each([
    [['--influx-url', 'influx:8086', '--influx-db', 'x'], /--influx-url must be http:\/\/ or https:\/\//],
    [['--influx-url', 'not a url', '--influx-db', 'x'], /is not a URL; use e\.g\. http:\/\/influxdb:8086/],
    [['--influx-url', 'http://u:p@h', '--influx-db', 'x'], /must not hold credentials/],
    [['--influx-url', 'http://h?db=x', '--influx-db', 'x'], /without \?query/],
    [['--influx-url', 'http://h'], /needs --influx-org and --influx-bucket .* or --influx-db/],
    [['--influx-url', 'http://h', '--influx-org', 'o'], /missing --influx-bucket/],
    [['--influx-url', 'http://h', '--influx-db', 'x', '--influx-token', 't'], /--influx-token \(v2 API\) and --influx-db \(v1 API\) do not go together/],
    [['--influx-url', 'http://h', '--influx-user', 'u'], /need --influx-db/],
    [['--influx-url', 'http://h', '--influx-db', 'x', '--influx-precision', 'ns'], /--influx-precision must be ms or s, got "ns"/],
    [['--influx-url', 'http://h', '--influx-db', 'x', '--influx-batch-size', '0'], /--influx-batch-size must be a whole number from 1 to 1000000, got "0"/],
    [['--influx-url', 'http://h', '--influx-db', 'x', '--influx-flush-interval', 'soon'], /--influx-flush-interval "soon" is not a duration/],
    [['--influx-url', 'http://h', '--influx-db', 'x', '--spool-max-bytes', 'lots'], /--spool-max-bytes "lots" is not a size; use forms like 4096, 64MiB/],
    [['--influx-url', 'http://h', '--influx-db', 'x', '--spool-max-bytes', '1KiB'], /--spool-max-bytes must be at least 64KiB/],
    [['--influx-db', 'x'], /--influx-db is set \(flag or CGMETER_INFLUX_DB\) but --influx-url is not/],
  ])('%j → a clear error', (argv, message) => {
    expect(() => parse(...argv)).toThrow(message);
  });

  it('parses sizes in decimal and binary units', () => {
    expect([parseSizeBytes('4096', 'x'), parseSizeBytes('64MiB', 'x'), parseSizeBytes('1.5GB', 'x'), parseSizeBytes('2k', 'x')])
      .toEqual([4096, 64 * 1024 * 1024, 1.5e9, 2000]);
  });
});

describe('self-metrics', () => {
  it('registers cgmeter_influx_* families that read the counters at scrape time', async () => {
    const registry = new Registry();
    const source = { metrics: newInfluxMetrics() };
    registerInfluxMetrics(registry, source);
    Object.assign(source.metrics, { pointsWritten: 120, pointsSpooled: 30, pointsReplayed: 30, lastSuccessMs: 1_795_000_000_500, state: 'spooling', spoolBytes: 4096 });
    source.metrics.pointsDropped.spool_full = 7;
    source.metrics.writeErrors.network = 3;
    const text = await registry.metrics();
    expect(text).toContain('cgmeter_influx_points_written_total 120');
    expect(text).toContain('cgmeter_influx_points_spooled_total 30');
    expect(text).toContain('cgmeter_influx_points_replayed_total 30');
    expect(text).toContain('cgmeter_influx_points_dropped_total{reason="spool_full"} 7');
    expect(text).toContain('cgmeter_influx_points_dropped_total{reason="rejected"} 0');
    expect(text).toContain('cgmeter_influx_write_errors_total{kind="network"} 3');
    expect(text).toContain('cgmeter_influx_last_success_timestamp_seconds 1795000000.5');
    expect(text).toContain('cgmeter_influx_spool_bytes 4096');
    expect(text).toContain('cgmeter_influx_spooling 1');
    source.metrics.pointsWritten = 150; // counters are re-read, not accumulated, at each scrape
    expect(await registry.metrics()).toContain('cgmeter_influx_points_written_total 150');
  });
});

describe('backoff', () => {
  const options = { minRetryDelayMs: 1000, maxRetryDelayMs: 30_000 };
  it('doubles from the minimum to the maximum, with half of each delay random', () => {
    expect([1, 2, 3, 5, 6, 20].map((n) => retryDelayMs(n, options, undefined, () => 0))).toEqual([500, 1000, 2000, 8000, 15_000, 15_000]);
    expect([1, 2, 6].map((n) => retryDelayMs(n, options, undefined, () => 1))).toEqual([1000, 2000, 30_000]);
  });
  it('honours Retry-After (seconds or a date), capped at 10 minutes', () => {
    expect(retryDelayMs(1, options, 7000, () => 0)).toBe(7000);
    expect(retryDelayMs(1, options, 7000, () => 1)).toBe(7700);
    expect(retryDelayMs(1, options, 86_400_000, () => 0)).toBe(600_000);
    expect(parseRetryAfterMs('7')).toBe(7000);
    expect(parseRetryAfterMs('Wed, 21 Oct 2015 07:28:30 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(30_000);
    expect(parseRetryAfterMs('soon')).toBeUndefined();
  });
});

describe('startInfluxForServe', () => {
  it('is a no-op without options, and otherwise writes, registers its metrics and logs with serve\'s prefix', async () => {
    const registry = new Registry();
    const lines: string[] = [];
    const source = { onSnapshots: () => {} };
    expect(startInfluxForServe(source, undefined, registry, (l) => lines.push(l))).toBeUndefined();
    const options = influxFromArgs(parseCommandArgs(command, ['--influx-url', 'http://127.0.0.1:9', '--influx-db', 'x', '--influx-flush-interval', '1h']));
    const exporter = startInfluxForServe(source, { ...options!, closeTimeoutMs: 100 }, registry, (l) => lines.push(l))!;
    expect(lines[0]).toMatch(/^cgmeter serve: influx: writing to InfluxDB v1 API at http:\/\/127\.0\.0\.1:9 \(db x\)/);
    expect(await registry.metrics()).toContain('cgmeter_influx_points_written_total 0');
    await exporter.close();
  });
});
