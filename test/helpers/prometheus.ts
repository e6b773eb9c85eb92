// Test support: a real Prometheus (Debian's 2.42) on 127.0.0.1 and a free port, scraping the given
// targets every second, stopped by pid and its directory removed when the test ends.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from './preconditions.js';
import { waitFor } from './wait-for.js';
import { freePort } from '../exporters/serve/serve-process.js';

export interface PromSample { metric: Record<string, string>; value: [number, string] }

export interface Prometheus {
  readonly url: string;
  /** Instant query; throws with Prometheus' error text on a bad query. */
  query(promql: string): Promise<PromSample[]>;
  log(): string;
  stop(): Promise<void>;
}

export async function startPrometheus(targets: readonly string[]): Promise<Prometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'cgmeter-prom-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  writeFileSync(join(dir, 'prometheus.yml'), [
    'global:', '  scrape_interval: 1s', '  scrape_timeout: 1s', 'scrape_configs:', '  - job_name: cgmeter',
    '    static_configs:', `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`, '',
  ].join('\n'));
  let log = '';
  const child: ChildProcess = spawn(findBinary('prometheus')!, [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => { log += chunk; });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok === true, { timeoutMs: 20_000, what: 'Prometheus to be ready' });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    log: () => log,
    stop,
    async query(promql: string): Promise<PromSample[]> {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = await res.json() as { status: string; data: { result: PromSample[] }; error?: string };
      if (body.status !== 'success') throw new Error(`${promql}: ${body.error}`);
      return body.data.result;
    },
  };
}
