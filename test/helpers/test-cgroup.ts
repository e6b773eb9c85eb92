// Test support: a throw-away cgroup made in every hierarchy the host has, limits written the v1 or v2
// way, processes started already inside it, and a teardown that leaves nothing behind, even when a
// test fails or the worker is interrupted.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readProcs, removeTrees, sweepStale } from './cgroup-teardown.js';
import { findBinary } from './preconditions.js';
import { detectHostCgroups, type HostCgroups } from './host-cgroups.js';
import { waitFor } from './wait-for.js';

/** Controllers by their v2 names; on v1 `cpu` means the cpu and cpuacct hierarchies, `io` means blkio. */
export type TestController = 'cpu' | 'memory' | 'io' | 'pids' | 'cpuset';

const ALL_CONTROLLERS: readonly TestController[] = ['cpu', 'memory', 'io', 'pids', 'cpuset'];
const V1_HIERARCHIES: Record<TestController, string[]> = {
  cpu: ['cpu', 'cpuacct'], memory: ['memory'], io: ['blkio'], pids: ['pids'], cpuset: ['cpuset'],
};
const V1_NAME: Record<string, string> = { io: 'blkio' };
const V2_NAME: Record<string, string> = { cpuacct: 'cpu', blkio: 'io' };
// `sh` exits with this when it could not join the cgroup, before exec'ing the command.
const JOIN_FAILED = 125;

export interface TestCgroupOptions {
  /** Default: all of cpu, memory, io, pids, cpuset. */
  controllers?: TestController[];
  /** First part of the top directory's name: `<prefix>-<pid>-<random>`. Default 'cgmeter-test'. */
  prefix?: string;
}

export interface TestCgroupLimits {
  cpuQuotaUs?: number | 'max';
  cpuPeriodUs?: number;
  memoryBytes?: number | 'max';
  pidsMax?: number | 'max';
}

const live = new Set<TestCgroup>();
const sweptPrefixes = new Set<string>();

export class TestCgroup {
  /** Path relative to each hierarchy's mount, e.g. '/cgmeter-test-4711-a1b2c3/app'. */
  readonly path: string;
  /** Every hierarchy (mount directory) the cgroup was made in. */
  readonly hierarchies: readonly string[];
  /** Pids started by spawnIn that have not exited yet. */
  readonly pids = new Set<number>();
  /** The top level this kit made, e.g. '/cgmeter-test-4711-a1b2c3'; destroy removes it and all below. */
  readonly topPath: string;
  private destroyed = false;

  constructor(readonly host: HostCgroups, name: string, options: TestCgroupOptions = {}) {
    const segments = name.split('/').filter(Boolean);
    if (segments.length === 0 || segments.some((s) => !/^[\w.:@-]+$/.test(s) || /^\.+$/.test(s))) {
      throw new Error(`test cgroup name ${JSON.stringify(name)}: use path segments of [A-Za-z0-9_.:@-], no '..'`);
    }
    const prefix = options.prefix ?? 'cgmeter-test';
    const controllers = options.controllers ?? [...ALL_CONTROLLERS];
    this.topPath = `/${prefix}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.path = `${this.topPath}/${segments.join('/')}`;
    this.hierarchies = hierarchiesFor(host, controllers);
    if (!sweptPrefixes.has(prefix)) {
      sweptPrefixes.add(prefix);
      sweepStale(this.hierarchies, prefix);
    }
    live.add(this);
    installExitHandlers();
    try {
      for (const mount of this.hierarchies) {
        let relative = '';
        for (const segment of [this.topPath.slice(1), ...segments]) {
          const parent = mount + relative;
          relative += `/${segment}`;
          if (host.mode === 'v2') enableControllers(parent, controllers);
          mkdirSync(mount + relative);
          if (host.mode !== 'v2' && host.mounts.cpuset === mount) copyCpuset(parent, mount + relative);
        }
      }
    } catch (error) {
      this.destroySync();
      throw error;
    }
  }

  /** Absolute directory in the hierarchy of `controller` (v1 or v2 name; 'unified' for the cgroup2 mount). */
  dir(controller: string): string {
    const mount = this.host.mode === 'v2' ? this.host.unified
      : controller === 'unified' ? this.host.unified : this.host.mounts[V1_NAME[controller] ?? controller];
    if (mount === undefined || !this.hierarchies.includes(mount)) {
      throw new Error(`test cgroup ${this.path} was not made in the ${controller} hierarchy`);
    }
    return mount + this.path;
  }

  /** The cgroup's directory in every hierarchy. */
  dirs(): string[] {
    return this.hierarchies.map((mount) => mount + this.path);
  }

  read(controller: string, file: string): string {
    return readFileSync(`${this.dir(controller)}/${file}`, 'utf8');
  }

  write(controller: string, file: string, value: string | number): void {
    writeFileSync(`${this.dir(controller)}/${file}`, String(value));
  }

  /**
   * The largest CPU weight (cpu.shares 262144 on v1, cpu.weight 10000 on v2) at every level this
   * cgroup has: a load under test then gets the CPU its quota allows even while neighbours (other
   * test files' servers, the v2 VM that `npm test` runs at the same time) keep both cores busy,
   * so tests can check the quota's own figure instead of whatever was left over.
   */
  favourCpu(): void {
    this.cpuWeightEverywhere(this.host.mode === 'v2' ? '10000' : '262144');
  }

  /**
   * The smallest CPU weight (cpu.shares 2, cpu.weight 1) at every level: what runs here (a docker
   * build's compiler) gets only the CPU that nothing else wants, so it cannot starve the tests
   * beside it, and still finishes while they wait.
   */
  yieldCpu(): void {
    this.cpuWeightEverywhere(this.host.mode === 'v2' ? '1' : '2');
  }

  private cpuWeightEverywhere(value: string): void {
    const mount = this.dir('cpu').slice(0, -this.path.length);
    const file = this.host.mode === 'v2' ? 'cpu.weight' : 'cpu.shares';
    const levels = this.path.slice(this.topPath.length).split('/').filter(Boolean);
    let level = this.topPath;
    writeFileSync(`${mount}${level}/${file}`, value);
    for (const segment of levels) {
      level += `/${segment}`;
      writeFileSync(`${mount}${level}/${file}`, value);
    }
  }

  /** Pids in this cgroup (not its children), in any hierarchy. */
  procs(): number[] {
    return [...new Set(this.dirs().flatMap(readProcs))];
  }

  /** CPU time used by the cgroup in ns: cpuacct.usage on v1, cpu.stat usage_usec on v2. */
  cpuUsageNs(): number {
    if (this.host.mode !== 'v2') return Number(this.read('cpuacct', 'cpuacct.usage'));
    const usec = /^usage_usec (\d+)$/m.exec(this.read('cpu', 'cpu.stat'))?.[1];
    if (usec === undefined) throw new Error(`no usage_usec in ${this.dir('cpu')}/cpu.stat`);
    return Number(usec) * 1000;
  }

  /** memory.usage_in_bytes on v1, memory.current on v2. */
  memoryUsageBytes(): number {
    return Number(this.read('memory', this.host.mode === 'v2' ? 'memory.current' : 'memory.usage_in_bytes'));
  }

  setLimits({ cpuQuotaUs, cpuPeriodUs, memoryBytes, pidsMax }: TestCgroupLimits): void {
    const v2 = this.host.mode === 'v2';
    if (v2 && (cpuQuotaUs !== undefined || cpuPeriodUs !== undefined)) {
      const [quota, period] = this.read('cpu', 'cpu.max').trim().split(' ');
      this.write('cpu', 'cpu.max', `${cpuQuotaUs ?? quota} ${cpuPeriodUs ?? period}`);
    } else if (!v2) {
      if (cpuPeriodUs !== undefined) this.write('cpu', 'cpu.cfs_period_us', cpuPeriodUs);
      if (cpuQuotaUs !== undefined) this.write('cpu', 'cpu.cfs_quota_us', cpuQuotaUs === 'max' ? -1 : cpuQuotaUs);
    }
    if (memoryBytes !== undefined) {
      if (v2) this.write('memory', 'memory.max', memoryBytes);
      else this.write('memory', 'memory.limit_in_bytes', memoryBytes === 'max' ? -1 : memoryBytes);
    }
    if (pidsMax !== undefined) this.write('pids', 'pids.max', pidsMax);
  }

  /**
   * Starts `command args…` already inside the cgroup in every hierarchy: a shell writes its own pid
   * to each cgroup.procs, then execs the command. Resolves once the kernel lists the pid there (or
   * the command already finished). stdio defaults to 'ignore'.
   */
  async spawnIn(command: string, args: readonly string[] = [], options: SpawnOptions = {}): Promise<ChildProcess> {
    if (this.destroyed) throw new Error(`test cgroup ${this.path} is already destroyed`);
    // Otherwise the shell's failing exec would look like a command that ran and exited.
    if (!command.includes('/') && findBinary(command) === undefined) throw new Error(`${command} is not on PATH`);
    const join = this.dirs().map((dir) => `echo $$ > ${shellQuote(`${dir}/cgroup.procs`)} || exit ${JOIN_FAILED}`);
    const child = spawn('/bin/sh', ['-c', `${join.join('; ')}; exec "$@"`, 'sh', command, ...args],
      { stdio: 'ignore', ...options });
    let ended: { code: number | null; error?: Error } | undefined;
    child.once('error', (error) => { ended = { code: null, error }; });
    child.once('exit', (code) => {
      ended ??= { code };
      if (child.pid !== undefined) this.pids.delete(child.pid);
    });
    if (child.pid !== undefined) this.pids.add(child.pid);
    await waitFor(() => ended !== undefined || this.dirs().every((dir) => readProcs(dir).includes(child.pid!)),
      { timeoutMs: 10_000, intervalMs: 20, what: `${command} to be inside ${this.path}` });
    if (ended?.error !== undefined || ended?.code === JOIN_FAILED) {
      throw new Error(`could not start ${command} inside ${this.path}: ${ended.error?.message ?? 'joining a cgroup.procs failed'}`);
    }
    return child;
  }

  /** Kills everything inside (children a test made included) and removes every level it made. */
  async destroy(): Promise<void> {
    this.destroySync();
  }

  /** Synchronous so that it can run from a process 'exit' handler. Safe to call twice. */
  destroySync(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    live.delete(this);
    removeTrees(this.hierarchies.map((mount) => mount + this.topPath));
  }
}

/**
 * Resolves when `child` has exited, also when it already had before the call: spawnIn may resolve
 * after a short command (dd of a few MiB) is done, and a plain once('exit') would then wait forever.
 */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

export function createTestCgroup(name: string, options: TestCgroupOptions = {}): TestCgroup {
  return new TestCgroup(detectHostCgroups(), name, options);
}

/** For afterEach/afterAll: destroys every test cgroup this process still has. */
export async function destroyAllTestCgroups(): Promise<void> {
  destroyAllSync();
}

function destroyAllSync(): void {
  const errors: unknown[] = [];
  for (const cgroup of [...live]) {
    try {
      cgroup.destroySync();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, errors.map(String).join('; '));
}

let exitHandlersInstalled = false;

// A failing or interrupted test must leave no cgroup and no stress process behind.
function installExitHandlers(): void {
  if (exitHandlersInstalled) return;
  exitHandlersInstalled = true;
  const cleanUp = () => {
    try {
      destroyAllSync();
    } catch (error) {
      console.error(`test cgroups left behind: ${String(error)}`);
    }
  };
  process.once('exit', cleanUp);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanUp();
      // Let the signal do what it would have done, unless someone else handles it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

function hierarchiesFor(host: HostCgroups, controllers: readonly TestController[]): string[] {
  if (host.mode === 'v2') return [host.unified!];
  const mounts = new Set<string>();
  for (const name of controllers.flatMap((c) => V1_HIERARCHIES[c])) {
    const mount = host.mounts[name];
    if (mount === undefined) throw new Error(`this ${host.label} host has no ${name} hierarchy mounted`);
    mounts.add(mount);
  }
  // On hybrid hosts engines also make the group in the unified hierarchy (cpu.stat, pressure).
  if (host.unified !== undefined) mounts.add(host.unified);
  return [...mounts];
}

function enableControllers(parent: string, controllers: readonly TestController[]): void {
  const available = readFileSync(`${parent}/cgroup.controllers`, 'utf8').split(/\s+/);
  const enabled = readFileSync(`${parent}/cgroup.subtree_control`, 'utf8').split(/\s+/);
  for (const controller of controllers.map((c) => V2_NAME[c] ?? c)) {
    if (enabled.includes(controller)) continue;
    if (!available.includes(controller)) throw new Error(`${controller} is not in ${parent}/cgroup.controllers`);
    writeFileSync(`${parent}/cgroup.subtree_control`, `+${controller}`);
  }
}

// A v1 cpuset group starts with empty cpus/mems and refuses tasks until they are set.
function copyCpuset(parent: string, child: string): void {
  for (const file of ['cpuset.cpus', 'cpuset.mems']) {
    writeFileSync(`${child}/${file}`, readFileSync(`${parent}/${file}`, 'utf8').trim());
  }
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
