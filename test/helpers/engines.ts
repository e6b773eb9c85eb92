// Test support for podman and plain runc containers (dockerd has its own kit in dockerd.ts): a
// busybox rootfs from the host's busybox-static, podman with every directory in a temp dir (the
// flags of REAL-COMPONENTS.md) and its Docker-compatible API service, a runc container in a
// chosen cgroupsPath, and the clean-up of whatever a crashed engine leaves behind.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './wait-for.js';
import { EngineApiClient } from '../../collector/metadata/engine-api.js';

const run = promisify(execFile);

export const PODMAN_IMAGE = 'local/busybox:latest';

/** A busybox root filesystem under dir/rootfs; returns its path. */
export function busyboxRootfs(dir: string): string {
  const rootfs = join(dir, 'rootfs');
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  copyFileSync('/bin/busybox', join(rootfs, 'bin/busybox'));
  for (const applet of ['sh', 'sleep', 'cat', 'echo', 'ls', 'true']) symlinkSync('busybox', join(rootfs, 'bin', applet));
  for (const d of ['proc', 'sys', 'dev', 'etc', 'tmp']) mkdirSync(join(rootfs, d), { recursive: true });
  return rootfs;
}

export interface Podman {
  readonly dir: string;
  /** Runs podman with this instance's root flags; resolves to stdout, trimmed. */
  podman(...args: string[]): Promise<string>;
  /** Starts `podman system service` on dir/podman.sock and waits until it answers. */
  startService(): Promise<string>;
  stop(): Promise<void>;
}

export async function startPodman(): Promise<Podman> {
  const dir = mkdtempSync(join(tmpdir(), 'cgm-pm-'));
  const flags = ['--root', join(dir, 'root'), '--runroot', join(dir, 'runroot'), '--tmpdir', join(dir, 'tmp'),
    '--cgroup-manager', 'cgroupfs', '--events-backend', 'file', '--runtime', 'runc', '--storage-driver', 'overlay'];
  const podman = async (...args: string[]): Promise<string> => (await run('podman', [...flags, ...args], { maxBuffer: 64 * 1024 * 1024 })).stdout.trim();
  let service: ChildProcess | undefined;
  const socket = join(dir, 'podman.sock');

  const stop = async (): Promise<void> => {
    await podman('rm', '-f', '-a').catch(() => undefined);
    if (service && service.exitCode === null) {
      const exited = new Promise((resolve) => service!.once('exit', resolve));
      service.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (service.exitCode === null) service.kill('SIGKILL');
    }
    await removeUnmounted(dir);
  };

  const startService = async (): Promise<string> => {
    const log = openSync(join(dir, 'service.log'), 'a');
    service = spawn('podman', [...flags, 'system', 'service', '--time=0', `unix://${socket}`], { stdio: ['ignore', log, log] });
    await waitFor(async () => {
      if (service!.exitCode !== null) throw new Error(`podman service exited: ${readFileSync(join(dir, 'service.log'), 'utf8').slice(-2000)}`);
      if (!existsSync(socket)) return false;
      // Its first answer can take seconds on a loaded machine (a full run's shared phase once
      // timed out at 30 s with 2 s per try): a try waits 10 s, the whole start 90 s.
      const client = new EngineApiClient(socket, { requestTimeoutMs: 10_000 });
      try {
        return await client.getJson('/version').then(() => true, () => false);
      } finally {
        client.close();
      }
    }, { timeoutMs: 90_000, intervalMs: 200, what: 'podman system service to answer' })
      .catch((err: Error) => {
        throw new Error(`${err.message}; its log: ${readFileSync(join(dir, 'service.log'), 'utf8').slice(-2000)}`);
      });
    return socket;
  };

  try {
    busyboxRootfs(dir);
    await run('tar', ['-C', join(dir, 'rootfs'), '-cf', join(dir, 'busybox.tar'), '.']);
    await podman('import', join(dir, 'busybox.tar'), PODMAN_IMAGE);
  } catch (err) {
    await stop();
    throw err;
  }
  return { dir, podman, startService, stop };
}

/** `podman run` as it works here: no network, ulimits within the host's hard limits. */
export const PODMAN_RUN_FLAGS = ['--ulimit', 'nofile=20000:20000', '--ulimit', 'nproc=4096:4096', '--network', 'none'];

export interface RuncContainer {
  readonly id: string;
  readonly cgroupsPath: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** `runc run -d` of busybox `sleep` with the given id and cgroupsPath, state and bundle in a temp dir. */
export async function startRuncContainer(id: string, cgroupsPath: string): Promise<RuncContainer> {
  const dir = mkdtempSync(join(tmpdir(), 'cgm-rc-'));
  const state = join(dir, 'state');
  const runc = (...args: string[]) => run('runc', ['--root', state, ...args]);
  const stop = async (): Promise<void> => {
    await runc('delete', '-f', id).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    // runc removes its leaf; the parent it made stays unless we remove it.
    const parent = cgroupsPath.slice(0, cgroupsPath.lastIndexOf('/'));
    if (parent !== '') removeEmptyCgroups([parent]);
  };
  try {
    busyboxRootfs(dir);
    await run('runc', ['spec', '--bundle', dir]);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    config.process.terminal = false;
    config.process.args = ['sleep', '600'];
    config.linux.cgroupsPath = cgroupsPath;
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const pidFile = join(dir, 'pid');
    // Not execFile: the detached container inherits runc's stdio, so pipes would stay open for its life.
    const child = spawn('runc', ['--root', state, 'run', '-d', '--bundle', dir, '--pid-file', pidFile, id], { stdio: 'ignore', timeout: 30_000 });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`runc run -d ${id} exited with ${code}`);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    return { id, cgroupsPath, pid, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Mount points of every cgroup hierarchy (v1 controllers and cgroup2). */
export function cgroupMounts(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .filter((l) => / - cgroup2? /.test(l))
    .map((l) => l.split(' ')[4]!)
    .filter((m, i, all) => all.indexOf(m) === i);
}

/** Kills every process in these cgroup paths (every hierarchy), then removes them bottom-up. */
export async function killAndRemoveCgroups(paths: readonly string[]): Promise<void> {
  const dirs = paths.flatMap((p) => cgroupMounts().map((m) => join(m, p))).filter(existsSync);
  await waitFor(() => {
    let left = 0;
    for (const dir of dirs) {
      for (const pid of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number)) {
        left++;
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    }
    return left === 0;
  }, { timeoutMs: 10_000, what: `processes in ${paths.join(', ')} to die` });
  removeEmptyCgroups(paths);
}

/** Removes cgroup directories (deepest first, every hierarchy) that have no process and no child left. */
export function removeEmptyCgroups(paths: readonly string[]): void {
  for (const mount of cgroupMounts()) {
    for (const p of [...paths].sort((a, b) => b.length - a.length)) {
      const dir = join(mount, p);
      if (!existsSync(dir)) continue;
      const busy = readdirSync(dir, { withFileTypes: true }).some((e) => e.isDirectory());
      if (busy) continue;
      for (let attempt = 0; attempt < 50; attempt++) {
        try {
          rmdirSync(dir);
          break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EBUSY') break; // css offlining: retry a moment later
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        }
      }
    }
  }
}

/** SIGKILLs processes whose command line mentions `marker` (a test's unique temp dir). */
export function killProcessesMentioning(marker: string): number {
  let killed = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) {
        process.kill(Number(entry), 'SIGKILL');
        killed++;
      }
    } catch {
      // exited meanwhile
    }
  }
  return killed;
}

/**
 * Unmounts everything under `dir`, then removes it. EBUSY is retried for a while: conmon's
 * `podman container cleanup`, still running after `podman rm` returned, can hold or re-make the
 * overlay mount (a CI run once failed its teardown with EBUSY on root/overlay).
 */
async function removeUnmounted(dir: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await unmountUnder(dir);
    try {
      rmSync(dir, { recursive: true, force: true });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EBUSY' || attempt >= 40) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function unmountUnder(dir: string): Promise<void> {
  await run('sh', ['-c', `grep -o " ${dir}[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l`]).catch(() => undefined);
}
