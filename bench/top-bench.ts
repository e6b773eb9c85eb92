// What `cgmeter top` itself costs: the dashboard process's CPU % of one core at a 1 s interval
// with 200 containers (real cgroups, docker-shaped paths, a sleeper in every tenth), running in a
// 120×40 tmux terminal, from utime+stime in /proc/<pid>/stat over 30 s. Beside it, over the same
// window: an idle Node process (floor) and the collector alone sampling the same cgroups headless,
// so the share the views and the terminal add is plain. Goal: ≤ 3% of a core. Never fails on timing.
// usage: node --import tsx bench/top-bench.ts [--containers N] [--seconds S]   (root, tmux)

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { CollectorService } from '../collector/service.js';
import { ALL_GROUPS } from '../collector/poller.js';
import { createTestCgroup, findBinary, type TestCgroup } from '../test/helpers/kernel.js';
import { TmuxSession, topCommandLine } from '../test/dashboard/tmux.js';
import { numberArg } from './bench-process.js';

const CONTAINERS = numberArg('--containers', 200);
const SECONDS = numberArg('--seconds', 30);
const WARMUP_SECONDS = 5;
const CLK_TCK = 100;
const GOAL_PERCENT = 3;

/** `--collector-only`: this file run as the headless comparison process, with top's cadences. */
if (process.argv.includes('--collector-only')) {
  const service = new CollectorService({ collector: { hostRoot: '/', reader: 'auto', groups: ALL_GROUPS }, intervalMs: 1000, discoveryIntervalMs: 30_000 });
  service.start();
  setInterval(() => {}, 60_000); // the service's timers are unref'd
} else {
  await main();
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime, every thread of the process
}

function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1]) / 1024;
}

async function measure(pid: number): Promise<{ cpuPercent: number; rssMiB: number }> {
  await sleep(WARMUP_SECONDS * 1000);
  const before = cpuTicks(pid);
  const t0 = performance.now();
  await sleep(SECONDS * 1000);
  const ticks = cpuTicks(pid) - before;
  const seconds = (performance.now() - t0) / 1000;
  return { cpuPercent: (ticks / CLK_TCK / seconds) * 100, rssMiB: rssMiB(pid) };
}

/** Containers under one test cgroup: `<top>/bench/docker/<64 hex>` in every hierarchy, sleepers in every tenth. */
function makeContainers(root: TestCgroup, count: number): ChildProcess[] {
  const sleepers: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    const id = randomBytes(32).toString('hex');
    const dirs = root.dirs().map((d) => `${d}/docker/${id}`);
    for (const dir of dirs) mkdirSync(dir, { recursive: true });
    if (i % 10 === 0) {
      const child = spawn('sleep', ['3600'], { stdio: 'ignore' });
      child.on('error', () => {});
      for (const dir of dirs) writeFileSync(`${dir}/cgroup.procs`, String(child.pid));
      sleepers.push(child);
    }
  }
  return sleepers;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log('top bench: needs root (it makes cgroups); skipped');
    return;
  }
  if (findBinary('tmux') === undefined) {
    console.log('top bench: needs tmux; skipped');
    return;
  }
  const root = createTestCgroup('bench', { prefix: 'cgmeter-topbench', controllers: ['cpu', 'memory', 'io', 'pids'] });
  let session: TmuxSession | undefined;
  const children: ChildProcess[] = [];
  try {
    makeContainers(root, CONTAINERS);
    console.log(`${CONTAINERS} containers made under ${root.path}; measuring ${SECONDS} s after ${WARMUP_SECONDS} s of warm-up each`);

    // All three run at once and are measured over the same window: this machine is shared, and
    // other work (cgroups made and removed, which every collector re-discovers) is then the same for each.
    const idle = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const collector = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--collector-only'], { stdio: 'ignore' });
    children.push(idle, collector);
    session = new TmuxSession(`exec ${topCommandLine(['--interval', '1s', '--docker-socket', 'none', '--podman-socket', 'none'])}`, 120, 40);
    await session.waitForScreen((l) => Number(/containers (\d+)/.exec(l[0] ?? '')?.[1] ?? 0) >= CONTAINERS, `top to list ${CONTAINERS} containers`, 30_000);
    const [floor, headless, top] = await Promise.all([measure(idle.pid!), measure(collector.pid!), measure(session.panePid())]);
    const screen = session.lines();

    const row = (name: string, m: { cpuPercent: number; rssMiB: number }, note = '') =>
      console.log(`  ${name.padEnd(34)} ${m.cpuPercent.toFixed(2).padStart(6)}% of a core   RSS ${m.rssMiB.toFixed(0).padStart(4)} MiB${note}`);
    console.log(`at 1 s, ${CONTAINERS} containers (${screen[0]?.match(/containers \d+\/\d+ cgroups/)?.[0] ?? '?'} on screen):`);
    row('idle Node process (floor)', floor);
    row('collector alone, headless', headless, `   ${(headless.cpuPercent / Math.max(floor.cpuPercent, 0.01)).toFixed(1)}× floor`);
    row('cgmeter top in tmux 120×40', top, `   ${(top.cpuPercent / Math.max(headless.cpuPercent, 0.01)).toFixed(2)}× collector alone`);
    console.log(`  the dashboard's own share (top − collector alone): ${(top.cpuPercent - headless.cpuPercent).toFixed(2)}% of a core`);
    console.log(`cgmeter top: ${top.cpuPercent.toFixed(2)}% of one core (goal ≤ ${GOAL_PERCENT}%: ${top.cpuPercent <= GOAL_PERCENT ? 'met' : 'NOT met'})`);
  } finally {
    session?.kill();
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    root.destroySync();
  }
}
