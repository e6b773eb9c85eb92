// Test support: the kit's test cgroups are not made in the v1 freezer hierarchy (TestController has
// no freezer), so freeze tests on v1 hosts add the same path there and move the processes in. On v2
// cgroup.freeze is in every cgroup already. Teardown thaws before the kit kills (frozen v1 tasks
// cannot die), then removes the freezer directories.

import { existsSync, mkdirSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestCgroup } from '../helpers/kernel.js';

export interface FreezerPlace {
  /** Moves these pids (default: every pid of the test cgroup) into the freezer group. */
  join(pids?: readonly number[]): void;
  /** Thaws; call before the kit destroys the cgroup. */
  thaw(): void;
  /** Removes the freezer directories (after the processes are gone). */
  remove(): void;
}

export function freezerFor(cg: TestCgroup): FreezerPlace {
  const mount = cg.host.mode === 'v2' ? undefined : cg.host.mounts.freezer;
  if (cg.host.mode === 'v2' || mount === undefined) {
    return { join: () => undefined, thaw: () => { try { cg.write('unified', 'cgroup.freeze', '0'); } catch { /* gone */ } }, remove: () => undefined };
  }
  const top = join(mount, cg.topPath);
  const dir = join(mount, cg.path);
  mkdirSync(dir, { recursive: true });
  return {
    join(pids = cg.procs()) {
      for (const pid of pids) writeFileSync(join(dir, 'cgroup.procs'), String(pid));
    },
    thaw() {
      if (existsSync(dir)) writeFileSync(join(dir, 'freezer.state'), 'THAWED');
    },
    remove() {
      const removeTree = (d: string): void => {
        if (!existsSync(d)) return;
        for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) removeTree(join(d, e.name));
        for (let i = 0; ; i++) {
          try {
            rmdirSync(d);
            return;
          } catch (err) {
            // EBUSY for a moment after the last task left, as everywhere in cgroupfs.
            if ((err as NodeJS.ErrnoException).code !== 'EBUSY' || i > 100) throw err;
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
          }
        }
      };
      removeTree(top);
    },
  };
}
