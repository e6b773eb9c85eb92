// Test support: known loads in throw-away cgroups (a 0.5-core quota, 200 MiB resident, network in
// a net namespace of its own, direct block I/O), `cgmeter serve` sampling them and pushing to a
// real InfluxDB 1.6, and a real Prometheus scraping serve every second. One stack for every
// dashboard test, stopped by stop().

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCgroup, destroyAllTestCgroups, findBinary, waitFor, type TestCgroup } from '../helpers/kernel.js';
import { freePort, startServe, type ServeProcess } from '../exporters/serve/serve-process.js';
import { influxQuery, startInfluxd, type ManagedServer } from '../exporters/influx/helpers/servers.js';
import { heldMemoryLoad } from '../helpers/loads.js';

export const MiB = 1024 * 1024;
export const LOAD_MIB = 200;
export const INFLUX_DB = 'cgmeter';

/**
 * Each load's cgroup is named like a systemd-driver Docker container (`docker-<64 hex>.scope`), so
 * that cgmeter identifies it as a container (name = its short id, as without engine metadata) and
 * `serve --export containers` exports just these and the root: on a shared machine other sessions'
 * thousands of plain test cgroups would make every 1 s scrape time out.
 */
export interface LoadCgroup { readonly cgroup: TestCgroup; readonly containerId: string; readonly name: string; readonly path: string }

function containerCgroup(controllers: Parameters<typeof createTestCgroup>[1]): LoadCgroup {
  const containerId = randomBytes(32).toString('hex');
  const cgroup = createTestCgroup(`docker-${containerId}.scope`, controllers);
  return { cgroup, containerId, name: containerId.slice(0, 12), path: cgroup.path };
}

export interface LiveStack {
  readonly cpu: LoadCgroup;
  readonly mem: LoadCgroup;
  readonly net: LoadCgroup;
  readonly io: LoadCgroup;
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
    const cpu = containerCgroup({ controllers: [...controllers] });
    cpu.cgroup.setLimits({ cpuQuotaUs: 50000, cpuPeriodUs: 100000, memoryBytes: 256 * MiB, pidsMax: 256 });
    cpu.cgroup.favourCpu(); // the quota's figure, not what neighbours leave over
    await cpu.cgroup.spawnIn('stress-ng', ['--cpu', '1', '--timeout', '600s', '--quiet']);
    const mem = containerCgroup({ controllers: [...controllers] });
    mem.cgroup.setLimits({ memoryBytes: 400 * MiB });
    await mem.cgroup.spawnIn('stress-ng', heldMemoryLoad(LOAD_MIB, 600));
    // Network series exist only for a net namespace of the cgroup's own, and lo is not counted: a
    // veth pair inside it carries the ARP requests of a ping to an absent neighbour (eth0 sends,
    // eth1 receives). No dummy module on this kernel; veth needs no peer namespace.
    const net = containerCgroup({ controllers: [...controllers] });
    await net.cgroup.spawnIn('unshare', ['-n', 'sh', '-c', 'ip link add eth0 type veth peer name eth1 && ip link set eth0 up && ip link set eth1 up'
      + ' && ip addr add 10.213.0.1/24 dev eth0 && exec ping -q -i 0.2 10.213.0.2']);
    // blkio counts only real block I/O: O_DIRECT reads and writes of a file on the root disk.
    const io = containerCgroup({ controllers: ['cpu', 'memory', 'io', 'pids'] });
    const file = join(dir, 'io-load');
    await io.cgroup.spawnIn('sh', ['-c',
      `while :; do dd if=/dev/zero of=${file} bs=1M count=8 oflag=direct 2>/dev/null; dd if=${file} of=/dev/null bs=1M iflag=direct 2>/dev/null; sleep 0.5; done`]);

    influx = await startInfluxd();
    await influxQuery(influx, `CREATE DATABASE ${INFLUX_DB}`);
    serve = await startServe(['--interval', '1s', '--export', 'containers', '--docker-socket', 'none', '--podman-socket', 'none',
      '--influx-url', influx.url, '--influx-db', INFLUX_DB, '--influx-flush-interval', '1s', '--influx-host-tag', 'grafana-test'],
      // A shared machine with thousands of other cgroups makes the first walk slow.
      120_000);

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
