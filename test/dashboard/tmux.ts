// Test support: a program in a real terminal — a detached tmux session on a private server
// (`-L`), keys sent with send-keys, the screen read with capture-pane, and a teardown that
// kills the server and every process the pane started, by pid.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../helpers/kernel.js';
import { CGMETER_BIN, ensureBuiltCli } from '../helpers/built-cli.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `cgmeter top` as users run it: the compiled CLI (built first when dist/ is older than the sources). */
export function topCommandLine(flags: readonly string[]): string {
  ensureBuiltCli();
  return [process.execPath, CGMETER_BIN, 'top', ...flags].map(shellQuote).join(' ');
}

export function shellQuote(s: string): string {
  return /^[\w./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    for (const task of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) children.push(Number(task));
  } catch {
    return [];
  }
  children = children.flatMap((c) => [c, ...descendants(c)]);
  return children;
}

/** Sessions not killed yet: killed on exit too, so an interrupted run leaves no terminal program behind. */
const live = new Set<TmuxSession>();
let exitHookInstalled = false;

export class TmuxSession {
  readonly server = `cgmeter-top-${process.pid}-${randomBytes(3).toString('hex')}`;
  readonly name = 'top';
  private pids = new Set<number>();
  private readonly socketPath: string;
  /**
   * Waits are multiplied by this: set by waitForStart from how long the program took to show its
   * first screen (seconds here, minutes in the emulated v2 VM).
   */
  private timeoutScale = 1;

  /** Starts `shellCommand` (run by sh in the repository root) in a width×height terminal. */
  constructor(shellCommand: string, width: number, height: number, env: Record<string, string> = {}) {
    const exports = Object.entries({ LANG: 'C.UTF-8', ...env }).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ');
    this.tmux('-f', '/dev/null', 'new-session', '-d', '-s', this.name, '-x', String(width), '-y', String(height),
      `cd ${shellQuote(REPO_ROOT)} && exec env ${exports} sh -c ${shellQuote(shellCommand)}`);
    // The pane must outlive the program, so that what it left on screen (and the terminal modes) can be read.
    this.tmux('set-option', '-t', this.name, 'remain-on-exit', 'on');
    this.socketPath = this.display('#{socket_path}');
    this.pids.add(this.panePid());
    live.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', () => { for (const session of [...live]) session.kill(); });
    }
  }

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.server, ...args], { encoding: 'utf8' });
  }

  display(format: string): string {
    return this.tmux('display-message', '-p', '-t', this.name, format).trim();
  }

  panePid(): number {
    return Number(this.display('#{pane_pid}'));
  }

  /** The pane's processes now (the shell and everything below it), remembered for teardown. */
  processes(): number[] {
    const pane = this.panePid();
    const all = [pane, ...descendants(pane)];
    for (const p of all) this.pids.add(p);
    return all;
  }

  capture(escapes = false): string {
    return this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', this.name);
  }

  /** The screen's rows (capture-pane ends every row, the last included, with a newline). */
  lines(): string[] {
    return this.capture().replace(/\n$/, '').split('\n');
  }

  /** Named keys (Enter, Escape, Down, C-c) as tmux knows them. */
  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.name, ...keys);
  }

  /**
   * Esc on its own: a terminal program cannot tell ESC followed at once by a key from Alt+key, so
   * the next key must come later.
   */
  async escape(times = 1): Promise<void> {
    for (let i = 0; i < times; i++) {
      this.keys('Escape');
      await sleep(200);
    }
  }

  /** Text typed literally. */
  type(text: string): void {
    this.tmux('send-keys', '-t', this.name, '-l', '--', text);
  }

  resize(width: number, height: number): void {
    this.tmux('resize-window', '-t', this.name, '-x', String(width), '-y', String(height));
  }

  /** Waits (long) for the first screen, and scales later waits to how slow this machine is. */
  async waitForStart(predicate: (lines: string[]) => boolean, what: string, timeoutMs = 240_000): Promise<string[]> {
    const started = performance.now();
    const lines = await this.waitForScreen(predicate, what, timeoutMs, false);
    this.processes(); // remembered now, while tmux can still say which they are
    // A start within 3 s is this project's normal machine; slower machines get proportionally longer.
    this.timeoutScale = Math.min(10, Math.max(1, (performance.now() - started) / 3000));
    return lines;
  }

  /** Polls the screen until `predicate` holds; the timeout error shows the last screen. */
  async waitForScreen(predicate: (lines: string[]) => boolean, what: string, timeoutMs = 15_000, scaled = true): Promise<string[]> {
    timeoutMs = scaled ? timeoutMs * this.timeoutScale : timeoutMs;
    let last: string[] = [];
    try {
      return await waitFor(() => {
        last = this.lines();
        return predicate(last) ? last : undefined;
      }, { timeoutMs, intervalMs: 100, what });
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- screen ---\n${last.join('\n')}`);
    }
  }

  /** Kills the tmux server and every process the pane ever had, by pid. Safe to call twice. */
  kill(): void {
    live.delete(this);
    try {
      this.processes();
    } catch {
      // the server is already gone: the pids remembered so far, and what they started, still go
    }
    for (const pid of [...this.pids]) for (const child of descendants(pid)) this.pids.add(child);
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
    for (const pid of this.pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // exited
      }
    }
    // tmux leaves its socket file behind when the server is killed.
    rmSync(this.socketPath, { force: true });
  }
}
