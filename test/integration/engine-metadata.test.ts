// Engine metadata from a real dockerd started by this test: `cgmeter ls --json/--tree` name the
// containers, and a running CollectorService keeps its samples and cached names while dockerd
// hangs (SIGSTOP) and after it is gone (SIGKILL: containerd goes with it, shims and containers stay).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { requireRootOrSkip, detectHostCgroups, createTestCgroup, destroyAllTestCgroups, waitFor } from '../helpers/kernel.js';
import { startDockerd, BUSYBOX_IMAGE, type Dockerd } from '../helpers/dockerd.js';
import { killAndRemoveCgroups, killProcessesMentioning, removeEmptyCgroups } from '../helpers/engines.js';
import { CollectorService } from '../../collector/service.js';
import { ALL_GROUPS } from '../../collector/poller.js';
import { EngineMetadataCache, type MetadataLogLevel } from '../../collector/metadata/index.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/cgmeter.js', import.meta.url));
// The v2 VM starts no engines (as in docker-ls.test.ts).
const skip = requireRootOrSkip({ binaries: ['dockerd', 'docker'] }, 'engine metadata tests') || detectHostCgroups().mode === 'v2' && process.env.V2VM === '1';

interface LsRow {
  sample: { path: string; identity: Record<string, unknown> & { id: string; name: string; labels: Record<string, string> } };
  limits: { memoryBytes?: number | 'max'; cpuCores?: number | 'max' };
}

describe.skipIf(skip)('engine metadata with a real dockerd', () => {
  let dockerd: Dockerd;
  let web: string;
  let limited: string;
  let killed = false;
  const dockerParentExisted = existsSync('/sys/fs/cgroup/pids/docker') || existsSync('/sys/fs/cgroup/docker');

  beforeAll(async () => {
    dockerd = await startDockerd();
    web = await dockerd.docker('run', '-d', '--network', 'none', '--name', 'cgm-web',
      '--label', 'com.docker.compose.project=shop', '--label', 'com.docker.compose.service=web', BUSYBOX_IMAGE, 'sleep', '600');
    limited = await dockerd.docker('run', '-d', '--network', 'none', '--name', 'cgm-limited', '--memory', '64m', '--cpus', '0.3', BUSYBOX_IMAGE, 'sleep', '600');
  }, 120_000);

  afterAll(async () => {
    // Every step runs even when one before it fails; the first failure is reported at the end.
    const errors: unknown[] = [];
    const step = async (fn: () => unknown) => {
      try {
        await fn();
      } catch (err) {
        errors.push(err);
      }
    };
    await step(destroyAllTestCgroups);
    if (dockerd) {
      if (!killed) await step(() => process.kill(dockerdPid(), 'SIGCONT')); // a failed hang test must not leave it stopped
      // After SIGKILL no daemon removes its containers: kill their shims and processes, remove their cgroups.
      if (killed) await step(() => killProcessesMentioning(dockerd.dir));
      if (killed) await step(() => killAndRemoveCgroups([web, limited].filter(Boolean).map((id) => `/docker/${id}`)));
      await step(() => dockerd.stop());
      if (!dockerParentExisted) await step(() => removeEmptyCgroups(['/docker']));
    }
    if (errors.length > 0) throw errors[0];
  }, 60_000);

  const dockerdPid = () => Number(readFileSync(`${dockerd.dir}/dockerd.pid`, 'utf8'));
  const ls = async (...args: string[]) => (await run(process.execPath, [bin, 'ls', '--interval', '300ms', '--docker-socket', dockerd.socket, '--podman-socket', 'none', ...args])).stdout;

  it('ls --json: runtime docker, name, image, image id, labels, start time and limits', async () => {
    const rows = JSON.parse(await ls('--json')) as LsRow[];
    const a = rows.find((r) => r.sample.identity.id === web)!;
    const b = rows.find((r) => r.sample.identity.id === limited)!;
    const imageId = await dockerd.docker('image', 'inspect', '--format', '{{.Id}}', BUSYBOX_IMAGE);
    expect(a.sample.identity).toMatchObject({
      runtime: 'docker', kind: 'container', name: 'cgm-web', image: 'local/busybox:latest', imageId, restartCount: 0,
      labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' },
    });
    const startedAt = Date.parse(await dockerd.docker('inspect', '--format', '{{.State.StartedAt}}', web));
    expect(a.sample.identity.startedAtMs).toBe(startedAt);
    expect(a.sample.identity.configuredLimits).toBeUndefined();
    expect(a.limits).toMatchObject({ memoryBytes: 'max', cpuCores: 'max' });
    expect(b.sample.identity).toMatchObject({ runtime: 'docker', name: 'cgm-limited', image: 'local/busybox:latest', labels: {}, configuredLimits: { memoryBytes: 64 * 1024 * 1024, cpuCores: 0.3 } });
    expect(b.limits.memoryBytes).toBe(64 * 1024 * 1024);
    expect(b.limits.cpuCores).toBeCloseTo(0.3, 9);
  });

  it('ls table: NAME, IMAGE and the CPUS limit', async () => {
    const lines = (await ls()).trim().split('\n');
    expect(lines[0]).toMatch(/^CONTAINER ID\s+NAME\s+IMAGE\s+RUNTIME\s+CPU %\s+CPUS\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS$/);
    expect(lines.find((l) => l.startsWith(limited.slice(0, 12)))).toMatch(/^\w{12}\s+cgm-limited\s+local\/busybox:latest\s+docker\s+\S+\s+0\.30\s+\S+ \/ 64\.0MiB\s/);
    expect(lines.find((l) => l.startsWith(web.slice(0, 12)))).toMatch(/^\w{12}\s+cgm-web\s+local\/busybox:latest\s+docker\s+\S+\s+--\s/);
  });

  it('ls --tree: the docker parent with both containers marked', async () => {
    const lines = (await ls('--tree')).split('\n');
    expect(lines[0]).toBe('/');
    const dockerLine = lines.findIndex((l) => /^[├└]─docker$/.test(l));
    expect(dockerLine).toBeGreaterThan(0);
    for (const [id, name] of [[web, 'cgm-web'], [limited, 'cgm-limited']] as const) {
      const at = lines.findIndex((l) => l.includes(`─${id.slice(0, 12)}…`));
      expect(at).toBeGreaterThan(dockerLine);
      expect(lines[at]).toMatch(new RegExp(`^[│ ] [├└]─${id.slice(0, 12)}…  ◆ docker ${name} \\(local/busybox:latest\\)$`));
    }
  });

  it('a running collector keeps sampling with cached names while dockerd hangs, then is gone', async () => {
    const logs: Array<[MetadataLogLevel, string]> = [];
    const metadata = new EngineMetadataCache({
      sockets: [{ engine: 'docker', socketPath: dockerd.socket, explicit: true }],
      source: { api: { requestTimeoutMs: 500, streamHeadersTimeoutMs: 800 }, backoffInitialMs: 100, backoffMaxMs: 1_000 },
    }, (level, line) => logs.push([level, line]));
    metadata.start();
    await metadata.ready(5_000);
    const service = new CollectorService({ collector: { hostRoot: '/', reader: 'auto', groups: ALL_GROUPS, identityEnricher: metadata }, intervalMs: 100, discoveryIntervalMs: 500 });
    service.start();
    const mine = () => service.latest().filter((s) => s.sample.identity.id === web || s.sample.identity.id === limited);
    const flowing = async (what: string) => {
      const before = service.health().samplesTaken;
      const usage = mine().map((s) => s.sample.cpu.usageSeconds!);
      await waitFor(() => service.health().samplesTaken >= before + 10, { timeoutMs: 5_000, what: `samples while ${what}` });
      const now = mine();
      expect(now.map((s) => s.sample.identity.name).sort()).toEqual(['cgm-limited', 'cgm-web']);
      now.forEach((s, i) => expect(s.sample.cpu.usageSeconds!).toBeGreaterThanOrEqual(usage[i]!));
      expect(now.every((s) => s.sample.memory.usageBytes! > 0)).toBe(true);
      // enrich() answers from memory: a sample of the whole host stays far below the engine's timeout.
      expect(service.health().lastSampleDurationMs).toBeLessThan(250);
      expect(service.health().sampleErrors).toBe(0);
    };
    try {
      await waitFor(() => mine().length === 2 && mine().every((s) => s.sample.identity.image === BUSYBOX_IMAGE), { timeoutMs: 5_000, what: 'named samples' });

      process.kill(dockerdPid(), 'SIGSTOP');
      // An id dockerd was never asked about (docker-in-docker form), met while it hangs.
      const stranger = createTestCgroup(`docker/${'e'.repeat(64)}`, { controllers: ['cpu', 'memory', 'pids'] });
      await stranger.spawnIn('sleep', ['60']);
      await waitFor(() => metadata.stats()[0]!.errors.timeout, { timeoutMs: 5_000, what: 'a request to time out' });
      await flowing('dockerd hangs');
      expect(metadata.stats()[0]!.reachable).toBe(false);
      expect(service.latest().find((s) => s.sample.path === stranger.path)!.sample.identity).toMatchObject({ runtime: 'docker', name: 'eeeeeeeeeeee' });
      expect(logs.filter(([, l]) => /does not answer/.test(l))).toHaveLength(1);

      process.kill(dockerdPid(), 'SIGCONT');
      await waitFor(() => metadata.stats()[0]!.reachable, { timeoutMs: 10_000, what: 'dockerd to answer again' });

      process.kill(dockerdPid(), 'SIGKILL');
      killed = true;
      await waitFor(() => metadata.stats()[0]!.errors.refused, { timeoutMs: 5_000, what: 'connections to be refused' });
      await flowing('dockerd is gone');
      expect(logs.filter(([, l]) => /refuses connections/.test(l))).toHaveLength(1);
      expect(logs.map(([level]) => level).every((l) => l === 'warn' || l === 'info')).toBe(true);
    } finally {
      service.stop();
      metadata.stop();
    }
  });
});
