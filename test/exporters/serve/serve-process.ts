// Test support: `cgmeter serve` as a child process on 127.0.0.1 and a free port (it binds port 0
// and says which port in its start line), killed when the test ends, even on failure.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { waitFor } from '../../helpers/kernel.js';
import { CGMETER_BIN, ensureBuiltCli } from '../../helpers/built-cli.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface ServeProcess {
  readonly child: ChildProcess;
  /** e.g. http://127.0.0.1:40123 */
  readonly url: string;
  readonly startLine: string;
  stderr(): string;
  /** Resolves with the exit code (or the signal that ended it). */
  readonly exited: Promise<number | NodeJS.Signals>;
  /** SIGKILL if still running; safe to call twice. */
  kill(): void;
}

/** The compiled CLI starts in under a second here; the emulated v2 VM takes many times longer. */
const START_TIMEOUT_MS = process.env.V2VM === '1' ? 240_000 : 30_000;

export async function startServe(args: readonly string[], timeoutMs = START_TIMEOUT_MS): Promise<ServeProcess> {
  // Tests that do not ask for a ledger get none: the default path is the host's state directory.
  const ledgerArgs = args.some((a) => a === '--ledger' || a === '--no-ledger') ? [] : ['--no-ledger'];
  ensureBuiltCli();
  const child = spawn(process.execPath, [CGMETER_BIN, 'serve', '--listen', '127.0.0.1:0', ...ledgerArgs, ...args], {
    cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => { stderr += chunk; });
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal!)));
  let running = true;
  let ended: number | NodeJS.Signals | undefined;
  void exited.then((how) => { running = false; ended = how; });
  const kill = () => { if (running) child.kill('SIGKILL'); };
  try {
    const startLine = await waitFor(() => stderr.split('\n').find((l) => l.startsWith('cgmeter serve: listening on ')), {
      timeoutMs, intervalMs: 50, what: 'the serve start line',
      // An exit before the start line is final: say how it ended (a signal with nothing on stderr is
      // the OOM killer's SIGKILL, for one) instead of polling until the deadline.
      giveUp: () => (running ? undefined : `serve exited (${String(ended)}) before its start line; stderr: ${stderr.trim() || '(nothing)'}`),
    });
    const url = /listening on (https?:\/\/[^/\s]+)\/metrics/.exec(startLine)![1]!;
    return { child, url, startLine, stderr: () => stderr, exited, kill };
  } catch (err) {
    kill();
    throw err;
  }
}

/** A port nobody listens on right now (for servers that cannot bind port 0 themselves). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
