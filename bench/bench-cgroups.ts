// Real v1 cgroups for the reader benchmark: /sys/fs/cgroup/<ctrl>/cgmeter-bench/<i> in the
// cpu, cpuacct, memory, blkio and pids hierarchies, a process in every tenth one (a sleeper, or
// a ticker that wakes twice a second, as an idle service does), and a synchronous teardown that
// can run from a signal handler or an 'exit' hook.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CGROUP_ROOT = '/sys/fs/cgroup';
export const CONTROLLERS = ['cpu', 'cpuacct', 'memory', 'blkio', 'pids'] as const;
export type Controller = (typeof CONTROLLERS)[number];
export const BENCH_DIR = 'cgmeter-bench';
// The sleepers' argument marks them as ours, so that a sweep after a crashed run kills only them.
const SLEEP_MARK = '86399.25';
const TICKER_MARK = 'cgmeter-bench-ticker';
/** A process that uses a little CPU twice a second and nothing else (perl: no fork per wake). */
const TICKER = ['perl', ['-e', 'select(undef, undef, undef, 0.5) while 1', TICKER_MARK]] as const;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function isOurSleeper(pid: number): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
    return cmdline === `sleep\0${SLEEP_MARK}\0` || cmdline.endsWith(`\0${TICKER_MARK}\0`);
  } catch {
    return false; // already gone
  }
}

export class BenchCgroups {
  private readonly sleepers: ChildProcess[] = [];
  private count = 0;

  /** Why the benchmark cannot make cgroups here, or undefined when it can. */
  static unavailable(): string | undefined {
    if (process.getuid?.() !== 0) return 'needs root to create cgroups';
    const missing = CONTROLLERS.filter((c) => !existsSync(join(CGROUP_ROOT, c, 'cgroup.procs')));
    if (missing.length > 0) return `needs separate v1 hierarchies; missing ${missing.map((c) => join(CGROUP_ROOT, c)).join(', ')}`;
    return undefined;
  }

  dir(controller: Controller, index: number): string {
    return join(CGROUP_ROOT, controller, BENCH_DIR, String(index));
  }

  /**
   * Makes `count` cgroups in every controller and puts a process in every `sleeperEvery`-th: a
   * sleeper, or with `ticking` a ticker (CPU time that moves every second, as most services').
   */
  create(count: number, sleeperEvery = 10, { ticking = false }: { ticking?: boolean } = {}): void {
    this.removeSync(); // whatever an interrupted earlier run left
    for (const controller of CONTROLLERS) mkdirSync(join(CGROUP_ROOT, controller, BENCH_DIR), { recursive: true });
    for (let i = 0; i < count; i++) {
      for (const controller of CONTROLLERS) mkdirSync(this.dir(controller, i));
      this.count = i + 1;
      if (i % sleeperEvery === 0) {
        const child = ticking ? spawn(TICKER[0], [...TICKER[1]], { stdio: 'ignore' }) : spawn('sleep', [SLEEP_MARK], { stdio: 'ignore' });
        child.on('error', () => {}); // a failed spawn shows up as a missing pid below
        this.sleepers.push(child);
        if (child.pid === undefined) throw new Error(`could not start ${ticking ? 'perl (the ticker)' : 'sleep'}`);
        for (const controller of CONTROLLERS) writeFileSync(join(this.dir(controller, i), 'cgroup.procs'), String(child.pid));
      }
    }
  }

  /** Kills the sleepers and removes every bench cgroup; safe to call any number of times. */
  removeSync(): void {
    for (const child of this.sleepers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    this.sleepers.length = 0;
    for (const controller of CONTROLLERS) {
      const parent = join(CGROUP_ROOT, controller, BENCH_DIR);
      if (!existsSync(parent)) continue;
      for (const name of readdirSync(parent, { withFileTypes: true })) {
        if (name.isDirectory()) removeCgroup(join(parent, name.name));
      }
      removeCgroup(parent);
    }
    this.count = 0;
  }

  get size(): number {
    return this.count;
  }
}

/** rmdir, after killing our leftover sleepers; a killed task leaves the cgroup within ms. */
function removeCgroup(dir: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      rmdirSync(dir);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || attempt >= 200) throw err;
      for (const pid of readFileSync(join(dir, 'cgroup.procs'), 'latin1').split('\n').filter(Boolean).map(Number)) {
        if (isOurSleeper(pid)) process.kill(pid, 'SIGKILL');
      }
      sleepSync(10);
    }
  }
}
