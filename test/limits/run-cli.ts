// Test support: runs `cgmeter limit|freeze|thaw` as a real process (bin/cgmeter.js on dist/), building
// dist/ first when it is older than the sources.

import { execFile } from 'node:child_process';
import { CGMETER_BIN as BIN, ensureBuiltCli } from '../helpers/built-cli.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** dist/ built and not older than the sources (test/helpers/built-cli.ts). */
export async function ensureBuilt(): Promise<void> {
  ensureBuiltCli();
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
