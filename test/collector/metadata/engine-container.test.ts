// Engine answers to plain data, on real answers of dockerd 20.10 and podman 4.3 (captured from
// the engines of REAL-COMPONENTS.md into test/fixtures/engine), plus malformed input.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { containerFromInspect, containerFromListEntry, limitsFromHostConfig } from '../../../collector/metadata/engine-container.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/engine/${name}`, import.meta.url), 'utf8'));

const POD_UID = '8c2e9f4a-3b1d-4c6e-9f0a-1b2c3d4e5f60';

describe('containerFromInspect', () => {
  it('docker: name without /, image as named, image id, labels, start, restarts, --memory/--cpus', () => {
    expect(containerFromInspect(fixture('docker-20.10-inspect-limited.json'))).toEqual({
      id: 'd2a9bb63a144454609098dde28b37949bdd4d94d7580d9b41f3f2925e1364825',
      name: 'lim2',
      image: 'local/busybox:latest',
      imageId: 'sha256:f983f645b8c599cbefbb502255eeef6997c50aae7031599282d7ce8dce35052a',
      labels: { 'com.docker.compose.project': 'shop' },
      startedAtMs: Date.UTC(2026, 10, 25, 16, 15, 37, 583),
      restartCount: 0,
      // `docker update --memory 80m` after `run --memory 64m --cpus 0.3`
      configuredLimits: { memoryBytes: 80 * 1024 * 1024, cpuCores: 0.3 },
      complete: true,
    });
  });

  it('docker (dockershim-style app container): CRI labels give pod, namespace, uid, container name', () => {
    const c = containerFromInspect(fixture('docker-20.10-inspect-k8s-app.json'))!;
    expect(c).toMatchObject({
      name: `k8s_app_web-0_shop_${POD_UID}_1`,
      pod: 'web-0', namespace: 'shop', podUid: POD_UID, containerName: 'app',
      configuredLimits: { cpuShares: 512, pidsMax: 100 },
    });
    expect(c.sandbox).toBeUndefined();
  });

  it('docker (dockershim-style pause container): a sandbox, container name POD', () => {
    expect(containerFromInspect(fixture('docker-20.10-inspect-k8s-pause.json'))).toMatchObject({
      pod: 'web-0', namespace: 'shop', podUid: POD_UID, containerName: 'POD', sandbox: true,
    });
  });

  it('dockershim name alone (labels stripped) still gives the pod and marks k8s_POD_ as the sandbox', () => {
    const doc = fixture('docker-20.10-inspect-k8s-pause.json') as { Config: { Labels: unknown } };
    doc.Config.Labels = {};
    expect(containerFromInspect(doc)).toMatchObject({ pod: 'web-0', namespace: 'shop', podUid: POD_UID, containerName: 'POD', sandbox: true });
  });

  it('podman compat API: NanoCpus wins over the quota it also reports; pids limit', () => {
    expect(containerFromInspect(fixture('podman-4.3-inspect.json'))).toMatchObject({
      id: '6abb9a458a347298c47d55b967f116fe7473889ba74bb8f91dad653935cca7c9',
      name: 'pc1',
      image: 'localhost/local/busybox:latest',
      labels: { app: 'x' },
      restartCount: 0,
      configuredLimits: { memoryBytes: 32 * 1024 * 1024, cpuCores: 0.5, pidsMax: 2048 },
    });
  });

  it.each([null, 42, 'x', [], {}, { Id: '' }, { Id: 7 }])('malformed %j is undefined', (value) => {
    expect(containerFromInspect(value)).toBeUndefined();
  });

  it('a minimal document gives what is there and no made-up fields', () => {
    expect(containerFromInspect({ Id: 'abc', Name: '/x', State: { StartedAt: '0001-01-01T00:00:00Z' }, RestartCount: -1 })).toEqual({
      id: 'abc', name: 'x', labels: {}, complete: true,
    });
  });
});

describe('containerFromListEntry', () => {
  it('docker list: names and images, no limits (complete: false)', () => {
    const list = fixture('docker-20.10-list.json') as unknown[];
    const byName = new Map(list.map(containerFromListEntry).map((c) => [c!.name, c!]));
    expect(byName.get('lim2')).toEqual({
      id: 'd2a9bb63a144454609098dde28b37949bdd4d94d7580d9b41f3f2925e1364825',
      name: 'lim2',
      image: 'local/busybox:latest',
      imageId: 'sha256:f983f645b8c599cbefbb502255eeef6997c50aae7031599282d7ce8dce35052a',
      labels: { 'com.docker.compose.project': 'shop' },
      complete: false,
    });
    expect(byName.get(`k8s_POD_web-0_shop_${POD_UID}_0`)).toMatchObject({ sandbox: true, pod: 'web-0' });
  });

  it('podman list', () => {
    const [c] = (fixture('podman-4.3-list.json') as unknown[]).map(containerFromListEntry);
    expect(c).toMatchObject({ name: 'pc1', image: 'localhost/local/busybox:latest', labels: { app: 'x' } });
  });

  it('prefers the primary name over link aliases', () => {
    expect(containerFromListEntry({ Id: 'a', Names: ['/web/db', '/db'] })!.name).toBe('db');
  });
});

describe('limitsFromHostConfig', () => {
  it.each([
    [{ CpuQuota: 50000, CpuPeriod: 200000 }, { cpuCores: 0.25 }],
    [{ CpuQuota: 150000 }, { cpuCores: 1.5 }], // period 0 means the kernel default 100 ms
    [{ PidsLimit: -1, Memory: 0, NanoCpus: 0, CpuShares: 0 }, undefined],
    [{ PidsLimit: null }, undefined],
    [{ Memory: 'big' }, undefined],
  ])('%j → %j', (host, limits) => {
    expect(limitsFromHostConfig(host as Record<string, unknown>)).toEqual(limits);
  });
});
