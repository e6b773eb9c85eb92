// Does sampling on the main thread hold up requests? `cgmeter serve` samples 1,000 real cgroups every
// second on its event loop (the batch read is synchronous); this polls GET /healthz every 20 ms for
// S seconds and prints the latency distribution, next to the sample's own wall time
// (cgmeter_collection_duration_seconds): a request that arrives during a sample waits for it.
// Measured for serve as shipped and with --quiet-refresh 0 (every file read at every sample), side by
// side, and for an idle Node HTTP server on the same machine (the floor). Issue #3 asked whether the
// batch should run off the main thread (an AsyncWorker or a worker thread): this is the measurement.
// usage: node --import tsx bench/event-loop-bench.ts [--cgroups N] [--seconds S]   (root)

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchCgroups } from './bench-cgroups.js';
import { listeningUrl, numberArg } from './bench-process.js';

const CGROUPS = numberArg('--cgroups', 1000);
const SECONDS = numberArg('--seconds', 30);
const WARMUP_SECONDS = 10;
const POLL_MS = 20;
const bin = fileURLToPath(new URL('../bin/cgmeter.js', import.meta.url));

interface Latencies { p50: number; p99: number; max: number; over10: number; count: number }

async function poll(base: string, path: string): Promise<Latencies> {
  const ms: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  while (performance.now() < until) {
    const started = performance.now();
    await (await fetch(`${base}${path}`)).arrayBuffer();
    ms.push(performance.now() - started);
    await sleep(POLL_MS);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!;
  return { p50: at(0.5), p99: at(0.99), max: ms[ms.length - 1]!, over10: ms.filter((x) => x > 10).length / ms.length, count: ms.length };
}

async function sampleWallMs(base: string): Promise<number[]> {
  const values: number[] = [];
  for (let i = 0; i < 5; i++) {
    const text = await (await fetch(`${base}/metrics`)).text();
    const v = /^cgmeter_collection_duration_seconds ([0-9.e+-]+)/m.exec(text)?.[1];
    if (v) values.push(Number(v) * 1000);
    await sleep(1100);
  }
  return values;
}

const unavailable = BenchCgroups.unavailable();
if (unavailable) {
  console.log(`event-loop bench skipped: ${unavailable}`);
  process.exit(0);
}
const cgroups = new BenchCgroups();
const children: ChildProcess[] = [];
const cleanup = () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  cgroups.removeSync();
};
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

try {
  cgroups.create(CGROUPS, 10, { ticking: true });
  const start = async (args: string[]) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    return listeningUrl(child);
  };
  const floor = await start(['-e', `require('node:http').createServer((q, r) => r.end('ok')).listen(0, '127.0.0.1', function () { console.error('listening on http://127.0.0.1:' + this.address().port + '/') })`]);
  const serveArgs = [bin, 'serve', '--listen', '127.0.0.1:0', '--interval', '1s', '--docker-socket', 'none', '--podman-socket', 'none', '--no-ledger'];
  const shipped = await start(serveArgs);
  const everyFile = await start([...serveArgs, '--quiet-refresh', '0']);
  await sleep(WARMUP_SECONDS * 1000);
  console.log(`${CGROUPS} cgroups (every tenth with a process waking twice a second), sampled every 1 s; GET /healthz every ${POLL_MS} ms for ${SECONDS} s, the three servers polled at once`);
  const [f, a, b] = await Promise.all([poll(floor, '/'), poll(shipped, '/healthz'), poll(everyFile, '/healthz')]);
  const [wa, wb] = await Promise.all([sampleWallMs(shipped), sampleWallMs(everyFile)]);
  const med = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)] ?? NaN;
  const row = (name: string, l: Latencies, wall?: number) =>
    `${name.padEnd(34)} ${l.p50.toFixed(2).padStart(8)} ${l.p99.toFixed(2).padStart(8)} ${l.max.toFixed(1).padStart(8)} ${(l.over10 * 100).toFixed(1).padStart(9)}   ${wall === undefined ? '-' : wall.toFixed(1)}`;
  console.log(`${'server'.padEnd(34)}  p50 ms   p99 ms   max ms  > 10 ms %   sample wall ms (median of 5)`);
  console.log(row('idle Node HTTP server (floor)', f));
  console.log(row('cgmeter serve (as shipped)', a, med(wa)));
  console.log(row('cgmeter serve --quiet-refresh 0', b, med(wb)));
} finally {
  cleanup();
}
