// Test support: the compiled CLI (bin/cgmeter.js on dist/), which tests start as child processes the
// way users run it. Through tsx each start compiled the TypeScript again: ~1.0 s of CPU against
// ~0.4 s for dist/ here, and seconds more under the v2 VM's emulated CPU.
// `npm test` builds dist/ first; a single file run after an edit gets it rebuilt here when a source
// is newer than dist/ (a full tsc and web build: ~15 s). In the v2 VM the host's build is used as it is.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CGMETER_BIN = join(ROOT, 'bin/cgmeter.js');
const BUILT = join(ROOT, 'dist/cli/main.js');
/** What dist/ is built from (web/: the UI bundle that serve serves). */
const SOURCE_DIRS = ['cli', 'collector', 'exporters', 'dashboard', 'native', 'web/src'];

function newestSourceMs(): number {
  let newest = 0;
  for (const dir of SOURCE_DIRS) {
    for (const name of readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      if (name.includes('node_modules') || name.startsWith('build/') || !/\.(ts|css|html)$/.test(name)) continue;
      newest = Math.max(newest, statSync(join(ROOT, dir, name)).mtimeMs);
    }
  }
  return newest;
}

let checked = false;

/** Builds dist/ when it is missing or older than the sources; then the CLI's argv is `[CGMETER_BIN, …]`. */
export function ensureBuiltCli(): void {
  if (checked) return;
  const inVm = process.env.V2VM === '1';
  const stale = !existsSync(BUILT) || (!inVm && statSync(BUILT).mtimeMs < newestSourceMs());
  if (stale) {
    if (inVm) throw new Error(`${BUILT} is missing: the host builds dist/ before the VM runs (npm test)`);
    // Type errors elsewhere in the tree must not stop the emit the tests need: tsc exits 2 but emits.
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'ignore' });
    } catch {
      // checked below
    }
    execFileSync(process.execPath, [join(ROOT, 'web/build.mjs')], { cwd: ROOT, stdio: 'ignore' });
    if (!existsSync(BUILT) || statSync(BUILT).mtimeMs < newestSourceMs()) throw new Error(`npm run build did not bring ${BUILT} up to date`);
  }
  checked = true;
}
