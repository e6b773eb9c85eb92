// deploy/compose/ run for real: Debian's docker-compose 1.29 brings up docker-compose.yml with the
// no-registry override docker-compose.local.yml on a real dockerd started by this test (private
// socket and data root). Images: local/host-usr (make-local-images.sh: merged-/usr links only) with
// the host's /usr bind-mounted read-only, so the services are the host's Debian redis-server,
// redis-benchmark, influxd and prometheus, and cgmeter is this checkout on the host's node. Grafana
// is not in Debian: its service is behind the override's `grafana` profile and does not start.
// The stack's network is internal, which also means Docker publishes none of its ports: the test
// reaches InfluxDB and Prometheus at their container addresses on the stack's bridge.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { detectHostCgroups, requireRootOrSkip, waitFor } from '../helpers/kernel.js';
import { startDockerd, type Dockerd } from '../helpers/dockerd.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COMPOSE_DIR = join(ROOT, 'deploy', 'compose');
// The project name docker-compose reads from deploy/compose/.env (v1 has no top-level `name:`).
const PROJECT = 'cgmeter-demo';

const skip = requireRootOrSkip({ binaries: ['dockerd', 'docker', 'docker-compose', 'redis-server', 'redis-benchmark', 'influxd', 'influx', 'prometheus'] },
  'compose stack test') || detectHostCgroups().mode === 'v2' && process.env.V2VM === '1';

interface InfluxSeries { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }

describe.skipIf(skip)('deploy/compose: the seed stack with docker-compose 1.29, a real dockerd and local images', () => {
  let dockerd: Dockerd | undefined;
  let env: NodeJS.ProcessEnv;
  const compose = async (...args: string[]) => {
    const { stdout, stderr } = await run('docker-compose', ['-f', 'docker-compose.yml', '-f', 'docker-compose.local.yml', ...args],
      { cwd: COMPOSE_DIR, env, maxBuffer: 16 * 1024 * 1024 });
    return `${stdout}${stderr}`;
  };
  const addressOf = async (container: string) =>
    dockerd!.docker('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', container);
  const logsOf = async (container: string) =>
    run('docker', ['-H', `unix://${dockerd!.socket}`, 'logs', '--tail', '20', container], { env })
      .then(({ stdout, stderr }) => `${container}: ${stdout}${stderr}`, (e: Error) => `${container}: ${e.message}`);
  let upOutput = '';

  beforeAll(async () => {
    // cgmeter runs from this checkout's dist/, as the override mounts it.
    if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
    dockerd = await startDockerd();
    env = { ...process.env, DOCKER_HOST: `unix://${dockerd.socket}`, DOCKER_API_VERSION: '1.41', DOCKER_BUILDKIT: '0', DOCKER_SOCKET: dockerd.socket };
    for (const key of ['COMPOSE_PROJECT_NAME', 'COMPOSE_FILE', 'COMPOSE_PROFILES', 'COMPOSE_PATH_SEPARATOR']) delete env[key];
    await run('bash', [join(COMPOSE_DIR, 'make-local-images.sh'), 'host-usr'], { env });
    upOutput = await compose('up', '-d');
  }, 180_000);

  afterAll(async () => {
    if (!dockerd) return;
    // The stack's own teardown first (containers, network, volume, images); stop() then removes
    // whatever is left, the daemon and its data root.
    await compose('down', '--volumes', '--rmi', 'all', '--remove-orphans', '--timeout', '5').catch(() => undefined);
    await dockerd.stop();
  }, 120_000);

  it('starts every service but Grafana, on an internal network, publishing no port', async () => {
    const running = (await dockerd!.docker('ps', '--format', '{{.Names}}')).split('\n').sort();
    expect(running).toEqual(['cgmeter', 'influxdb', 'prometheus', 'redis', 'redis-loadgen']);
    // The one-shot that created the database exited 0 before cgmeter started.
    expect(await dockerd!.docker('inspect', '-f', '{{.State.ExitCode}}', `${PROJECT}_influxdb-init_1`)).toBe('0');
    expect(upOutput).toContain('Successfully tagged local/cgmeter-host:latest');
    expect(await dockerd!.docker('network', 'inspect', '-f', '{{.Internal}}', `${PROJECT}_default`)).toBe('true');
    for (const name of running) expect(await dockerd!.docker('port', name), name).toBe('');
  });

  it('cgmeter pushes the redis container\'s points to InfluxDB: its name, image and id as tags, non-zero CPU', async () => {
    const redisId = await dockerd!.docker('inspect', '-f', '{{.Id}}', 'redis');
    const influx = `http://${await addressOf('influxdb')}:8086`;
    const query = async (q: string) => {
      const res = await fetch(`${influx}/query?${new URLSearchParams({ db: 'cgmeter', q })}`);
      const body = await res.json() as { results: Array<{ series?: InfluxSeries[]; error?: string }> };
      if (body.results[0]?.error) throw new Error(body.results[0].error);
      return body.results[0]?.series ?? [];
    };
    // Two points with a rate each: cgmeter sampled redis at least three times and flushed.
    const [series] = await waitFor(async () => {
      const found = await query(`SELECT last(usage_seconds) AS usage, max(cores_used) AS cores, count(cores_used) AS n FROM cgmeter_cpu WHERE "name" = 'redis' GROUP BY "host", "image", "id", "runtime"`);
      return found.length > 0 && (found[0]!.values[0]![3] as number) >= 2 ? found : undefined;
    }, { timeoutMs: 60_000, intervalMs: 1000, what: 'cgmeter_cpu points of the redis container in InfluxDB' })
      .catch(async (e: Error) => { throw new Error(`${e.message}\n${await logsOf('cgmeter')}\n${await logsOf('influxdb')}`); });
    // The kernel's counter, read after the point was written, is at least the point's value.
    const kernelSeconds = Number(readFileSync(`/sys/fs/cgroup/cpuacct/docker/${redisId}/cpuacct.usage`, 'utf8')) / 1e9;
    expect(series!.tags).toEqual({ host: 'compose', image: 'local/host-usr', id: redisId, runtime: 'docker' });
    const [, usage, cores] = series!.values[0] as [string, number, number, number];
    console.log(`redis in InfluxDB: usage ${usage.toFixed(3)} s (kernel ${kernelSeconds.toFixed(3)} s), at most ${cores.toFixed(3)} cores`);
    expect(usage).toBeGreaterThan(0);
    expect(usage).toBeLessThanOrEqual(kernelSeconds);
    // redis-benchmark's 20 clients keep redis busy: far above an idle server's ~0.001 core.
    expect(cores).toBeGreaterThan(0.02);
    const memory = await query(`SELECT last(usage_bytes) FROM cgmeter_memory WHERE "name" = 'redis'`);
    expect(memory[0]!.values[0]![1] as number).toBeGreaterThan(1024 * 1024);
  }, 90_000);

  it('Prometheus in the stack scrapes cgmeter: redis\'s CPU counter under instance="compose", with its compose labels', async () => {
    const prometheus = `http://${await addressOf('prometheus')}:9090`;
    // One scrape every 15 s (prometheus.yml).
    const result = await waitFor(async () => {
      const res = await fetch(`${prometheus}/api/v1/query?${new URLSearchParams({ query: 'container_cpu_usage_seconds_total{name="redis"}' })}`);
      const body = await res.json() as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      return body.data.result.length > 0 ? body.data.result : undefined;
    }, { timeoutMs: 60_000, intervalMs: 1000, what: 'Prometheus to have scraped redis\'s CPU from cgmeter' })
      .catch(async (e: Error) => { throw new Error(`${e.message}\n${await logsOf('prometheus')}`); });
    expect(result[0]!.metric).toMatchObject({ instance: 'compose', job: 'cgmeter', image: 'local/host-usr', container_label_team: 'storage',
      container_label_com_docker_compose_service: 'redis', container_label_com_docker_compose_project: PROJECT });
    expect(Number(result[0]!.value[1])).toBeGreaterThan(0);
  }, 90_000);
});
