// Test support: tearing down test cgroups for good: kill everything inside (frozen tasks included),
// then rmdir bottom-up in every hierarchy; also sweeps what a killed test process left behind.
import { existsSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';

// Tops left by a process that died without cleaning up (SIGKILL, OOM): owner pid is in the name.
export function sweepStale(hierarchies: readonly string[], prefix: string): void {
  const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)-[0-9a-f]+$`);
  const stale = hierarchies.flatMap((mount) => subdirectories(mount)
    .filter((name) => { const pid = pattern.exec(name)?.[1]; return pid !== undefined && !isAlive(Number(pid)); })
    .map((name) => `${mount}/${name}`));
  if (stale.length > 0) removeTrees(stale);
}

// A zombie counts as dead: its owner may not have been reaped yet (kill(pid, 0) would still succeed).
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Kills every process under these cgroup directories, then removes them bottom-up. */
export function removeTrees(tops: readonly string[]): void {
  const present = tops.filter((top) => existsSync(top));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const dirs = present.flatMap(postOrder);
    const pids = new Set(dirs.flatMap(readProcs));
    if (pids.size === 0) break;
    if (Date.now() > deadline) throw new Error(`processes ${[...pids].join(', ')} survived SIGKILL in ${present.join(', ')}`);
    for (const dir of dirs) {
      // v2: a frozen group's tasks die only when thawed; cgroup.kill (5.14+) kills the whole subtree.
      tryWrite(`${dir}/cgroup.freeze`, '0');
      tryWrite(`${dir}/cgroup.kill`, '1');
    }
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    sleepSync(20);
  }
  const leftOver: string[] = [];
  for (const dir of present.flatMap(postOrder)) {
    if (!rmdirWithRetry(dir)) leftOver.push(dir);
  }
  if (leftOver.length > 0) throw new Error(`could not remove test cgroups ${leftOver.join(', ')}`);
}

// rmdir answers EBUSY for a short while after the last task has gone (css offlining).
function rmdirWithRetry(dir: string): boolean {
  const deadline = Date.now() + 3_000;
  for (;;) {
    try {
      rmdirSync(dir);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return true;
      if (code !== 'EBUSY' || Date.now() > deadline) return false;
      sleepSync(20);
    }
  }
}

function postOrder(dir: string): string[] {
  return [...subdirectories(dir).flatMap((name) => postOrder(`${dir}/${name}`)), dir];
}

function subdirectories(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return []; // removed meanwhile
  }
}

export function readProcs(dir: string): number[] {
  try {
    return readFileSync(`${dir}/cgroup.procs`, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // removed meanwhile
  }
}

function tryWrite(file: string, value: string): void {
  try {
    writeFileSync(file, value);
  } catch {
    // absent on v1 and before 5.14; the SIGKILL loop is the fallback
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
