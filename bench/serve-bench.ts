// `cgmeter serve` as it runs on a node: 1,000 real cgroups sampled every second for 60 s, with
// /metrics scraped every --scrape-seconds (default 5 s; 15 s is a common Prometheus interval, 0 = no
// scrape, sampling alone). Every tenth cgroup holds a process that wakes twice a second (its CPU time
// moves every sample, as an idle service's does); the rest are empty, as parents and stopped
// containers are. Two serves run side by side over the same cgroups: as shipped (quiet refresh on:
// a cgroup that used no CPU has only its CPU time read, the rest every 10 s) and with
// --quiet-refresh 0 (every file of every cgroup every second: the cost when every cgroup is busy).
// Prints each process's CPU % of one core and RSS, next to a floor: an idle Node process with one
// 1 s timer, measured in the same run.
// usage: node --import tsx bench/serve-bench.ts [--cgroups N] [--seconds S] [--scrape-seconds S]   (root)

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchCgroups } from './bench-cgroups.js';
import { listeningUrl, numberArg } from './bench-process.js';

const CGROUPS = numberArg('--cgroups', 1000);
const SECONDS = numberArg('--seconds', 60);
const SCRAPE_SECONDS = numberArg('--scrape-seconds', 5);
const WARMUP_SECONDS = 10;
const CLK_TCK = 100;
const bin = fileURLToPath(new URL('../bin/cgmeter.js', import.meta.url));

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

function rssBytes(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1];
  return Number(kb) * 1024;
}


interface Measured { cpuPercent: number; rssMiB: number; scrapeMs?: number; scrapeKiB?: number }

async function measure(child: ChildProcess, scrapeUrl?: string): Promise<Measured> {
  const pid = child.pid!;
  await sleep(WARMUP_SECONDS * 1000);
  const ticks0 = cpuTicks(pid);
  const t0 = performance.now();
  const scrapes: Array<{ ms: number; bytes: number }> = [];
  let maxRss = 0;
  let lastScrape = t0;
  while (performance.now() - t0 < SECONDS * 1000) {
    await sleep(1000);
    maxRss = Math.max(maxRss, rssBytes(pid));
    if (scrapeUrl && SCRAPE_SECONDS > 0 && performance.now() - lastScrape >= SCRAPE_SECONDS * 1000 - 500) {
      lastScrape = performance.now();
      const s = performance.now();
      const body = await (await fetch(scrapeUrl)).arrayBuffer();
      scrapes.push({ ms: performance.now() - s, bytes: body.byteLength });
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpuPercent = ((cpuTicks(pid) - ticks0) / CLK_TCK / seconds) * 100;
  const result: Measured = { cpuPercent, rssMiB: maxRss / 1048576 };
  if (scrapes.length > 0) {
    result.scrapeMs = scrapes.reduce((a, s) => a + s.ms, 0) / scrapes.length;
    result.scrapeKiB = scrapes[scrapes.length - 1]!.bytes / 1024;
  }
  return result;
}

const unavailable = BenchCgroups.unavailable();
if (unavailable) {
  console.log(`serve bench skipped: ${unavailable}`);
  process.exit(0);
}
const cgroups = new BenchCgroups();
const children: ChildProcess[] = [];
const cleanups: Array<() => void> = [];
const cleanup = () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  cgroups.removeSync();
  for (const c of cleanups.splice(0)) c();
};
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

try {
  cgroups.create(CGROUPS, 10, { ticking: true });
  const floor = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  children.push(floor);
  const startServe = async (extra: string[]) => {
    const ledgerDir = mkdtempSync(join(tmpdir(), 'cgm-serve-bench-'));
    cleanups.push(() => rmSync(ledgerDir, { recursive: true, force: true }));
    // As deployed: with the ledger on (in a temp dir), without engines (none run here).
    const serve = spawn(process.execPath, [bin, 'serve', '--listen', '127.0.0.1:0', '--interval', '1s', '--docker-socket', 'none', '--podman-socket', 'none',
      '--ledger', join(ledgerDir, 'ledger.db'), ...extra, ...(process.env.SERVE_BENCH_ARGS ?? '').split(' ').filter(Boolean)], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(serve);
    return { serve, base: await listeningUrl(serve) };
  };
  const shipped = await startServe([]);
  const everyFile = await startServe(['--quiet-refresh', '0']);
  console.log(`${CGROUPS} cgroups (+ the host's own; ${Math.ceil(CGROUPS / 10)} with a process waking twice a second), sampled every 1 s, measured over ${SECONDS} s after ${WARMUP_SECONDS} s of warm-up, ${SCRAPE_SECONDS > 0 ? `/metrics scraped every ${SCRAPE_SECONDS} s` : 'no scrape (sampling alone)'}`);
  const [floorResult, shippedResult, everyFileResult] = await Promise.all([measure(floor), measure(shipped.serve, `${shipped.base}/metrics`), measure(everyFile.serve, `${everyFile.base}/metrics`)]);
  const health = await (await fetch(`${shipped.base}/api/v1/containers?all=1`)).json() as unknown[];
  const quiet = /^cgmeter_quiet_cgroups (\d+)/m.exec(await (await fetch(`${shipped.base}/metrics`)).text())?.[1];
  const row = (name: string, m: Measured) => `${name.padEnd(38)} ${m.cpuPercent.toFixed(2).padStart(17)}   ${m.rssMiB.toFixed(1).padStart(11)}   ${(m.scrapeMs?.toFixed(1) ?? '-').padStart(9)}   ${(m.scrapeKiB?.toFixed(0) ?? '-').padStart(10)}`;
  console.log(`${'process'.padEnd(38)}  CPU % of one core   max RSS MiB   scrape ms   scrape KiB`);
  console.log(row('idle node (floor)', floorResult));
  console.log(row('cgmeter serve (as shipped)', shippedResult));
  console.log(row('cgmeter serve --quiet-refresh 0', everyFileResult));
  console.log(`goal: serve ≤ 5 % of one core and ≤ 200 MiB RSS; cgroups served by the JSON API: ${health.length}; quiet at the last sample (CPU time read alone): ${quiet ?? '?'}`);
} finally {
  cleanup();
}
