// e/f/u through --remote: RemoteLimitActions against the real limits API routes (hono, served on
// 127.0.0.1) over a copied v2 fixture tree — the node's limits library does the writing.
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerLimitsRoutes } from '../../exporters/http/limits-routes.js';
import { RemoteLimitActions } from '../../dashboard/actions/remote-limit-actions.js';
import { copyFixture, FIXTURE_CONTAINER, type FixtureTree } from '../limits/fixture-tree.js';

const TOKEN = 'top-remote-token-0123456789';
const { path } = FIXTURE_CONTAINER.v2;
const target = { key: path, name: '376f487bf992' };

describe('RemoteLimitActions against the limits API', () => {
  let tree: FixtureTree;
  let scratch: string;
  let server: ReturnType<typeof serve>;
  let base: string;

  beforeAll(async () => {
    tree = copyFixture('v2');
    scratch = mkdtempSync(join(tmpdir(), 'cgmeter-top-remote-'));
    const app = new Hono();
    registerLimitsRoutes(app, {
      options: { enabled: true, token: TOKEN, auditLogPath: join(scratch, 'audit.log') },
      hierarchy: tree.hierarchy, known: () => tree.known, requireCgroupFs: false,
      facts: { onlineCpus: [0, 1], onlineNodes: [0], blockDevices: new Map([['254:0', 'vda']]) },
    });
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    tree?.remove();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('sets a memory limit by cgroup path and says what the kernel reads', async () => {
    const result = await new RemoteLimitActions(base, TOKEN).setLimit(target, 'memory', 300 * 1024 * 1024);
    expect(result).toEqual({ ok: true, message: '376f487bf992: memory.max 256M → 300M, reads 300M' });
    expect(tree.read('memory', path, 'memory.max').trim()).toBe(String(300 * 1024 * 1024));
    const audit = readFileSync(join(scratch, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(audit.at(-1)).toMatchObject({ via: 'http', action: 'limit', outcome: 'applied' });
  });
  it('passes the library\'s refusals and the API\'s answers on in words', async () => {
    expect(await new RemoteLimitActions(base, 'wrong-token-wrong-token').freeze(target))
      .toEqual({ ok: false, message: `freeze 376f487bf992: ${new URL(base).host} refused the token of --api-token-file` });
    const unknown = await new RemoteLimitActions(base, TOKEN).thaw({ key: '/no/such/cgroup', name: 'ghost' });
    expect(unknown.ok).toBe(false);
    expect(unknown.message).toMatch(/^thaw ghost: no container or cgroup matches/);
    const absent = await new RemoteLimitActions(`${base}/elsewhere`, TOKEN).freeze(target);
    expect(absent.message).toMatch(/does not serve the limits API/);
    const away = await new RemoteLimitActions('http://127.0.0.1:1', TOKEN).freeze(target);
    expect(away.message).toMatch(/^freeze 376f487bf992: 127\.0\.0\.1:1 did not answer/);
  });
});
