// Failing neighbours on the engine side: a Docker socket that accepts but never answers, one that
// answers garbage, and one that goes away while serve runs. A real dockerd cannot hang or speak
// garbage on demand, so these are fake unix-socket servers made to misbehave on purpose
// (test/helpers/fake-engine.ts for the HTTP ones). serve must keep sampling and answering /metrics,
// and say once what is wrong and what to do.

import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeEngine } from '../helpers/fake-engine.js';
import { startServe, type ServeProcess } from '../exporters/serve/serve-process.js';
import { expectLoggedOnce, stopServeAndClean, expectStillSampling, metricValue, scrape } from './serve-probe.js';

let serve: ServeProcess | undefined;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  await stopServeAndClean(serve, cleanups);
  serve = undefined;
});

/** A unix socket that reads the request and answers bytes that are no HTTP at all. */
async function garbageSocket(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cgm-garbage-'));
  const path = join(dir, 'docker.sock');
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.once('data', () => s.end('\u0000\u00ffNOT HTTP AT ALL\r\n\r\n{{{{'));
    s.on('error', () => undefined); // the client may hang up first: nothing to do
  });
  await new Promise<void>((r) => server.listen(path, r));
  cleanups.push(() => new Promise<void>((r) => { sockets.forEach((s) => s.destroy()); server.close(() => r()); }), () => rmSync(dir, { recursive: true, force: true }));
  return path;
}

const engineLog = /docker|engine|metadata/i;

describe('a Docker socket that misbehaves', () => {
  it('accepts but never answers: serve starts, samples, answers /metrics, says so once', async () => {
    const engine = new FakeEngine();
    engine.hang = true;
    await engine.start();
    cleanups.push(() => engine.dispose()); // stops it and removes its temp dir
    const started = Date.now();
    serve = await startServe(['--docker-socket', engine.socketPath, '--podman-socket', 'none', '--interval', '1s']);
    // The first sample waits at most 2 s for engine metadata (METADATA_WAIT_MS), then goes on without.
    expect(Date.now() - started).toBeLessThan(20_000);
    await expectStillSampling(serve.url, 6);
    expectLoggedOnce(serve.stderr(), engineLog);
    expect(serve.stderr()).toMatch(/does not answer.*retrying/);
  }, 90_000);

  it('answers garbage: no crash, sampling and /metrics go on, logged once', async () => {
    const path = await garbageSocket();
    serve = await startServe(['--docker-socket', path, '--podman-socket', 'none', '--interval', '1s']);
    await expectStillSampling(serve.url, 6);
    expectLoggedOnce(serve.stderr(), engineLog);
    expect(serve.stderr()).not.toMatch(/TypeError|RangeError|SyntaxError|at .*\(.*:\d+:\d+\)/);
  }, 90_000);

  it('goes away while serve runs: sampling and /metrics go on, logged once', async () => {
    const engine = new FakeEngine();
    cleanups.push(() => engine.dispose());
    await engine.start();
    serve = await startServe(['--docker-socket', engine.socketPath, '--podman-socket', 'none', '--interval', '1s']);
    await engine.stop();
    await expectStillSampling(serve.url, 6);
    // Two conditions in turn: the connection reset, then the socket file gone; each said once.
    expectLoggedOnce(serve.stderr(), engineLog, 2);
  }, 90_000);

  it('counts engine failures in a self-metric (cgmeter_engine_errors_total)', async () => {
    const engine = new FakeEngine();
    engine.hang = true;
    await engine.start();
    cleanups.push(() => engine.dispose()); // stops it and removes its temp dir
    serve = await startServe(['--docker-socket', engine.socketPath, '--podman-socket', 'none']);
    await new Promise((r) => setTimeout(r, 4000));
    expect(metricValue((await scrape(serve.url)).text, 'cgmeter_engine_errors_total')).toBeGreaterThan(0);
  }, 90_000);
});

describe('20 scrapes at once', () => {
  it('all answer 200 with the whole exposition, and sampling goes on', async () => {
    serve = await startServe(['--docker-socket', 'none', '--podman-socket', 'none', '--interval', '1s']);
    await new Promise((r) => setTimeout(r, 1500));
    const results = await Promise.all(Array.from({ length: 20 }, () => scrape(serve!.url, 15_000)));
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.text).toMatch(/^cgmeter_samples_total \d+/m);
      expect(r.text).toMatch(/^container_memory_usage_bytes\{/m);
    }
    // Same families in every answer (sizes differ only by values changing between samples).
    const families = (t: string) => [...t.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]).join(',');
    expect(new Set(results.map((r) => families(r.text))).size).toBe(1);
    await expectStillSampling(serve.url, 3);
  }, 90_000);
});
