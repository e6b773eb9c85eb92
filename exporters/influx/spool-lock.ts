// One process per spool directory: two writers appending to the same segments would interleave
// records and acknowledge each other's reads. A `lock` file holds the owner's pid; a lock whose
// pid is gone (the owner was killed with -9) is taken over.

import { openSync, readFileSync, unlinkSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** Takes the lock or throws saying who holds it; returns the function that releases it. */
export function takeSpoolLock(dir: string): () => void {
  const path = join(dir, 'lock');
  try {
    const fd = openSync(path, 'wx');
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const owner = Number(readFileSync(path, 'utf8').trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
      throw new Error(`spool directory ${dir} is in use by process ${owner}; give each cgmeter its own --spool-dir ` +
        `(if that process is not cgmeter, remove ${path})`);
    }
    writeFileSync(path, `${process.pid}\n`); // stale: its owner died without releasing it
  }
  return () => {
    try {
      if (Number(readFileSync(path, 'utf8').trim()) === process.pid) unlinkSync(path);
    } catch {
      // already gone: nothing to release
    }
  };
}
