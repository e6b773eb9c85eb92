// Test support: a real dockerd (Debian's docker.io) started on a private socket and data root,
// with a busybox image imported from the host's busybox-static (no registry here), and a
// teardown that removes containers, stops the daemon and deletes its directories.

import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './wait-for.js';

const run = promisify(execFile);

export const BUSYBOX_IMAGE = 'local/busybox:latest';

export interface Dockerd {
  readonly socket: string;
  readonly dir: string;
  /** Runs the docker CLI against this daemon; resolves to stdout, trimmed. */
  docker(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** The newer preinstalled CLI needs the daemon's API version (20.10 = 1.41). */
const CLI_ENV = { ...process.env, DOCKER_API_VERSION: '1.41' };

export async function startDockerd(): Promise<Dockerd> {
  // Short path: unix socket paths are limited to 108 bytes.
  const dir = mkdtempSync(join(tmpdir(), 'cgm-dk-'));
  const socket = join(dir, 'docker.sock');
  const log = join(dir, 'dockerd.log');
  const { openSync } = await import('node:fs');
  const logFd = openSync(log, 'a');
  let daemon: ChildProcess | undefined = spawn('dockerd', [
    '--iptables=false', '--ip-masq=false', '--ip-forward=false', '--bridge=none', '--storage-driver=overlay2',
    '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'dockerd.pid'),
    '-H', `unix://${socket}`, '--exec-opt', 'native.cgroupdriver=cgroupfs',
  ], { stdio: ['ignore', logFd, logFd], detached: false });
  let exited = false;
  daemon.once('exit', () => { exited = true; });

  const docker = async (...args: string[]): Promise<string> => {
    const { stdout } = await run('docker', ['-H', `unix://${socket}`, ...args], { env: CLI_ENV, maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim();
  };

  const stop = async (): Promise<void> => {
    // Networks a test made (compose's): dockerd leaves their br-<id> bridges on the host when it
    // stops, so they are removed first, and their bridges deleted after it is gone if still there.
    let bridges: string[] = [];
    if (daemon) {
      try {
        const ids = (await docker('ps', '-aq')).split('\n').filter(Boolean);
        if (ids.length > 0) await docker('rm', '-f', ...ids);
      } catch {
        // daemon already unhealthy: killing it below removes its containers' processes
      }
      try {
        const networks = (await docker('network', 'ls', '-q', '--no-trunc', '--filter', 'type=custom')).split('\n').filter(Boolean);
        bridges = networks.map((id) => `br-${id.slice(0, 12)}`);
        if (networks.length > 0) await docker('network', 'rm', ...networks);
      } catch {
        // the bridges are deleted below
      }
      daemon.kill('SIGTERM');
      await waitFor(() => exited, { timeoutMs: 15_000, what: 'dockerd to exit' }).catch(() => daemon?.kill('SIGKILL'));
      daemon = undefined;
    }
    for (const bridge of bridges) {
      if (existsSync(`/sys/class/net/${bridge}`)) await run('ip', ['link', 'delete', bridge]).catch(() => undefined);
    }
    // overlay mounts may linger under data/; unmount before deleting.
    await run('sh', ['-c', `grep -o " ${dir}[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l`]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitFor(async () => {
      if (exited) throw new Error(`dockerd exited at start: ${readFileSync(log, 'utf8').slice(-2000)}`);
      return existsSync(socket) && (await docker('version', '--format', '{{.Server.Version}}').then(() => true, () => false));
    }, { timeoutMs: 30_000, intervalMs: 200, what: 'dockerd to answer' });
    await importBusybox(dir, docker);
  } catch (err) {
    await stop();
    throw err;
  }
  return { socket, dir, docker, stop };
}

/** Builds a busybox rootfs from the host's static busybox and imports it as an image. */
async function importBusybox(dir: string, docker: (...args: string[]) => Promise<string>): Promise<void> {
  const rootfs = join(dir, 'rootfs');
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  copyFileSync('/bin/busybox', join(rootfs, 'bin/busybox'));
  for (const applet of ['sh', 'sleep', 'cat', 'echo', 'ls', 'dd', 'yes', 'head', 'true']) {
    symlinkSync('busybox', join(rootfs, 'bin', applet));
  }
  for (const d of ['proc', 'sys', 'dev', 'etc', 'tmp']) mkdirSync(join(rootfs, d), { recursive: true });
  const tar = join(dir, 'busybox.tar');
  await run('tar', ['-C', rootfs, '-cf', tar, '.']);
  await docker('import', tar, BUSYBOX_IMAGE);
}
