// The hono app in-process (app.request): formats and gzip on /metrics, health and readiness, the
// JSON API's lookups and errors, one onError for everything unexpected.

import { describe, expect, it, vi } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { createHttpApp } from '../../../exporters/http/app.js';
import { PrometheusExporter } from '../../../exporters/prometheus/exporter.js';
import { CONTENT_TYPES } from '../../../exporters/prometheus/format.js';
import type { SnapshotSource } from '../../../collector/service.js';
import { fixtureSource } from '../fixture-source.js';

const V2_DOCKER_A = '376f487bf99250bcc5fc3fe8c25a75d3176d40b0050403f03b4d7d31fd48e7f2';
const V2_DOCKER_A_PATH = `/system.slice/docker-${V2_DOCKER_A}.scope`;
/** What Prometheus 2.42 sends. */
const PROMETHEUS_ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

function appOver(source: SnapshotSource, logError?: (m: string) => void) {
  return createHttpApp({ source, exporter: new PrometheusExporter(source), logError });
}

const v2 = fixtureSource('cgroup-v2');
const app = appOver(v2);

describe('/metrics', () => {
  it('answers in the Prometheus text format by default', async () => {
    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(CONTENT_TYPES.prometheus);
    const body = await res.text();
    expect(body).toContain(`container_cpu_usage_seconds_total{id="${V2_DOCKER_A_PATH}",name="376f487bf992",image="",cpu="total"} `);
    expect(body).toContain('# TYPE cgmeter_build_info gauge');
    expect(body).not.toContain('# EOF');
  });

  it('answers in OpenMetrics when Prometheus asks for it, with one # EOF at the very end', async () => {
    const res = await app.request('/metrics', { headers: { accept: PROMETHEUS_ACCEPT } });
    expect(res.headers.get('content-type')).toBe(CONTENT_TYPES.openmetrics);
    const body = await res.text();
    expect(body.endsWith('\n# EOF\n')).toBe(true);
    expect(body.match(/^# EOF$/gm)).toHaveLength(1);
    expect(body).toContain('# TYPE container_cpu_usage_seconds counter\n# UNIT container_cpu_usage_seconds seconds\n');
    expect(body).toContain('# TYPE cgmeter_samples counter\n# HELP cgmeter_samples Samples taken since start.\ncgmeter_samples_total 1\n');
  });

  it('reports read errors by errno, and the reader in use', async () => {
    const source: SnapshotSource = { latest: () => [], health: () => ({ ...v2.health(), readErrors: { EIO: 3, EACCES: 1 } }) };
    const body = await (await appOver(source).request('/metrics')).text();
    expect(body).toContain('cgmeter_read_errors_total{kind="EIO"} 3\n');
    expect(body).toContain('cgmeter_read_errors_total{kind="EACCES"} 1\n');
    expect(body).toContain('cgmeter_reader_info{reader="fallback",reason=""} 1\n');
  });

  it('gzips when Accept-Encoding allows it, and not when it refuses', async () => {
    const zipped = await app.request('/metrics', { headers: { 'accept-encoding': 'gzip, deflate' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    const text = gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString('utf8');
    expect(text.startsWith('# HELP container_cpu_usage_seconds_total ')).toBe(true);
    const refused = await app.request('/metrics', { headers: { 'accept-encoding': 'gzip;q=0, identity' } });
    expect(refused.headers.get('content-encoding')).toBeNull();
  });
});

describe('health', () => {
  it('/healthz says the process is up; /readyz waits for the first sample', async () => {
    let samplesTaken = 0;
    const source: SnapshotSource = { latest: () => [], health: () => ({ ...v2.health(), samplesTaken }) };
    const local = appOver(source);
    expect((await local.request('/healthz')).status).toBe(200);
    const early = await local.request('/readyz');
    expect(early.status).toBe(503);
    expect(await early.text()).toContain('no sample');
    samplesTaken = 1;
    expect((await local.request('/readyz')).status).toBe(200);
  });
});

describe('/api/v1/containers', () => {
  it('lists containers and pods, with unlimited values as "max"; ?all=1 lists every cgroup', async () => {
    const list = await (await app.request('/api/v1/containers')).json() as Array<{ sample: { path: string; identity: { kind: string }; memory: { limitBytes?: unknown } } }>;
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((s) => s.sample.identity.kind === 'container' || s.sample.identity.kind === 'pod')).toBe(true);
    const b = list.find((s) => s.sample.path.includes('docker-4e7d912fd678'))!;
    expect(b.sample.memory.limitBytes).toBe('max');
    const all = await (await app.request('/api/v1/containers?all=1')).json() as unknown[];
    expect(all).toHaveLength(v2.latest().length);
  });

  it.each([
    ['the full id', V2_DOCKER_A],
    ['a unique id prefix', V2_DOCKER_A.slice(0, 3)],
    ['the name', '376f487bf992'],
    ['the URL-encoded cgroup path', encodeURIComponent(V2_DOCKER_A_PATH)],
  ])('finds one container by %s', async (_what, key) => {
    const res = await app.request(`/api/v1/containers/${key}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { sample: { path: string } }).sample.path).toBe(V2_DOCKER_A_PATH);
  });

  it('answers 404 with a JSON error for unknown, too short and ambiguous keys', async () => {
    const unknown = await app.request('/api/v1/containers/nothing-like-this');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'no cgroup with id, name or path "nothing-like-this"' });
    const short = await app.request('/api/v1/containers/37');
    expect(short.status).toBe(404);
    expect(((await short.json()) as { error: string }).error).toContain('at least 3 characters');
    // Both kubepods app containers' and others' ids: "b6" + "b7" differ, so look for a shared 3-char prefix.
    const ids = v2.latest().map((s) => s.sample.identity.id).filter((id) => /^[0-9a-f]{64}$/.test(id));
    const shared = ids.map((id) => id.slice(0, 3)).find((p, i, all) => all.indexOf(p) !== i);
    if (shared) {
      const ambiguous = await app.request(`/api/v1/containers/${shared}`);
      expect(ambiguous.status).toBe(404);
      expect(((await ambiguous.json()) as { matches: string[] }).matches.length).toBeGreaterThan(1);
    }
  });
});

describe('errors', () => {
  it('unknown paths are a JSON 404', async () => {
    const res = await app.request('/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'no such path: /nope' });
  });

  it('an unexpected error is a JSON 500, logged once', async () => {
    const logError = vi.fn();
    const broken: SnapshotSource = { latest: () => { throw new Error('snapshot store on fire'); }, health: () => v2.health() };
    const res = await appOver(broken, logError).request('/api/v1/containers');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'internal error', detail: 'snapshot store on fire' });
    expect(logError).toHaveBeenCalledTimes(1);
    expect(logError.mock.calls[0]![0]).toContain('GET /api/v1/containers');
  });
});
