// Test support for the hardening suites: read serve's self-metrics and prove that sampling goes on
// (the JSON API's sample timestamps advance and /metrics answers) while a neighbour misbehaves.

import { expect } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServeProcess } from '../exporters/serve/serve-process.js';

/** Sum of every series of `name` in an exposition (labelled families: all reasons), NaN when absent. */
export function metricValue(text: string, name: string): number {
  const values = [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].map((m) => Number(m[1]));
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0);
}

export async function scrape(base: string, timeoutMs = 10_000): Promise<{ status: number; text: string; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, text: await res.text(), ms: performance.now() - started };
}

/** Newest sample time the JSON API reports, ms since the epoch. */
export async function newestSampleMs(base: string): Promise<number> {
  const res = await fetch(`${base}/api/v1/containers?all=1`, { signal: AbortSignal.timeout(10_000) });
  const body = JSON.stringify(await res.json());
  const stamps = [...body.matchAll(/"(?:timestampMs|timestamp)":\s*"?([0-9T:.\-Z]+)"?/g)].map((m) => (/^\d+$/.test(m[1]!) ? Number(m[1]) : Date.parse(m[1]!)));
  return Math.max(...stamps.filter(Number.isFinite));
}

/** Over `seconds`, samples keep coming (API timestamps advance) and every /metrics answers in time. */
export async function expectStillSampling(base: string, seconds = 4): Promise<void> {
  const first = await newestSampleMs(base);
  const firstCount = metricValue((await scrape(base)).text, 'cgmeter_samples_total');
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const scraped = await scrape(base);
  expect(scraped.status).toBe(200);
  // Generous for a shared 2-core machine: a scrape of the host's few cgroups takes milliseconds.
  expect(scraped.ms).toBeLessThan(2000);
  expect(await newestSampleMs(base)).toBeGreaterThan(first);
  expect(metricValue(scraped.text, 'cgmeter_samples_total')).toBeGreaterThanOrEqual(firstCount + seconds - 2);
}

/** An HTTP server on 127.0.0.1 that answers every request with `handler` (fake InfluxDB). */
export async function fakeHttp(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server; requests: () => number; close(): Promise<void> }> {
  let requests = 0;
  const server = createServer((req, res) => { requests++; handler!(req, res); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`, server, requests: () => requests,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** Log lines other than the start line that match `pattern`. */
export function logLines(stderr: string, pattern: RegExp): string[] {
  return stderr.split('\n').filter((l) => pattern.test(l) && !l.startsWith('cgmeter serve: listening on '));
}

/** "Logged once": no line twice, and at most `conditions` lines (one per distinct condition met). */
export function expectLoggedOnce(stderr: string, pattern: RegExp, conditions = 1): void {
  const lines = logLines(stderr, pattern);
  expect(lines.length, stderr).toBeGreaterThanOrEqual(1);
  expect(lines.length, stderr).toBeLessThanOrEqual(conditions);
  expect(new Set(lines).size, stderr).toBe(lines.length);
}

/**
 * For afterEach: kills the serve a test started and waits for its exit (a process still holding
 * files on a tmpfs would keep it from unmounting), then runs the test's cleanups in order.
 */
export async function stopServeAndClean(serve: ServeProcess | undefined, cleanups: Array<() => Promise<void> | void>): Promise<void> {
  serve?.kill();
  if (serve) await serve.exited;
  for (const c of cleanups.splice(0)) await c();
}
