// Failing neighbours on the output side: an InfluxDB that answers in 30 s or with 500s (fake HTTP
// servers: a real InfluxDB cannot be made slow or broken on demand), and the spool's or the
// ledger's disk full (a 256 KiB tmpfs). serve keeps sampling and answering /metrics, says once
// what is wrong, and counts it in a self-metric.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe, type ServeProcess } from '../exporters/serve/serve-process.js';
import { expectLoggedOnce, stopServeAndClean, expectStillSampling, fakeHttp, metricValue, scrape } from './serve-probe.js';

let serve: ServeProcess | undefined;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  await stopServeAndClean(serve, cleanups);
  serve = undefined;
});

const tiny = mkdtempSync(join(tmpdir(), 'cgm-full-'));
beforeAll(() => execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', tiny]));
afterAll(() => {
  try { execFileSync('umount', [tiny]); } finally { rmSync(tiny, { recursive: true, force: true }); }
});

const NO_ENGINES = ['--docker-socket', 'none', '--podman-socket', 'none', '--interval', '1s'];
const influxArgs = (url: string) => ['--influx-url', url, '--influx-db', 'cgmeter', '--influx-flush-interval', '1s', '--influx-timeout', '5s'];

describe('an InfluxDB that misbehaves', () => {
  it('answers after 30 s: sampling and /metrics go on; the timeout is counted and said once', async () => {
    const slow = await fakeHttp((_req, res) => { setTimeout(() => { res.statusCode = 204; res.end(); }, 30_000).unref(); });
    cleanups.push(() => slow.close());
    serve = await startServe([...NO_ENGINES, ...influxArgs(slow.url)]);
    await expectStillSampling(serve.url, 12);
    const text = (await scrape(serve.url)).text;
    expect(metricValue(text, 'cgmeter_influx_write_errors_total') + metricValue(text, 'cgmeter_influx_spooling')).toBeGreaterThan(0);
    expectLoggedOnce(serve.stderr(), /influx/i, 2);
  }, 120_000);

  it('answers 500: sampling and /metrics go on; errors counted; said once', async () => {
    const broken = await fakeHttp((_req, res) => { res.statusCode = 500; res.end('{"error":"internal"}'); });
    cleanups.push(() => broken.close());
    serve = await startServe([...NO_ENGINES, ...influxArgs(broken.url)]);
    await expectStillSampling(serve.url, 8);
    expect(broken.requests()).toBeGreaterThan(0);
    expect(metricValue((await scrape(serve.url)).text, 'cgmeter_influx_write_errors_total')).toBeGreaterThan(0);
    expectLoggedOnce(serve.stderr(), /influx/i, 2);
  }, 120_000);
});

describe('disk full (256 KiB tmpfs)', () => {
  /** serve with a disk spool on the tiny tmpfs and a sink that answers 503, so every point is spooled. */
  async function spoolOnFullDisk(sub: string): Promise<ServeProcess> {
    const down = await fakeHttp((_req, res) => { res.statusCode = 503; res.end(); });
    cleanups.push(() => down.close());
    const dir = join(tiny, sub);
    mkdirSync(dir, { recursive: true });
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    // A spool bound far above the disk: the disk fills first, which is the case under test.
    return startServe([...NO_ENGINES, ...influxArgs(down.url), '--spool-dir', dir, '--spool-max-bytes', '64MiB', '--interval', '250ms']);
  }

  // Every failed send tries to spool and every append fails: the two failures interleave, and each
  // is said once (the sink's 503 and the ENOSPC), never the misleading "spool replayed".
  it('spool: points beyond the disk are dropped and counted, ENOSPC is said once; sampling goes on', async () => {
    serve = await spoolOnFullDisk('spool');
    await expectStillSampling(serve.url, 15);
    const text = (await scrape(serve.url)).text;
    expect(metricValue(text, 'cgmeter_influx_points_dropped_total'), serve.stderr()).toBeGreaterThan(0);
    expectLoggedOnce(serve.stderr(), /ENOSPC/);
    expectLoggedOnce(serve.stderr(), /503/);
    expect(serve.stderr()).not.toMatch(/spool replayed/);
  }, 120_000);

  it('ledger: writes fail on a full disk, said once and counted (cgmeter_ledger_write_errors_total); sampling and /metrics go on', async () => {
    const dir = join(tiny, 'ledger');
    mkdirSync(dir, { recursive: true });
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    // 500 ms: the ledger repeats its warning every 60 failed ticks (30 s), after this test's 20 s.
    serve = await startServe(['--ledger', join(dir, 'ledger.db'), ...NO_ENGINES, '--interval', '500ms']);
    await expectStillSampling(serve.url, 20);
    expectLoggedOnce(serve.stderr(), /ledger: write failed/);
    expect(serve.stderr()).toMatch(/database or disk is full/);
    expect(metricValue((await scrape(serve.url)).text, 'cgmeter_ledger_write_errors_total')).toBeGreaterThan(0);
  }, 120_000);
});
