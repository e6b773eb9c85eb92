// EngineMetadataCache against a scripted engine on a unix socket: names from list + inspect, events,
// unknown ids fetched in the background, and every way an engine can fail (missing, refused,
// silent, hanging mid-run, restarted) costing a timeout and one log line, never a stalled sample.

import { readFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineMetadataCache, type MetadataLogLevel } from '../../../collector/metadata/index.js';
import { identifyCgroup } from '../../../collector/runtimes/registry.js';
import { FakeEngine, deadSocket, silentSocket } from '../../helpers/fake-engine.js';
import { waitFor } from '../../helpers/wait-for.js';

const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(`../../fixtures/engine/${name}`, import.meta.url), 'utf8'));
const LIMITED = fixture('docker-20.10-inspect-limited.json');
const POD_APP = fixture('docker-20.10-inspect-k8s-app.json');
const POD_PAUSE = fixture('docker-20.10-inspect-k8s-pause.json');
const LIMITED_ID = String(LIMITED.Id);
const APP_ID = String(POD_APP.Id);
const UNKNOWN_ID = 'f'.repeat(64);
const POD_UID = '8c2e9f4a-3b1d-4c6e-9f0a-1b2c3d4e5f60';

// Fast clocks so failure paths finish in well under a second; generous ones where the engine
// works, so a loaded machine cannot turn a slow answer into a timeout.
const FAST = { api: { requestTimeoutMs: 200, streamHeadersTimeoutMs: 300 }, backoffInitialMs: 50, backoffMaxMs: 200 };
const MEDIUM = { api: { requestTimeoutMs: 1_000, streamHeadersTimeoutMs: 1_000 }, backoffInitialMs: 50, backoffMaxMs: 200 };
const PATIENT = { api: { requestTimeoutMs: 5_000, streamHeadersTimeoutMs: 5_000 }, backoffInitialMs: 50, backoffMaxMs: 200 };

const engines: FakeEngine[] = [];
const caches: EngineMetadataCache[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const c of caches.splice(0)) c.stop();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  for (const e of engines.splice(0)) await e.dispose();
});

async function engine(...docs: Record<string, unknown>[]): Promise<FakeEngine> {
  const e = new FakeEngine();
  engines.push(e);
  for (const d of docs) e.add(structuredClone(d));
  await e.start();
  return e;
}

function cache(socketPath: string, explicit = true, clocks = FAST): { cache: EngineMetadataCache; logs: Array<[MetadataLogLevel, string]> } {
  const logs: Array<[MetadataLogLevel, string]> = [];
  const c = new EngineMetadataCache({ sockets: [{ engine: 'docker', socketPath, explicit }], source: clocks }, (level, line) => logs.push([level, line]));
  caches.push(c);
  c.start();
  return { cache: c, logs };
}

const dockerIdentity = (id: string) => identifyCgroup(`/docker/${id}`);

/** enrich() must answer from memory: time it. */
/**
 * enrich() is synchronous: it cannot wait for the engine, whatever state it is in. What the tests
 * check is what it answers meanwhile (no timing: a loaded CI machine made "< 5 ms" fail once).
 */
function enrichNow(c: EngineMetadataCache, id: string) {
  const out = c.enrich(dockerIdentity(id), `/docker/${id}`);
  expect(out).not.toBeInstanceOf(Promise);
  return out;
}

describe('EngineMetadataCache with a working engine', () => {
  it('lists and inspects at start: name, image, image id, labels, start, restarts, limits', async () => {
    const e = await engine(LIMITED, POD_APP, POD_PAUSE);
    const { cache: c, logs } = cache(e.socketPath, true, PATIENT);
    await c.ready(2_000);
    expect(c.enrich(dockerIdentity(LIMITED_ID), `/docker/${LIMITED_ID}`)).toEqual({
      runtime: 'docker', id: LIMITED_ID, kind: 'container',
      name: 'lim2',
      image: 'local/busybox:latest',
      imageId: 'sha256:f983f645b8c599cbefbb502255eeef6997c50aae7031599282d7ce8dce35052a',
      labels: { 'com.docker.compose.project': 'shop' },
      startedAtMs: Date.UTC(2026, 10, 25, 16, 15, 37, 583),
      restartCount: 0,
      configuredLimits: { memoryBytes: 80 * 1024 * 1024, cpuCores: 0.3 },
    });
    expect(logs).toEqual([]);
    expect(c.stats()[0]).toMatchObject({ reachable: true, containers: 3, streamConnects: 1, errors: {} });
  });

  it('kubernetes: a bare id under a cgroupfs pod becomes docker with pod names; the pod cgroup is named from its containers', async () => {
    const e = await engine(POD_APP, POD_PAUSE);
    const { cache: c } = cache(e.socketPath, true, PATIENT);
    await c.ready(2_000);
    const podPath = `/kubepods/burstable/pod${POD_UID}`;
    const app = c.enrich(identifyCgroup(`${podPath}/${APP_ID}`), `${podPath}/${APP_ID}`);
    expect(app).toMatchObject({ runtime: 'docker', kind: 'container', name: `k8s_app_web-0_shop_${POD_UID}_1`, pod: 'web-0', namespace: 'shop', containerName: 'app', podUid: POD_UID, qos: 'burstable' });
    const pause = c.enrich(identifyCgroup(`${podPath}/${String(POD_PAUSE.Id)}`), '');
    expect(pause).toMatchObject({ containerName: 'POD', sandbox: true });
    expect(c.enrich(identifyCgroup(podPath), podPath)).toMatchObject({ runtime: 'kubernetes', kind: 'pod', name: 'web-0', pod: 'web-0', namespace: 'shop', podUid: POD_UID });
  });

  it('an unknown id is answered at once and fetched in the background; a 404 is not asked again soon', async () => {
    const e = await engine();
    const { cache: c } = cache(e.socketPath, true, PATIENT);
    await c.ready(2_000);
    e.add(structuredClone(LIMITED)); // created after the list, before its event
    expect(enrichNow(c, LIMITED_ID).name).toBe(LIMITED_ID.slice(0, 12)); // the short id until the inspect answers
    await waitFor(() => c.enrich(dockerIdentity(LIMITED_ID), '').name === 'lim2', { timeoutMs: 2_000, what: 'the background inspect' });
    for (let i = 0; i < 20; i++) c.enrich(dockerIdentity(UNKNOWN_ID), '');
    await waitFor(() => c.stats()[0]!.errors['not-found'] === 1, { timeoutMs: 2_000, what: 'the 404' });
    for (let i = 0; i < 20; i++) c.enrich(dockerIdentity(UNKNOWN_ID), '');
    await new Promise((r) => setTimeout(r, 100));
    expect(e.requests.filter((p) => p.includes(UNKNOWN_ID))).toHaveLength(1);
  });

  it('follows events: rename, update, create, destroy', async () => {
    const e = await engine(LIMITED);
    const { cache: c } = cache(e.socketPath, true, PATIENT);
    await c.ready(2_000);
    const name = () => c.enrich(dockerIdentity(LIMITED_ID), '').name;
    (e.containers.get(LIMITED_ID)!.inspect as { Name: string }).Name = '/renamed';
    e.emit({ Type: 'container', Action: 'rename', Actor: { ID: LIMITED_ID, Attributes: { name: 'renamed', oldName: '/lim2' } } });
    await waitFor(() => name() === 'renamed', { timeoutMs: 2_000, what: 'the rename' });
    (e.containers.get(LIMITED_ID)!.inspect as { HostConfig: { Memory: number } }).HostConfig.Memory = 128 * 1024 * 1024;
    e.emit({ Type: 'container', Action: 'update', Actor: { ID: LIMITED_ID, Attributes: {} } });
    await waitFor(() => c.enrich(dockerIdentity(LIMITED_ID), '').configuredLimits?.memoryBytes === 128 * 1024 * 1024, { timeoutMs: 2_000, what: 'the update' });
    e.add(structuredClone(POD_APP));
    e.emit({ Type: 'container', Action: 'start', Actor: { ID: APP_ID, Attributes: {} } });
    await waitFor(() => c.sources[0]!.get(APP_ID)?.complete, { timeoutMs: 2_000, what: 'the started container' });
    e.emit({ status: 'destroy', id: LIMITED_ID }); // the pre-1.22 event shape
    e.emit({ Type: 'container', Action: 'exec_start: sh -c true', Actor: { ID: APP_ID } });
    await waitFor(() => name() === LIMITED_ID.slice(0, 12), { timeoutMs: 2_000, what: 'the destroy' });
    expect(c.stats()[0]!.events).toBe(5);
  });
});

describe('EngineMetadataCache when the engine fails', () => {
  it('missing default socket: one info line, no errors thrown, instant answers', async () => {
    const { cache: c, logs } = cache('/nonexistent/docker.sock', false);
    await c.ready(2_000);
    await new Promise((r) => setTimeout(r, 400)); // several reconnect attempts
    expect(logs).toEqual([['info', 'no docker socket at /nonexistent/docker.sock: docker containers are named by short id (--docker-socket PATH to use another, --docker-socket none to stop looking)']]);
    expect(c.stats()[0]!.errors.missing).toBeGreaterThan(1);
    expect(enrichNow(c, LIMITED_ID).name).toBe(LIMITED_ID.slice(0, 12));
  });

  it('missing explicit socket is a warning', async () => {
    const { cache: c, logs } = cache('/nonexistent/docker.sock', true);
    await c.ready(2_000);
    expect(logs).toEqual([['warn', 'docker socket /nonexistent/docker.sock does not exist; containers keep their path names; will keep looking']]);
  });

  it('a socket that accepts and never answers: ready() gives up at the headers deadline, one warning', async () => {
    const e = new FakeEngine(); // only for its temp dir
    engines.push(e);
    servers.push(await silentSocket(e.socketPath));
    const t0 = performance.now();
    const { cache: c, logs } = cache(e.socketPath);
    await c.ready(5_000);
    expect(performance.now() - t0).toBeLessThan(4_000); // the 300 ms headers deadline ended it, not ready()'s 5 s
    await new Promise((r) => setTimeout(r, 800));
    expect(logs).toHaveLength(1);
    expect(logs[0]![1]).toMatch(/^docker at .* does not answer \(nothing within 300 ms\); containers keep their path names; retrying with backoff$/);
    expect(c.stats()[0]!.errors.timeout).toBeGreaterThan(1);
    expect(enrichNow(c, LIMITED_ID).name).toBe(LIMITED_ID.slice(0, 12));
  });

  it('an engine that hangs mid-run keeps its cached names, times out requests, and recovers', async () => {
    const e = await engine(LIMITED);
    const { cache: c, logs } = cache(e.socketPath, true, MEDIUM);
    await c.ready(2_000);
    e.hang = true;
    e.add(structuredClone(POD_APP));
    c.enrich(dockerIdentity(APP_ID), ''); // its inspect will hang
    await waitFor(() => c.stats()[0]!.errors.timeout, { timeoutMs: 5_000, what: 'a timeout' });
    expect(c.stats()[0]!.reachable).toBe(false);
    expect(enrichNow(c, LIMITED_ID).name).toBe('lim2');
    expect(logs.map(([l, m]) => [l, m.replace(/ at \S+/, ' at S')])).toEqual([
      ['warn', 'docker at S does not answer (nothing within 1000 ms); keeping 1 cached names; retrying with backoff'],
    ]);
    e.hang = false;
    await waitFor(() => c.enrich(dockerIdentity(APP_ID), '').pod === 'web-0', { timeoutMs: 5_000, what: 'recovery' });
    expect(logs.at(-1)![1]).toMatch(/answers again/);
  });

  it('an engine that dies (refused) and comes back on the same socket', async () => {
    const e = await engine(LIMITED);
    const { cache: c, logs } = cache(e.socketPath, true, MEDIUM);
    await c.ready(2_000);
    await e.stop();
    await deadSocket(e.socketPath);
    await waitFor(() => c.stats()[0]!.errors.refused, { timeoutMs: 5_000, what: 'refused' });
    expect(c.enrich(dockerIdentity(LIMITED_ID), '').name).toBe('lim2');
    expect(logs.filter(([, m]) => /refuses connections/.test(m))).toHaveLength(1);
    const { rmSync } = await import('node:fs');
    rmSync(e.socketPath);
    e.add(structuredClone(POD_APP));
    await e.start();
    await waitFor(() => c.enrich(dockerIdentity(APP_ID), '').name !== APP_ID.slice(0, 12), { timeoutMs: 5_000, what: 'names after the restart' });
    expect(c.stats()[0]!.streamConnects).toBe(2);
    e.emit({ Type: 'container', Action: 'destroy', Actor: { ID: APP_ID } });
    await waitFor(() => c.sources[0]!.get(APP_ID) === undefined, { timeoutMs: 5_000, what: 'events after the restart' });
  });

  it('stop() ends every timer and connection (the process can exit)', async () => {
    const e = await engine(LIMITED);
    const { cache: c } = cache(e.socketPath);
    await c.ready(2_000);
    expect(e.openStreams).toBe(1);
    c.stop();
    await waitFor(() => e.openStreams === 0, { timeoutMs: 2_000, what: 'the stream to close' });
  });
});

