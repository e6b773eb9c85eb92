// Test support: known loads in throw-away cgroups (a 0.5-core quota, 200 MiB resident, network in
// a net namespace of its own, direct block I/O), `cgmeter serve` sampling them and pushing to a
// real InfluxDB 1.6, and a real Prometheus scraping serve every second. One stack for every
// dashboard test, stopped by stop().

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCgroup, destroyAllTestCgroups, findBinary, waitFor, type TestCgroup } from '../helpers/kernel.js';
import { freePort, startServe, type ServeProcess } from '../exporters/serve/serve-process.js';
import { influxQuery, startInfluxd, type ManagedServer } from '../exporters/influx/helpers/servers.js';

export const MiB = 1024 * 1024;
export const LOAD_MIB = 200;
export const INFLUX_DB = 'cgmeter';

export interface LiveStack {
  readonly cpu: TestCgroup;
  readonly mem: TestCgroup;
  readonly net: TestCgroup;
  readonly io: TestCgroup;
  readonly serve: ServeProcess;
  readonly influx: ManagedServer;
  readonly promUrl: string;
  prometheusLog(): string;
  stop(): Promise<void>;
}

export async function startLiveStack(): Promise<LiveStack> {
  const dir = mkdtempSync(join('/var/tmp', 'cgmeter-grafana-'));
  let prometheus: ChildProcess | undefined;
  let serve: ServeProcess | undefined;
  let influx: ManagedServer | undefined;
  let log = '';
  const stop = async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus!.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (prometheus.exitCode === null) prometheus.kill('SIGKILL');
    }
    serve?.kill();
    await influx?.destroy();
    await destroyAllTestCgroups();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const controllers = ['cpu', 'memory', 'pids'] as const;
    const cpu = createTestCgroup('cpu-load', { controllers: [...controllers] });
    cpu.setLimits({ cpuQuotaUs: 50000, cpuPeriodUs: 100000, memoryBytes: 256 * MiB, pidsMax: 256 });
    await cpu.spawnIn('stress-ng', ['--cpu', '1', '--timeout', '600s', '--quiet']);
    const mem = createTestCgroup('mem-load', { controllers: [...controllers] });
    mem.setLimits({ memoryBytes: 400 * MiB });
    await mem.spawnIn('stress-ng', ['--vm', '1', '--vm-bytes', `${LOAD_MIB}M`, '--vm-keep', '--timeout', '600s', '--quiet']);
    // Network series exist only for a net namespace of the cgroup's own, and lo is not counted: a
    // veth pair inside it carries the ARP requests of a ping to an absent neighbour (eth0 sends,
    // eth1 receives). No dummy module on this kernel; veth needs no peer namespace.
    const net = createTestCgroup('net-load', { controllers: [...controllers] });
    await net.spawnIn('unshare', ['-n', 'sh', '-c', 'ip link add eth0 type veth peer name eth1 && ip link set eth0 up && ip link set eth1 up'
      + ' && ip addr add 10.213.0.1/24 dev eth0 && exec ping -q -i 0.2 10.213.0.2']);
    // blkio counts only real block I/O: O_DIRECT reads and writes of a file on the root disk.
    const io = createTestCgroup('io-load', { controllers: ['cpu', 'memory', 'io', 'pids'] });
    const file = join(dir, 'io-load');
    await io.spawnIn('sh', ['-c',
      `while :; do dd if=/dev/zero of=${file} bs=1M count=8 oflag=direct 2>/dev/null; dd if=${file} of=/dev/null bs=1M iflag=direct 2>/dev/null; sleep 0.5; done`]);

    influx = await startInfluxd();
    await influxQuery(influx, `CREATE DATABASE ${INFLUX_DB}`);
    serve = await startServe(['--interval', '1s', '--docker-socket', 'none', '--podman-socket', 'none',
      '--influx-url', influx.url, '--influx-db', INFLUX_DB, '--influx-flush-interval', '1s', '--influx-host-tag', 'grafana-test']);

    const port = await freePort();
    const promUrl = `http://127.0.0.1:${port}`;
    writeFileSync(join(dir, 'prometheus.yml'), [
      'global:', '  scrape_interval: 1s', '  scrape_timeout: 1s', 'scrape_configs:', '  - job_name: cgmeter',
      '    static_configs:', `      - targets: ['${new URL(serve.url).host}']`, '',
    ].join('\n'));
    prometheus = spawn(findBinary('prometheus')!, [
      `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    prometheus.stderr!.setEncoding('utf8');
    prometheus.stderr!.on('data', (chunk: string) => { log = (log + chunk).slice(-4000); });
    await waitFor(async () => (await fetch(`${promUrl}/-/ready`).catch(() => undefined))?.ok, { timeoutMs: 20_000, what: 'Prometheus to be ready' });
    return { cpu, mem, net, io, serve, influx, promUrl, prometheusLog: () => log, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface PromResponse { status: string; error?: string; data: { resultType: string; result: Array<{ metric: Record<string, string>; value?: [number, string]; values?: Array<[number, string]> }> } }

export async function promQuery(promUrl: string, query: string, range?: { seconds: number; step: number }): Promise<PromResponse['data']> {
  const params = new URLSearchParams({ query });
  const now = Date.now() / 1000;
  if (range) {
    params.set('start', String(now - range.seconds));
    params.set('end', String(now));
    params.set('step', String(range.step));
  }
  const res = await fetch(`${promUrl}/api/v1/${range ? 'query_range' : 'query'}`, { method: 'POST', body: params });
  const body = await res.json() as PromResponse;
  if (body.status !== 'success') throw new Error(`${body.error}\n  query: ${query}`);
  return body.data;
}
