// A container of a real dockerd (started by the test on a private socket) shows up on /metrics
// with the labels dashboards select on: its name, image and engine labels, and its limits.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectHostCgroups, requireRootOrSkip, waitFor } from '../../helpers/kernel.js';
import { startDockerd, BUSYBOX_IMAGE, type Dockerd } from '../../helpers/dockerd.js';
import { startServe, type ServeProcess } from './serve-process.js';

const skip = requireRootOrSkip({ binaries: ['dockerd', 'docker'] }, 'serve with dockerd') || (detectHostCgroups().mode === 'v2' && process.env.V2VM === '1');

describe.skipIf(skip)('cgmeter serve with a real dockerd', () => {
  let dockerd: Dockerd | undefined;
  let serve: ServeProcess | undefined;
  let id = '';

  beforeAll(async () => {
    dockerd = await startDockerd();
    id = await dockerd.docker('run', '-d', '--network', 'none', '--name', 'cgm-serve-web', '--memory', '64m', '--cpus', '0.3',
      '--label', 'com.docker.compose.service=web', '--label', 'team', BUSYBOX_IMAGE, 'sleep', '300');
    serve = await startServe(['--interval', '500ms', '--docker-socket', dockerd.socket, '--podman-socket', 'none', '--cgroup-prefix', '/docker']);
  }, 120_000);

  afterAll(async () => {
    serve?.kill();
    await dockerd?.stop();
  }, 60_000);

  it('says in its start line that the engine answers', () => {
    expect(serve!.startLine).toMatch(/engines: docker \d+ containers/);
  });

  it('labels the container\'s series with its name, image and engine labels, and exports its limits', async () => {
    const labels = `id="/docker/${id}",name="cgm-serve-web",image="${BUSYBOX_IMAGE}",container_label_com_docker_compose_service="web",container_label_team=""`;
    const body = await waitFor(async () => {
      const text = await (await fetch(`${serve!.url}/metrics`)).text();
      return text.includes(`container_memory_usage_bytes{${labels}}`) ? text : undefined;
    }, { timeoutMs: 15_000, intervalMs: 250, what: 'the container with its engine labels on /metrics' });
    expect(body).toContain(`container_spec_memory_limit_bytes{${labels}} ${64 * 1024 * 1024}\n`);
    expect(body).toContain(`container_spec_cpu_quota{${labels}} 30000\n`);
    expect(body).toMatch(new RegExp(`container_cpu_usage_seconds_total\\{${labels.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},cpu="total"\\} `));
  });

  it('finds it by name through the JSON API', async () => {
    const res = await fetch(`${serve!.url}/api/v1/containers/cgm-serve-web`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { sample: { identity: { id: string; image: string } } }).sample.identity).toMatchObject({ id, image: BUSYBOX_IMAGE });
  });
});
