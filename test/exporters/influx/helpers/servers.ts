// Test support: real sinks started by the test itself — VictoriaMetrics and InfluxDB 1.6 — on
// 127.0.0.1 and a free port, with a temporary data directory, stoppable and restartable on the
// same port (outage tests), and always killed at exit even when a test fails.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../../helpers/wait-for.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
// Belt and braces: a crashed test run must not leave databases listening behind it.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class ManagedServer {
  private child?: ChildProcess;
  private output = '';
  readonly url: string;

  constructor(
    readonly name: string,
    readonly port: number,
    readonly dataDir: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly readyPath: string,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    if (this.child) throw new Error(`${this.name} is already running`);
    const child = spawn(this.command, this.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    running.add(child);
    this.output = '';
    const keep = (chunk: Buffer) => { this.output = (this.output + chunk.toString()).slice(-4000); };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.once('exit', () => running.delete(child));
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`${this.name} exited with ${child.exitCode}: ${this.output}`);
      const res = await fetch(this.url + this.readyPath);
      return res.ok;
    }, { timeoutMs: 20_000, intervalMs: 100, what: `${this.name} to answer ${this.readyPath}` });
  }

  /** SIGTERM (SIGKILL after 10 s), and wait until the port is free again. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    running.delete(child);
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export async function startVictoriaMetrics(): Promise<ManagedServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'cgmeter-vm-'));
  const server = new ManagedServer('victoria-metrics', port, dir, 'victoria-metrics', [
    `-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${join(dir, 'data')}`, '-search.latencyOffset=0s', '-loggerLevel=ERROR',
  ], '/health');
  await server.start();
  return server;
}

export async function startInfluxd(): Promise<ManagedServer> {
  const port = await freePort();
  const rpcPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'cgmeter-influxd-'));
  const config = join(dir, 'influxd.conf');
  writeFileSync(config, [
    'reporting-disabled = true',
    `bind-address = "127.0.0.1:${rpcPort}"`,
    '[meta]', `  dir = "${dir}/meta"`,
    '[data]', `  dir = "${dir}/data"`, `  wal-dir = "${dir}/wal"`, '  query-log-enabled = false',
    '[monitor]', '  store-enabled = false',
    '[http]', `  bind-address = "127.0.0.1:${port}"`, '  log-enabled = false',
    '[continuous_queries]', '  enabled = false',
    '[logging]', '  level = "error"',
  ].join('\n'));
  const server = new ManagedServer('influxd', port, dir, 'influxd', ['-config', config], '/ping');
  await server.start();
  return server;
}

/** VictoriaMetrics: makes just-written rows searchable now, not within a second or so. */
export async function vmForceFlush(vm: ManagedServer): Promise<void> {
  await fetch(`${vm.url}/internal/force_flush`);
}

export interface VmSeries {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

export async function vmExport(vm: ManagedServer, match: string): Promise<VmSeries[]> {
  await vmForceFlush(vm);
  const res = await fetch(`${vm.url}/api/v1/export`, { method: 'POST', body: new URLSearchParams({ 'match[]': match }) });
  if (!res.ok) throw new Error(`export ${match}: ${res.status} ${await res.text()}`);
  return (await res.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as VmSeries);
}

/** A counter from VictoriaMetrics' own /metrics, e.g. `vm_rows_invalid_total{type="influx"}`. */
export async function vmSelfMetric(vm: ManagedServer, series: string): Promise<number> {
  const text = await (await fetch(`${vm.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (!line) throw new Error(`${series} not on ${vm.url}/metrics`);
  return Number(line.slice(series.length + 1));
}

export async function influxQuery(influx: ManagedServer, q: string, db?: string): Promise<{ results: Array<{ series?: Array<{ name: string; columns: string[]; values: unknown[][]; tags?: Record<string, string> }>; error?: string }> }> {
  const params = new URLSearchParams({ q, epoch: 'ms', ...(db ? { db } : {}) });
  const res = await fetch(`${influx.url}/query`, { method: 'POST', body: params });
  if (!res.ok) throw new Error(`influx query ${q}: ${res.status} ${await res.text()}`);
  return res.json() as never;
}
