// The web UI's own cost to `cgmeter serve`: serve's CPU (utime + stime from /proc/<pid>/stat) with one
// headless Chromium on the containers table, on a container page (five live charts), and on about:blank
// (no connection to serve). The conditions alternate in short windows (blank, table, blank, container, …)
// and each gets --seconds S in total; a page's cost is its CPU minus blank's. Budget: ≤ 1 % of one core.
// Two hosts, one after the other:
// - quiet: serve over a copy of the v1 fixture tree (--host-root) with --containers docker containers.
//   The files do not change, so nothing but the page moves serve's CPU: this is the figure.
// - live: this machine's cgroups plus --containers docker-shaped test cgroups with a sleeper each. On a
//   shared machine other work (cgroup churn, other tests) moves serve's CPU by more than the page costs,
//   so this figure is printed with that caveat.
// usage: node --import tsx bench/web-bench.ts [--seconds 30] [--window 10] [--containers 20] [--host quiet|live|both]

import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestCgroup, destroyAllTestCgroups, findBinary, missingPrerequisites } from '../test/helpers/kernel.js';
import { startServe, type ServeProcess } from '../test/exporters/serve/serve-process.js';
import { CHROMIUM, openBrowser, type Browser } from '../test/web/browser.js';
import { stringArg } from './bench-process.js';

const SECONDS = Number(stringArg('--seconds', '30'));
const WINDOW_S = Number(stringArg('--window', '10'));
const CONTAINERS = Number(stringArg('--containers', '20'));
const HOSTS = stringArg('--host', 'both');
const WARMUP_MS = 10_000;
const CLK_TCK = 100; // USER_HZ on Linux
const BUDGET_PERCENT = 1;
const FIXTURE = fileURLToPath(new URL('../test/fixtures/cgroup-v1', import.meta.url));
const ENGINES = ['--docker-socket', 'none', '--podman-socket', 'none'];

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

/** CPU ticks and wall seconds one condition has accumulated. */
class Tally {
  ticks = 0;
  seconds = 0;
  get percent(): number {
    return (this.ticks / CLK_TCK / this.seconds) * 100;
  }
}

async function measureWindow(pid: number, tally: Tally): Promise<void> {
  const ticks = cpuTicks(pid);
  const started = performance.now();
  await sleep(WINDOW_S * 1000);
  tally.ticks += cpuTicks(pid) - ticks;
  tally.seconds += (performance.now() - started) / 1000;
}

/** The alternating windows against one running serve; returns the largest page cost. */
async function measure(label: string, serve: ServeProcess, containerPath: string, browser: Browser): Promise<number> {
  const pid = serve.child.pid!;
  const page = browser.page;
  const rounds = Math.max(1, Math.round(SECONDS / WINDOW_S));
  /** Loads a page (or about:blank) and lets its start-up requests pass: they are not its steady cost. */
  const show = async (url: string, ready?: string) => {
    await page.goto('about:blank');
    if (!ready) return;
    await page.goto(url);
    await page.waitForSelector(ready, { timeout: 30_000 });
    await sleep(2000);
  };
  await sleep(WARMUP_MS);
  const blank = new Tally();
  const table = new Tally();
  const container = new Tally();
  for (let round = 0; round < rounds; round++) {
    await show('about:blank');
    await measureWindow(pid, blank);
    await show(`${serve.url}/`, '#containers tbody tr[data-key]');
    await measureWindow(pid, table);
    await show('about:blank');
    await measureWindow(pid, blank);
    await show(`${serve.url}/#/c/${encodeURIComponent(containerPath)}`, '#chart-cpu canvas');
    await measureWindow(pid, container);
  }
  const row = (what: string, t: Tally, extra = '') => console.log(`  ${what.padEnd(34)}${t.percent.toFixed(2).padStart(7)} %   over ${t.seconds.toFixed(0)} s${extra}`);
  console.log(`${label}: serve's CPU in % of one core, ${rounds} rounds of ${WINDOW_S} s windows after ${WARMUP_MS / 1000} s of warm-up`);
  row('no page (about:blank)', blank);
  row('Chromium on the containers table', table, `   page cost ${(table.percent - blank.percent).toFixed(2)} %`);
  row('Chromium on a container page', container, `   page cost ${(container.percent - blank.percent).toFixed(2)} %`);
  return Math.max(table.percent, container.percent) - blank.percent;
}

/** A copy of the v1 fixture tree with `count` more docker containers (copies of its first one). */
function quietHost(count: number): { root: string; firstPath: string } {
  const root = mkdtempSync(join(tmpdir(), 'cgmeter-webbench-host-'));
  cpSync(FIXTURE, root, { recursive: true });
  const ids = Array.from({ length: count }, (_, i) => `beef${i.toString(16).padStart(4, '0')}`.padEnd(64, '0'));
  const cgroupRoot = join(root, 'sys/fs/cgroup');
  for (const controller of readdirSync(cgroupRoot)) {
    const docker = join(cgroupRoot, controller, 'docker');
    if (!existsSync(docker)) continue;
    const template = readdirSync(docker, { withFileTypes: true }).find((e) => e.isDirectory() && /^[0-9a-f]{64}$/.test(e.name));
    if (!template) continue;
    for (const id of ids) cpSync(join(docker, template.name), join(docker, id), { recursive: true });
  }
  return { root, firstPath: `/docker/${ids[0]}` };
}

const missing = [...missingPrerequisites({ root: HOSTS !== 'quiet', binaries: ['sleep'] }), ...(findBinary('chromium') ? [] : [`needs ${CHROMIUM}`])];
if (missing.length > 0) {
  console.log(`web bench skipped: ${missing.join('; ')}`);
  process.exit(0);
}

let serve: ServeProcess | undefined;
let browser: Browser | undefined;
let quietRoot: string | undefined;
const figures: string[] = [];
try {
  browser = await openBrowser();
  // serve runs through tsx (as the tests start it): tsx compiles at start-up only, so the steady state is dist's.
  if (HOSTS === 'quiet' || HOSTS === 'both') {
    const host = quietHost(CONTAINERS);
    quietRoot = host.root;
    serve = await startServe(['--interval', '1s', '--host-root', host.root, '--reader', 'fallback', ...ENGINES]);
    const cost = await measure(`quiet host (fixture tree, ${CONTAINERS + 2} containers, sampled every 1 s)`, serve, host.firstPath, browser);
    figures.push(`quiet host ${cost.toFixed(2)} %`);
    serve.kill();
  }
  if (HOSTS === 'live' || HOSTS === 'both') {
    const first = createTestCgroup(`docker/${randomBytes(32).toString('hex')}`, { controllers: ['cpu', 'memory', 'pids'], prefix: 'cgmeter-webbench' });
    await first.spawnIn('sleep', ['900']);
    for (let i = 1; i < CONTAINERS; i++) {
      const cg = createTestCgroup(`docker/${randomBytes(32).toString('hex')}`, { controllers: ['cpu', 'memory', 'pids'], prefix: 'cgmeter-webbench' });
      await cg.spawnIn('sleep', ['900']);
    }
    serve = await startServe(['--interval', '1s', ...ENGINES]);
    const cgroups = /; (\d+) cgroups/.exec(serve.startLine)?.[1] ?? '?';
    const cost = await measure(`live host (${cgroups} cgroups at start, ${CONTAINERS} test containers, sampled every 1 s; other work on the machine shows up here)`, serve, first.path, browser);
    figures.push(`live host ${cost.toFixed(2)} % (noisy)`);
  }
  console.log(`web UI cost to serve (largest page cost): ${figures.join(', ')}; budget ≤ ${BUDGET_PERCENT} % of one core`);
} finally {
  await browser?.close();
  serve?.kill();
  await destroyAllTestCgroups();
  if (quietRoot) rmSync(quietRoot, { recursive: true, force: true });
}
