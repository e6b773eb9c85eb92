// The cAdvisor-consumer PromQL suite (promql-queries.ts) against a real Prometheus 2.42 scraping a real
// `cgmeter serve` every second, while a real dockerd runs labelled, limited containers with known loads:
//   cgm-web: compose-labelled, team=a, APP_ENV=prod, 64 MiB, a busy loop under --cpus 0.5;
//   cgm-db:  team=b, 128 MiB, 20 MiB written into its writable layer, then idle;
//   a kubelet-like pod under /kubepods/burstable/pod<uid> (docker --cgroup-parent, CRI labels):
//     its sandbox (container "POD") and its app container (busy loop under --cpus 0.5).
// Every query must return data; every value must pass its check.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { detectHostCgroups, requireRootOrSkip, waitFor } from '../../helpers/kernel.js';
import { startDockerd, BUSYBOX_IMAGE, type Dockerd } from '../../helpers/dockerd.js';
import { startPrometheus, type Prometheus } from '../../helpers/prometheus.js';
import { startServe, type ServeProcess } from './serve-process.js';
import { SUITE, widen, type GrafanaVariables } from './promql-queries.js';

const skip = requireRootOrSkip({ binaries: ['dockerd', 'docker', 'prometheus'] }, 'PromQL suite against serve + dockerd')
  || (detectHostCgroups().mode === 'v2' && process.env.V2VM === '1');

const POD_UID = randomUUID();
const POD = 'shop-7d9f';
const NAMESPACE = 'cgm-test';
const VARS: GrafanaVariables = { interval: '10s', container: ['cgm-web', 'cgm-db'], namespace: NAMESPACE, pod: [POD, 'absent-pod'] };
const BUSY = ['sh', '-c', 'while :; do :; done'];

/** Removes the pod's cgroup parents docker made in every hierarchy (deepest first; busy ones stay). */
function removePodParents(): void {
  const host = detectHostCgroups();
  const roots = host.mode === 'v2' ? [host.unified!] : [...new Set(['cpu', 'cpuacct', 'memory', 'pids', 'blkio', 'cpuset', 'devices', 'freezer', 'systemd']
    .map((c) => join('/sys/fs/cgroup', c))), '/sys/fs/cgroup/unified'];
  for (const root of roots) {
    for (const rel of [`kubepods/burstable/pod${POD_UID}`, 'kubepods/burstable', 'kubepods']) {
      try {
        rmdirSync(join(root, rel));
      } catch {
        // absent in this hierarchy, or still used by someone else
      }
    }
  }
}

describe.skipIf(skip)('cAdvisor consumers\' PromQL against cgmeter serve (dockerd, Prometheus 2.42)', () => {
  let dockerd: Dockerd | undefined;
  let serve: ServeProcess | undefined;
  let prometheus: Prometheus | undefined;

  beforeAll(async () => {
    dockerd = await startDockerd();
    const d = dockerd;
    await d.docker('run', '-d', '--network', 'none', '--name', 'cgm-web', '--memory', '64m', '--cpus', '0.5',
      '--label', 'com.docker.compose.service=web', '--label', 'team=a', '-e', 'APP_ENV=prod', '-e', 'SECRET_TOKEN=hidden', BUSYBOX_IMAGE, ...BUSY);
    await d.docker('run', '-d', '--network', 'none', '--name', 'cgm-db', '--memory', '128m', '--label', 'team=b',
      BUSYBOX_IMAGE, 'sh', '-c', 'dd if=/dev/zero of=/fill bs=1M count=20 oflag=direct 2>/dev/null || dd if=/dev/zero of=/fill bs=1M count=20; sync; sleep 600');
    const kube = (container: string, extra: string[]) => ['--label', `io.kubernetes.pod.name=${POD}`, '--label', `io.kubernetes.pod.namespace=${NAMESPACE}`,
      '--label', `io.kubernetes.pod.uid=${POD_UID}`, '--label', `io.kubernetes.container.name=${container}`, ...extra];
    const parent = `/kubepods/burstable/pod${POD_UID}`;
    await d.docker('run', '-d', '--network', 'none', '--name', `k8s_POD_${POD}_${NAMESPACE}_${POD_UID}_0`, '--cgroup-parent', parent,
      ...kube('POD', ['--label', 'io.kubernetes.docker.type=podsandbox']), BUSYBOX_IMAGE, 'sleep', '600');
    await d.docker('run', '-d', '--network', 'none', '--name', `k8s_app_${POD}_${NAMESPACE}_${POD_UID}_0`, '--cgroup-parent', parent, '--cpus', '0.5', '--memory', '96m',
      ...kube('app', ['--label', 'io.kubernetes.docker.type=container']), BUSYBOX_IMAGE, ...BUSY);
    // Discovery walks the whole host tree: generous on a shared machine with thousands of cgroups.
    // --export containers (containers, pods and `/`: what the queries select) keeps each scrape within
    // the 1 s scrape timeout when other work on the host leaves thousands of cgroups around.
    serve = await startServe(['--interval', '1s', '--docker-socket', d.socket, '--podman-socket', 'none', '--env-allowlist', 'APP_ENV', '--export', 'containers'], 150_000);
    prometheus = await startPrometheus([new URL(serve.url).host]);
    // 12 scrapes cover the widest range ($interval = 10s) with room for the first slow refresh.
    await waitFor(async () => Number((await prometheus!.query('count_over_time(machine_memory_bytes[15s])'))[0]?.value[1] ?? 0) >= 12,
      { timeoutMs: 90_000, intervalMs: 1000, what: '12 scrapes in Prometheus' });
  }, 240_000);

  afterAll(async () => {
    await prometheus?.stop();
    serve?.kill();
    await dockerd?.stop();
    removePodParents();
  }, 90_000);

  it.each(SUITE.map((q) => [q.shape, q]))('%s: %s', async (_shape, q) => {
    const promql = widen(q.query, VARS);
    // The writable-layer walk and the slow refresh land within their first cadence (10 s).
    const result = await waitFor(async () => {
      const r = await prometheus!.query(promql);
      return r.length > 0 && (!q.expect || r.every((s) => q.expect!(Number(s.value[1])))) ? r : undefined;
    }, { timeoutMs: 30_000, intervalMs: 1000, what: `data for ${promql}` }).catch(async (err: Error) => {
      const r = await prometheus!.query(promql);
      throw new Error(`${err.message}; last answer: ${JSON.stringify(r.map((s) => [s.metric, s.value[1]]))}`);
    });
    console.info(`${promql} → ${result.map((s) => `${JSON.stringify(s.metric)} ${s.value[1]}`).join('; ').slice(0, 400)}`);
    expect(result.length).toBeGreaterThan(0);
  }, 60_000);

  it('never exports an environment variable that is not allowlisted', async () => {
    const body = await (await fetch(`${serve!.url}/metrics`)).text();
    expect(body).toContain('container_env_app_env="prod"');
    expect(body).not.toMatch(/SECRET_TOKEN|container_env_secret_token|hidden/);
  });

  it('labels the pod cgroup, the sandbox and the app container as the kubelet does', async () => {
    const series = await prometheus!.query(`container_last_seen{pod="${POD}"}`);
    const byId = new Map(series.map((s) => [s.metric.id!, s.metric]));
    const podCgroup = byId.get(`/kubepods/burstable/pod${POD_UID}`);
    expect(podCgroup, JSON.stringify([...byId.keys()])).toMatchObject({ pod: POD, pod_name: POD, namespace: NAMESPACE });
    expect(podCgroup!.container).toBeUndefined();
    const containers = series.filter((s) => s.metric.id !== `/kubepods/burstable/pod${POD_UID}`).map((s) => s.metric.container).sort();
    expect(containers).toEqual(['POD', 'app']);
  });
});
