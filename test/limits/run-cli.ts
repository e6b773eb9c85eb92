// Test support: runs `cgmeter limit|freeze|thaw` as a real process (bin/cgmeter.js on dist/), building
// dist/ first when it is older than the limits sources.

import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/cgmeter.js');
const BUILT = join(ROOT, 'dist/cli/commands/limit-run.js');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function newestSource(): number {
  let newest = Math.max(...['cli/main.ts', 'cli/commands/limit.ts', 'cli/commands/limit-run.ts'].map((f) => statSync(join(ROOT, f)).mtimeMs));
  for (const name of readdirSync(join(ROOT, 'collector/limits'))) {
    if (name.endsWith('.ts')) newest = Math.max(newest, statSync(join(ROOT, 'collector/limits', name)).mtimeMs);
  }
  return newest;
}

let built = false;

/** `npm run build` when dist/ lacks the limits code or is older than it (a full tsc run: ~10 s). */
export async function ensureBuilt(): Promise<void> {
  if (built) return;
  // In the v2 VM (emulated CPU, ~10× slower) the host's build is used as it is: `npm test` builds first.
  const stale = process.env.V2VM !== '1' && statSync(BUILT, { throwIfNoEntry: false }) !== undefined && statSync(BUILT).mtimeMs < newestSource();
  if (!existsSync(BUILT) || stale) {
    // Type errors elsewhere in the tree must not stop the emit the tests need: check the file instead.
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'ignore' });
    } catch {
      // tsc exits 2 on type errors anywhere but still emits
    }
    if (!existsSync(BUILT)) throw new Error(`npm run build did not produce ${BUILT}`);
  }
  built = true;
}

/** Runs the CLI; resolves with the exit code (never rejects on a non-zero one). */
export async function runCgmeter(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  await ensureBuilt();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024, timeout: 240_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      });
  });
}
