// Least privilege, checked on the live host: `serve` without the limits API opens nothing under
// /sys/fs/cgroup or /proc for writing (strace -f over its whole start and several samples), and
// an unprivileged user (nobody, via setpriv) reads every counter of a root-made cgroup but not the
// namespaces of its process, which need CAP_SYS_PTRACE (docs/operations.md).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'bin/cgmeter.js');
const V2 = spawnSync('test', ['-e', '/sys/fs/cgroup/cgroup.controllers']).status === 0;
const HIERARCHIES = V2 ? ['/sys/fs/cgroup'] : ['cpu', 'cpuacct', 'memory', 'blkio', 'pids'].map((c) => `/sys/fs/cgroup/${c}`);
const NAME = `cgm-privilege-${process.pid}`;
let sleeper: ChildProcess | undefined;

beforeAll(async () => {
  for (const h of HIERARCHIES) mkdirSync(join(h, NAME));
  const procs = HIERARCHIES.map((h) => join(h, NAME, 'cgroup.procs')).join(' ');
  sleeper = spawn('sh', ['-c', `for f in ${procs}; do echo $$ > $f; done; exec sleep 120`], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
});
afterAll(async () => {
  sleeper?.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 200));
  for (const h of HIERARCHIES) try { rmdirSync(join(h, NAME)); } catch { /* already gone */ }
});

describe('serve opens no write path', () => {
  it('no openat for writing under /sys/fs/cgroup or /proc during start and sampling (strace -f)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgm-strace-'));
    try {
      const trace = join(dir, 'trace');
      // SIGINT after 8 s: serve stops cleanly; strace follows every thread and child.
      const r = spawnSync('timeout', ['-s', 'INT', '8', 'strace', '-f', '-qq', '-e', 'trace=open,openat,openat2,creat,truncate,mkdir,rmdir', '-o', trace,
        process.execPath, CLI, 'serve', '--listen', '127.0.0.1:0', '--no-ledger', '--docker-socket', 'none', '--podman-socket', 'none', '--interval', '500ms'], { encoding: 'utf8' });
      if (r.error) throw new Error(`strace not runnable (.ci/run installs it): ${r.error.message}`);
      const calls = readFileSync(trace, 'utf8').split('\n');
      const kernel = calls.filter((l) => /"\/(sys\/fs\/cgroup|proc)\//.test(l));
      expect(kernel.length).toBeGreaterThan(10); // it did read the cgroup tree
      const writes = kernel.filter((l) => /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|\b(creat|truncate|mkdir|rmdir)\(/.test(l));
      expect(writes).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('an unprivileged user (nobody)', () => {
  const ls = (asNobody: boolean) => {
    const prefix = asNobody ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    const out = execFileSync(prefix[0] ?? process.execPath, [...prefix.slice(1), ...(asNobody ? [process.execPath] : []), CLI, 'ls', '--all', '--json', '--interval', '500ms', '--docker-socket', 'none', '--podman-socket', 'none'], { encoding: 'utf8', timeout: 60_000 });
    return (JSON.parse(out) as Array<{ sample: Record<string, unknown> & { path: string } }>).find((s) => s.sample.path === `/${NAME}`)!.sample;
  };

  it('reads every counter root reads, but not the namespaces of root\'s process', () => {
    const root = ls(false);
    const nobody = ls(true);
    expect(nobody.cpu).toMatchObject({ usageSeconds: expect.any(Number) });
    expect(Object.keys(nobody.memory as object).sort()).toEqual(Object.keys(root.memory as object).sort());
    expect(Object.keys(nobody.cpu as object).sort()).toEqual(Object.keys(root.cpu as object).sort());
    expect(nobody.processes).toBe(root.processes);
    // /proc/<pid>/ns/* of another user's process needs CAP_SYS_PTRACE (ptrace access mode).
    expect(root.namespaces).toBeDefined();
    expect(nobody.namespaces).toBeUndefined();
  }, 120_000);
});
