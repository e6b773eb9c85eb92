// deploy/Dockerfile built for real, on a real dockerd started by this test, and run: its
// `cgmeter serve --host-root /host` must list that dockerd's busybox container by name.
// No registry here, so the base images are local stand-ins passed as the Dockerfile's build
// arguments (deploy/compose/make-local-images.sh): local/node:20-bookworm, the files of the host's
// Debian packages nodejs (node 20, npm), python3, make, g++ and their dependencies; and
// local/node:20-bookworm-slim, nodejs and the C/C++ libraries with a `node` user. The build runs
// with `--network host`: its `npm ci` downloads the dependencies from the npm registry, the one
// registry this machine reaches (no container network or bridge is made for it).
// better-sqlite3's prebuilt binary would come from GitHub, which this machine does not reach: the
// test serves it from a mirror of its own (BETTER_SQLITE3_BINARY_HOST, the Dockerfile's build
// argument for exactly this), made of the host's build of the same version for the same Node ABI.
// Without it the build compiled sqlite3.c: 180–330 s of a fresh CI run. The build's containers run
// in a cgroup of the lowest CPU weight (docker build --cgroup-parent): they take only the CPU the
// test files running beside this one leave idle — a full build once starved two timing-sensitive
// neighbours.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTestCgroup, detectHostCgroups, removeTrees, requireRootOrSkip, waitFor, type TestCgroup } from '../helpers/kernel.js';
import { BUSYBOX_IMAGE, startDockerd, type Dockerd } from '../helpers/dockerd.js';
import { cgroupMounts } from '../helpers/engines.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const IMAGE = 'local/cgmeter:test';

const skip = requireRootOrSkip({ binaries: ['dockerd', 'docker', 'node', 'python3', 'make', 'g++', 'apt-cache', 'dpkg-query', 'ldconfig'] },
  'Dockerfile build test') || detectHostCgroups().mode === 'v2' && process.env.V2VM === '1';

interface ContainerRow { sample: { identity: { id: string; name: string; image?: string; runtime: string } } }

describe.skipIf(skip)('deploy/Dockerfile built on local base images and run against a real dockerd', () => {
  let dockerd: Dockerd | undefined;
  let buildLog = '';
  let buildSeconds = 0;
  let probeId = '';

  let buildGroup: TestCgroup | undefined;
  let mirror: { server: Server; dir: string; requests: string[] } | undefined;

  /** The build's group in every hierarchy: runc makes the path in all of them, not only in cpu's. */
  const removeBuildGroup = () => {
    if (!buildGroup) return;
    removeTrees(cgroupMounts().map((mount) => mount + buildGroup!.topPath)); // name=systemd too
    buildGroup.destroySync();
  };

  beforeAll(async () => {
    dockerd = await startDockerd();
    buildGroup = createTestCgroup('image-build');
    buildGroup.yieldCpu();
    const env = { ...process.env, DOCKER_HOST: `unix://${dockerd.socket}`, DOCKER_API_VERSION: '1.41', DOCKER_BUILDKIT: '0' };
    await run('bash', [join(ROOT, 'deploy/compose/make-local-images.sh'), 'node-builder', 'node-runtime'], { env, maxBuffer: 16 * 1024 * 1024 });
    mirror = await serveBetterSqliteMirror();
    const started = Date.now();
    const { stdout, stderr } = await run('docker', ['build', '--network', 'host',
      '--build-arg', 'BUILDER_IMAGE=local/node:20-bookworm', '--build-arg', 'RUNTIME_IMAGE=local/node:20-bookworm-slim',
      '--build-arg', `BETTER_SQLITE3_BINARY_HOST=http://127.0.0.1:${(mirror.server.address() as { port: number }).port}`,
      '--cgroup-parent', buildGroup.path, '-f', 'deploy/Dockerfile', '-t', IMAGE, '.'], { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 });
    buildSeconds = (Date.now() - started) / 1000;
    buildLog = `${stdout}${stderr}`;
    console.log(`docker build: ${buildSeconds.toFixed(1)} s`);
    removeBuildGroup();
    probeId = await dockerd.docker('run', '-d', '--network', 'none', '--name', 'cgm-image-probe', BUSYBOX_IMAGE, 'sleep', '300');
  }, 600_000);

  afterAll(async () => {
    // The images, the anonymous /var/lib/cgmeter volumes and the containers go with the daemon's data root.
    await dockerd?.stop();
    removeBuildGroup(); // when the build failed half way
    if (mirror) {
      await new Promise((resolve) => mirror!.server.close(resolve));
      rmSync(mirror.dir, { recursive: true, force: true });
    }
  }, 120_000);

  /** Runs the image like docs/deploy.md does, without a published port (there is no container network). */
  const runImage = async (name: string, ...userArgs: string[]) => {
    await dockerd!.docker('run', '-d', '--network', 'none', '--name', name, ...userArgs, '--read-only',
      '--health-interval', '1s', '--health-start-period', '30s',
      '-v', '/sys:/host/sys:ro', '-v', '/proc:/host/proc:ro', '-v', `${dockerd!.socket}:/host/docker.sock:ro`, IMAGE);
    // The image's own HEALTHCHECK (fetch /healthz) says when serve answers.
    await waitFor(async () => (await dockerd!.docker('inspect', '-f', '{{.State.Health.Status}}', name)) === 'healthy',
      { timeoutMs: 60_000, intervalMs: 500, what: `${name} to be healthy` })
      .catch(async (e: Error) => { throw new Error(`${e.message}\n${await dockerd!.docker('logs', name).catch(String)}`); });
  };
  /** GET on serve inside the container (no published port): the image's node and fetch. */
  const apiGet = async (name: string, path: string) =>
    dockerd!.docker('exec', name, 'node', '-e', `fetch('http://127.0.0.1:19338${path}').then((r) => r.text()).then((t) => process.stdout.write(t))`);
  const logs = async (name: string) => {
    const { stdout, stderr } = await run('docker', ['-H', `unix://${dockerd!.socket}`, 'logs', name], { env: { ...process.env, DOCKER_API_VERSION: '1.41' } });
    return `${stdout}${stderr}`;
  };

  it('builds both addons in the builder and ships a runtime image that runs as node, without compilers', async () => {
    expect(buildLog).toContain(`Successfully tagged ${IMAGE}`);
    // better-sqlite3 took its binary from the mirror (the Dockerfile's RUN loaded it before the prune).
    expect(mirror!.requests).toEqual([expect.stringMatching(/^GET \/v12\.11\.1\/better-sqlite3-v12\.11\.1-node-v115-linux-x64\.tar\.gz 200$/)]);
    // The native reader compiled with npm's node-gyp, against the local Node's headers.
    expect(buildLog).toMatch(/SOLINK_MODULE\(target\) Release\/obj\.target\/cgmeter_native\.node/);
    expect(await dockerd!.docker('image', 'inspect', '-f', '{{.Config.User}} {{json .Config.Entrypoint}} {{json .Config.Cmd}}', IMAGE))
      .toBe('node ["node","/opt/cgmeter/bin/cgmeter.js"] ["serve","--host-root","/host"]');
    expect(await dockerd!.docker('run', '--rm', '--network', 'none', '--entrypoint', 'sh', IMAGE, '-c', 'command -v g++ make python3; echo end')).toBe('end');
  });

  it('as root with SYS_PTRACE and DAC_READ_SEARCH only: lists the busybox container by name, with the native reader', async () => {
    await runImage('cgmeter-root', '--user', '0', '--cap-drop', 'ALL', '--cap-add', 'SYS_PTRACE', '--cap-add', 'DAC_READ_SEARCH');
    const rows = await waitFor(async () => {
      const list = JSON.parse(await apiGet('cgmeter-root', '/api/v1/containers')) as ContainerRow[];
      return list.some((r) => r.sample.identity.id === probeId) ? list : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500, what: 'the busybox container in /api/v1/containers' });
    const probe = rows.find((r) => r.sample.identity.id === probeId)!;
    expect(probe.sample.identity).toMatchObject({ name: 'cgm-image-probe', image: BUSYBOX_IMAGE, runtime: 'docker' });
    // cgmeter sees itself too: it is one of this dockerd's containers.
    expect(rows.some((r) => r.sample.identity.name === 'cgmeter-root')).toBe(true);
    const metrics = await apiGet('cgmeter-root', '/metrics');
    expect(metrics).toMatch(new RegExp(`^container_cpu_usage_seconds_total\\{[^}]*name="cgm-image-probe"[^}]*\\} [0-9.e+-]+`, 'm'));
    const log = await logs('cgmeter-root');
    expect(log).toContain('reader native');
    expect(log).toContain('ledger /var/lib/cgmeter/ledger.db');
    expect(log).toMatch(/engines: docker \d+ containers/);
  });

  it('as its default user node: cgroup counters without names (the socket is root\'s), and says so', async () => {
    await runImage('cgmeter-node');
    const rows = await waitFor(async () => {
      const list = JSON.parse(await apiGet('cgmeter-node', '/api/v1/containers')) as ContainerRow[];
      return list.some((r) => r.sample.identity.id === probeId) ? list : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500, what: 'the busybox container in /api/v1/containers' });
    expect(rows.find((r) => r.sample.identity.id === probeId)!.sample.identity.name).toBe(probeId.slice(0, 12));
    expect(await logs('cgmeter-node')).toContain('no permission to use /host/docker.sock');
  });
});

/**
 * prebuild's layout on 127.0.0.1 (the build runs with --network host): the host's own build of
 * better-sqlite3 (npm ci compiled it for this Node), as the tarball its install script downloads.
 */
async function serveBetterSqliteMirror(): Promise<{ server: Server; dir: string; requests: string[] }> {
  const pkg = join(ROOT, 'node_modules/better-sqlite3');
  const version = (JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string }).version;
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-linux-${process.arch}.tar.gz`;
  const dir = mkdtempSync(join(tmpdir(), 'cgm-prebuild-'));
  mkdirSync(join(dir, `v${version}`));
  await run('tar', ['-czf', join(dir, `v${version}`, name), '-C', pkg, 'build/Release/better_sqlite3.node']);
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const file = join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    let body: Buffer | undefined;
    try {
      body = file.startsWith(`${dir}/`) ? readFileSync(file) : undefined;
    } catch {
      body = undefined;
    }
    requests.push(`${req.method} ${req.url} ${body ? 200 : 404}`);
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/gzip' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, dir, requests };
}
