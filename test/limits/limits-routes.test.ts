// The limits API in-process (app.request) on a copied v2 fixture tree: absent without the flag,
// 401 without the token, the CLI's vocabulary in the body, refusals that write nothing, the audit
// log and cgmeter_limit_changes_total.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { Registry } from 'prom-client';
import { registerLimitsRoutes, limitsApiOptionsFrom, LIMITS_API_FLAGS, type LimitsRoutesDeps } from '../../exporters/http/limits-routes.js';
import { type AuditEntry, type HostFacts } from '../../collector/limits/index.js';
import { registerLimitMetrics } from '../../collector/limits/metrics.js';
import { UsageError } from '../../cli/units.js';
import { copyFixture, FIXTURE_CONTAINER, type FixtureTree } from './fixture-tree.js';

const TOKEN = 'c0ffee-c0ffee-c0ffee-c0ffee';
const FACTS: HostFacts = { onlineCpus: [0, 1], onlineNodes: [0], blockDevices: new Map([['254:0', 'vda']]) };
const { id, path } = FIXTURE_CONTAINER.v2;

let tree: FixtureTree;
let scratch: string;
let registry: Registry;
let app: Hono;
let auditPath: string;

function appWith(enabled: boolean): Hono {
  const a = new Hono();
  const deps: LimitsRoutesDeps = {
    options: enabled ? { enabled, token: TOKEN, auditLogPath: auditPath } : { enabled, auditLogPath: auditPath },
    hierarchy: tree.hierarchy,
    known: () => tree.known,
    counter: registerLimitMetrics(registry),
    requireCgroupFs: false,
    facts: FACTS,
  };
  registerLimitsRoutes(a, deps);
  return a;
}

const put = (a: Hono, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }, key = id) =>
  a.request(`/api/v1/containers/${encodeURIComponent(key)}/limits`, { method: 'PUT', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

const files = () => ({
  memory: tree.read('memory', path, 'memory.max'), pids: tree.read('pids', path, 'pids.max'),
  cpu: tree.read('cpu', path, 'cpu.max'), freeze: tree.read('memory', path, 'cgroup.freeze'),
});

function audit(): AuditEntry[] {
  try {
    return readFileSync(auditPath, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditEntry);
  } catch {
    return [];
  }
}

async function counter(outcome: string): Promise<number> {
  const metric = await registry.getSingleMetric('cgmeter_limit_changes_total')!.get();
  return metric.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
}

beforeAll(() => {
  tree = copyFixture('v2');
  scratch = mkdtempSync(join(tmpdir(), 'cgm-api-'));
  auditPath = join(scratch, 'audit.log');
  registry = new Registry();
  app = appWith(true);
});

afterAll(() => {
  tree?.remove();
  rmSync(scratch, { recursive: true, force: true });
});

describe('limits API', () => {
  it('does not exist without --enable-limits-api: 404, nothing written', async () => {
    registry = new Registry();
    const disabled = appWith(false);
    const before = files();
    expect((await put(disabled, { memory: '300M' })).status).toBe(404);
    expect((await disabled.request(`/api/v1/containers/${id}/freeze`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    expect(files()).toEqual(before);
    registry = new Registry();
    app = appWith(true);
  });

  it('answers 401 without the token or with a wrong one, and writes nothing', async () => {
    const before = files();
    const missing = await put(app, { memory: '300M' }, {});
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await put(app, { memory: '300M' }, { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await put(app, { memory: '300M' }, { authorization: `Basic ${Buffer.from(`a:${TOKEN}`).toString('base64')}` })).status).toBe(401);
    expect((await app.request(`/api/v1/containers/${id}/thaw`, { method: 'POST', headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    expect(files()).toEqual(before);
    expect(audit()).toEqual([]);
  });

  it('applies a body in the CLI vocabulary and reports what the kernel files say', async () => {
    const res = await put(app, { memory: '300M', pids: 64, cpus: 0.5 });
    expect(res.status).toBe(200);
    const body = await res.json() as { ok: boolean; writes: Array<{ file: string; effective: string; outcome: string }> };
    expect(body.ok).toBe(true);
    expect(body.writes.map((w) => [w.file.slice(w.file.lastIndexOf('/') + 1), w.effective, w.outcome])).toEqual([
      ['cpu.max', '50000 100000', 'applied'], ['pids.max', '64', 'applied'], ['memory.max', String(300 * 1024 * 1024), 'applied'],
    ]);
    expect(files()).toMatchObject({ memory: String(300 * 1024 * 1024), pids: '64', cpu: '50000 100000' });
    const entries = audit();
    expect(entries.map((e) => [e.via, e.outcome, e.target.id])).toEqual([['http', 'applied', id], ['http', 'applied', id], ['http', 'applied', id]]);
    expect(await counter('applied')).toBe(3);
  });

  it('takes the token from X-Cgmeter-Token (when Authorization carries basic auth)', async () => {
    const res = await put(app, { pids: 65 }, { authorization: 'Basic dXNlcjpwYXNz', 'x-cgmeter-token': TOKEN });
    expect(res.status).toBe(200);
    expect(files().pids).toBe('65');
  });

  it.each([
    [{ memory: '1Q' }, 400, 'input', /not a size/],
    [{ memory: '-5' }, 400, 'input', /not a size/],
    [{ cpus: 0 }, 400, 'input', /more than 0/],
    [{ cpus: 999 }, 400, 'input', /more than this host's 2 online CPUs/],
    [{ 'io-read-bps': ['sdq=1M'] }, 400, 'input', /unknown block device/],
    [{ memory: '64M' }, 409, 'needs-force', /below the current usage/],
    [{ nonsense: 1 }, 400, 'input', /unknown limit "nonsense"/],
    [[1, 2], 400, 'input', /must be a JSON object/],
  ])('refuses %j with %d and writes nothing', async (body, status, kind, message) => {
    const before = files();
    const entriesBefore = audit().length;
    const res = await put(app, body);
    expect(res.status).toBe(status);
    const answer = await res.json() as { error: string; kind: string };
    expect(answer.kind).toBe(kind);
    expect(answer.error).toMatch(message);
    expect(files()).toEqual(before);
    const added = audit().slice(entriesBefore);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ outcome: 'refused', via: 'http', action: 'limit' });
  });

  it('refuses unknown containers (404), paths with .. (422) and the root cgroup (422)', async () => {
    expect((await put(app, { pids: 10 }, undefined, 'nosuchcontainer')).status).toBe(404);
    expect((await put(app, { pids: 10 }, undefined, '/system.slice/../../etc')).status).toBe(422);
    expect((await put(app, { pids: 10 }, undefined, '/')).status).toBe(422);
    expect(await counter('refused')).toBeGreaterThanOrEqual(3);
  });

  it('dry-run answers the plan and writes nothing', async () => {
    const before = files();
    const res = await put(app, { pids: 7, 'dry-run': true });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ dryRun: true, writes: [{ knob: 'pids', old: '65', new: '7' }] });
    expect(files()).toEqual(before);
  });

  it('freezes through cgroup.freeze and waits for cgroup.events', async () => {
    writeFileSync(join(tree.dir('memory', path), 'cgroup.events'), 'populated 1\nfrozen 1\n');
    const res = await app.request(`/api/v1/containers/${id.slice(0, 12)}/freeze`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(files().freeze).toBe('1');
  });
});

describe('LIMITS_API_FLAGS', () => {
  const args = (values: Record<string, string | boolean>) => ({ values: { 'audit-log': join(scratch, 'flags-audit.log'), ...values }, positionals: [] });

  it('are off by default and need a token file of a real token when on', () => {
    expect(Object.keys(LIMITS_API_FLAGS)).toEqual(['enable-limits-api', 'api-token-file', 'audit-log']);
    expect(limitsApiOptionsFrom(args({}))).toMatchObject({ enabled: false });
    expect(() => limitsApiOptionsFrom(args({ 'enable-limits-api': true }))).toThrow(UsageError);
    const file = join(scratch, 'token');
    writeFileSync(file, 'short\n', { mode: 0o600 });
    expect(() => limitsApiOptionsFrom(args({ 'enable-limits-api': true, 'api-token-file': file }))).toThrow(/at least 16 characters/);
    writeFileSync(file, `${TOKEN}\n`);
    expect(limitsApiOptionsFrom(args({ 'enable-limits-api': true, 'api-token-file': file }))).toMatchObject({ enabled: true, token: TOKEN });
    chmodSync(file, 0o666);
    expect(() => limitsApiOptionsFrom(args({ 'enable-limits-api': true, 'api-token-file': file }))).toThrow(/world-writable/);
    chmodSync(file, 0o600);
    // An audit log that cannot be written stops serve at start-up (a file where its directory should be).
    expect(() => limitsApiOptionsFrom(args({ 'enable-limits-api': true, 'api-token-file': file, 'audit-log': join(file, 'audit.log') })))
      .toThrow(/--enable-limits-api: cannot write the audit log .*\((EEXIST|ENOTDIR)\)/);
  });
});
