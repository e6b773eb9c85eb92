// The `cgmeter serve` under test in the soaks (bench/soak.ts, bench/soak-docker.ts): started from
// this checkout on a free port, its stderr kept, exits other than ours counted as crashes, RSS and
// fds read from /proc, and what it logged after its start line returned when it is stopped.

import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcFacts { rssKiB: number; fds: number }

export class SoakServe {
  /** Exits that were not our SIGTERM. */
  crashes = 0;
  private log = '';
  private stopping = false;

  private constructor(readonly child: ChildProcess, label: string) {
    child.stderr!.on('data', (b: Buffer) => { this.log += b.toString(); });
    child.on('exit', (code, signal) => {
      if (this.stopping) return;
      this.crashes++;
      process.stderr.write(`${label}: serve exited (${code ?? signal})\n`);
    });
  }

  /** Starts `cgmeter serve --listen 127.0.0.1:0 ARGS…`; resolves with its /metrics URL once it says it listens. */
  static async start(args: readonly string[], label: string): Promise<{ serve: SoakServe; url: string }> {
    const child = spawn(process.execPath, ['bin/cgmeter.js', 'serve', '--listen', '127.0.0.1:0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    const serve = new SoakServe(child, label);
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /listening on (http:\/\/\S+\/metrics)/.exec(serve.log);
        if (m) { clearInterval(timer); resolve(m[1]!); }
        if (child.exitCode !== null) { clearInterval(timer); reject(new Error(`serve did not start:\n${serve.log}`)); }
      }, 50);
    });
    return { serve, url };
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** RSS and open fds now (NaN when it is gone). */
  facts(): ProcFacts {
    if (!this.running) return { rssKiB: NaN, fds: NaN };
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return { rssKiB: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN), fds: readdirSync(`/proc/${this.child.pid}/fd`).length };
  }

  /** SIGTERM and wait; resolves with every line it wrote after its start line but its stop notice. */
  async stop(): Promise<string[]> {
    this.stopping = true;
    if (this.running) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    const startLineEnd = this.log.indexOf('\n') + 1;
    return this.log.slice(startLineEnd).split('\n').filter((l) => l.trim() !== '' && !/^cgmeter serve: SIGTERM: stopping$/.test(l));
  }

  /** For teardown after a failure. */
  kill(): void {
    this.stopping = true;
    if (this.running) this.child.kill('SIGKILL');
  }
}
