// Bad settings and bad servers: a wrong token, a database that does not exist (real InfluxDB 1.6),
// a server answering 500, a server that accepts and never answers. Each must be logged clearly
// with the server's own message, must never hold up sampling, and — once the problem is gone —
// every sample taken meanwhile must arrive, exactly once.
//
// Fakes are used where no real server here gives the failure on demand: VictoriaMetrics accepts any
// token (and InfluxDB 1.6 has no v2 API to refuse one), and neither can be told to answer 500 or hang.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { CollectorService } from '../../../collector/service.js';
import { ALL_GROUPS } from '../../../collector/poller.js';
import { attachInfluxExporter } from '../../../exporters/influx/attach.js';
import type { InfluxOptions } from '../../../exporters/influx/options.js';
import { requireRootOrSkip } from '../../helpers/preconditions.js';
import { waitFor } from '../../helpers/wait-for.js';
import { FakeInfluxServer } from './helpers/fake-sink.js';
import { parseLine, recordingLog, testOptions } from './helpers/harness.js';
import { influxQuery, startInfluxd, type ManagedServer } from './helpers/servers.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/cgroup-v1', import.meta.url));
const BAD_PHASE_MS = 1500;
const TICK_MS = 100;

/** Timestamps of the root cgroup's cgmeter_cpu points in some lines. */
const rootTimestamps = (lines: readonly string[]) =>
  lines.filter((l) => l.startsWith('cgmeter_cpu,')).map(parseLine).filter((p) => p.tags.id === '/').map((p) => p.timestamp);

/**
 * Samples the v1 fixture tree every 100 ms with the exporter attached while the sink misbehaves,
 * then fixes the sink and checks that every sample's timestamp arrived once.
 */
async function exercise(options: InfluxOptions, fix: () => Promise<void> | void, received: () => Promise<number[]>, expectedLog: RegExp) {
  const service = new CollectorService({ collector: { hostRoot: FIXTURE, reader: 'fallback', groups: ALL_GROUPS }, intervalMs: TICK_MS, discoveryIntervalMs: 60_000 });
  const sampled: number[] = [];
  // Listeners run in the order they were added: the time between these two is the exporter's.
  let before = 0;
  const exportMs: number[] = [];
  service.onSnapshots(() => { before = performance.now(); });
  const log = recordingLog();
  const exporter = attachInfluxExporter(service, options, log);
  service.onSnapshots((snapshots) => {
    exportMs.push(performance.now() - before);
    const root = snapshots.find((s) => s.sample.path === '/');
    if (root) sampled.push(root.sample.timestampMs);
  });
  try {
    service.start();
    await sleep(BAD_PHASE_MS);
    // Sampling went on while every write failed, and the exporter's part of a tick stayed small.
    // Loose bounds, and a median: timers drift and processes get preempted on a loaded machine.
    expect(sampled.length).toBeGreaterThanOrEqual(BAD_PHASE_MS / TICK_MS / 2);
    const median = [...exportMs].sort((a, b) => a - b)[Math.floor(exportMs.length / 2)]!;
    expect(median, `exporter time per tick, ms: ${exportMs.map((t) => t.toFixed(1)).join(' ')}`).toBeLessThan(10);
    expect(exporter.metrics.pointsWritten).toBe(0);
    expect(exporter.metrics.state, log.text()).toBe('spooling');
    const problems = log.lines.filter((l) => l.level !== 'info');
    expect(problems, log.text()).toHaveLength(1); // said once, not once per try
    expect(problems[0]!.message).toMatch(expectedLog);
    await fix();
    await waitFor(() => exporter.metrics.state === 'direct', { timeoutMs: 5000, what: 'the spool to be replayed' });
    await sleep(3 * TICK_MS);
  } finally {
    service.stop();
    await exporter.close();
  }
  expect(log.text()).toMatch(/accepts writes again after \d+ failed attempts/);
  expect(exporter.metrics.pointsDropped).toEqual({ spool_full: 0, rejected: 0, corrupt: 0, shutdown: 0, spool_error: 0 });
  const got = await received();
  expect([...got].sort((a, b) => a - b)).toEqual(sampled);
  return exporter.metrics;
}

describe('bad settings and bad servers', () => {
  const fake = new FakeInfluxServer();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  it('wrong token (401 from a fake v2 server): logged with the server\'s message, parked, delivered once the token is right', async () => {
    fake.mode = { kind: 'answer', status: 401, body: '{"code":"unauthorized","message":"unauthorized access"}' };
    fake.accepted.length = 0;
    const options = testOptions({ url: fake.url, api: { version: 'v2', org: 'o', bucket: 'b', token: 'wrong-token' } });
    const m = await exercise(options, () => { fake.mode = { kind: 'accept' }; }, async () => rootTimestamps(fake.accepted),
      /InfluxDB v2 API at http:\/\/127\.0\.0\.1:\d+ \(org o, bucket b\) answered 401: unauthorized access — writes are parked until this is fixed/);
    expect(fake.requests[0]!.authorization).toBe('Token wrong-token');
    expect(fake.requests[0]!.path).toBe('/api/v2/write?org=o&bucket=b&precision=ms');
    expect(m.writeErrors.unauthorized).toBeGreaterThan(0);
  });

  it('500 with Retry-After (fake): retried after the time asked, nothing lost', async () => {
    fake.mode = { kind: 'answer', status: 500, body: '{"error":"timeout"}', headers: { 'retry-after': '1' } };
    fake.accepted.length = 0;
    fake.requests.length = 0;
    const options = testOptions({ url: fake.url, api: { version: 'v1', database: 'db' } });
    const m = await exercise(options, () => { fake.mode = { kind: 'accept' }; }, async () => rootTimestamps(fake.accepted),
      /InfluxDB v1 API at .* \(db db\) answered 500: timeout — points go to the memory spool .* retrying with backoff \(next try in 1\.\d s\)/);
    const tries = fake.requests.filter((r) => r.status === 500).length;
    expect(tries).toBeLessThanOrEqual(Math.ceil(BAD_PHASE_MS / 1000) + 1); // Retry-After: 1 s, not the 100 ms backoff
    expect(m.writeErrors.server).toBe(tries);
  });

  it('a server that accepts and never answers (fake): times out, spools, nothing lost', async () => {
    fake.mode = { kind: 'hang' };
    fake.accepted.length = 0;
    const options = testOptions({ url: fake.url, api: { version: 'v1', database: 'db' }, timeoutMs: 400 });
    const m = await exercise(options, () => { fake.mode = { kind: 'accept' }; }, async () => rootTimestamps(fake.accepted),
      /\(db db\): no answer within 400 ms — points go to the memory spool/);
    expect(m.writeErrors.timeout).toBeGreaterThan(0);
  });

  it('the same hang through the v2 client', async () => {
    fake.mode = { kind: 'hang' };
    fake.accepted.length = 0;
    const options = testOptions({ url: fake.url, api: { version: 'v2', org: 'o', bucket: 'b' }, timeoutMs: 400 });
    await exercise(options, () => { fake.mode = { kind: 'accept' }; }, async () => rootTimestamps(fake.accepted),
      /\(org o, bucket b\): no answer within 400 ms — points go to the memory spool/);
  });
});

describe.skipIf(requireRootOrSkip({ root: false, binaries: ['influxd'] }, 'influx bad-input tests'))('a database that does not exist (real InfluxDB 1.6)', () => {
  let influx: ManagedServer;
  beforeAll(async () => {
    influx = await startInfluxd();
  });
  afterAll(() => influx?.destroy());

  it('404 database not found: logged with InfluxDB\'s message, parked, delivered after CREATE DATABASE', async () => {
    const options = testOptions({ url: influx.url, api: { version: 'v1', database: 'not_yet' } });
    const m = await exercise(options,
      async () => { await influxQuery(influx, 'CREATE DATABASE not_yet'); },
      async () => {
        const r = await influxQuery(influx, 'SELECT usage_seconds FROM cgmeter_cpu WHERE id = \'/\'', 'not_yet');
        return (r.results[0]!.series?.[0]?.values ?? []).map((v) => v[0] as number);
      },
      /InfluxDB v1 API at http:\/\/127\.0\.0\.1:\d+ \(db not_yet\) answered 404: database not found: "not_yet" — writes are parked until this is fixed: points wait in the memory spool/);
    expect(m.writeErrors['not-found']).toBeGreaterThan(0);
  });
});
