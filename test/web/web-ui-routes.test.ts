// The web UI's routes in-process (app.request): the page and its assets with their security and cache
// headers, 503 before a build, basic auth in front of all of it, ui-config following the app's routes,
// the event stream (first event at once, one per tick, "gone" for an unknown container), and list events
// that carry what the columns need and stay within their CPU share.

import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { createHttpApp } from '../../exporters/http/app.js';
import { hashPassword } from '../../exporters/http/password-hash.js';
import { registerWebUi, CONTENT_SECURITY_POLICY, ListEvents, LIST_CPU_SHARE, tableView } from '../../exporters/http/web-ui.js';
import { toJson } from '../../cli/units.js';
import { MAIN_COLUMNS } from '../../dashboard/model/columns.js';
import { matchesFilter } from '../../dashboard/model/rows.js';
import { parseJson } from '../../web/src/json.js';
import { PrometheusExporter } from '../../exporters/prometheus/exporter.js';
import type { Snapshot } from '../../collector/model/derive.js';
import type { SnapshotListener, SnapshotSource } from '../../collector/service.js';
import { FIXED_TIMESTAMP_MS, fixtureSource } from '../exporters/fixture-source.js';

const dir = mkdtempSync(join(tmpdir(), 'cgmeter-web-ui-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'assets'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title><script type="module" src="assets/main-AB12.js"></script>');
writeFileSync(join(dir, 'assets', 'main-AB12.js'), 'console.log(1)');
writeFileSync(join(dir, 'assets', 'main-CD34.css'), 'body{}');

const v2 = fixtureSource('cgroup-v2');
const V2_DOCKER_A = '376f487bf99250bcc5fc3fe8c25a75d3176d40b0050403f03b4d7d31fd48e7f2';

/** createHttpApp as serve builds it, with the web UI pointed at the temporary build. */
function appWith(options: { source?: SnapshotSource; users?: Map<string, string>; extend?: (app: Hono) => void } = {}): Hono {
  const source = options.source ?? v2;
  return createHttpApp({
    source, exporter: new PrometheusExporter(source), basicAuthUsers: options.users,
    ...(options.extend ? { extend: options.extend } : {}),
  });
}

/** The web UI alone, over a known build directory (createHttpApp's copy reads dist/web). */
function uiApp(assetsDir: string, source: SnapshotSource = v2): Hono {
  const app = new Hono();
  registerWebUi(app, { source, assetsDir });
  return app;
}

describe('the page and its assets', () => {
  const app = uiApp(dir);

  it('serves index.html with a strict CSP, nosniff, no referrer and revalidation', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toMatch(/^default-src 'self'; script-src 'self'; style-src 'self';/);
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toContain('assets/main-AB12.js');
  });

  it('serves hashed assets with their types, cached for good; unknown names are 404', async () => {
    const js = await app.request('/assets/main-AB12.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await js.text()).toBe('console.log(1)');
    expect((await app.request('/assets/main-CD34.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await app.request('/assets/nope.js')).status).toBe(404);
    expect((await app.request('/assets/..%2Findex.html')).status).toBe(404);
  });

  it('says how to build the page when dist/web is missing', async () => {
    const res = await uiApp(join(dir, 'missing')).request('/');
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/web UI is not built .*npm run build/);
  });
});

describe('behind basic auth', () => {
  it('serves nothing of the UI without credentials, and all of it with them', async () => {
    const users = new Map([['ops', await hashPassword('s3cret-pass')]]);
    const app = appWith({ users });
    const good = { authorization: `Basic ${Buffer.from('ops:s3cret-pass').toString('base64')}` };
    const bad = { authorization: `Basic ${Buffer.from('ops:wrong').toString('base64')}` };
    for (const path of ['/', '/assets/main-AB12.js', '/api/v1/ui-config', '/api/v1/events', '/api/v1/events?key=x']) {
      for (const headers of [{}, bad]) {
        const res = await app.request(path, { headers });
        expect(res.status, path).toBe(401);
        expect(await res.text()).not.toContain('snapshot');
      }
    }
    const config = await app.request('/api/v1/ui-config', { headers: good });
    expect(await config.json()).toEqual({ limitsApi: false, billing: false });
  });
});

describe('/api/v1/ui-config', () => {
  it('offers limits and billing exactly when serve registered their routes', async () => {
    const off = await (await appWith().request('/api/v1/ui-config')).json();
    expect(off).toEqual({ limitsApi: false, billing: false });
    const on = appWith({
      extend(app) {
        app.put('/api/v1/containers/:id/limits', (c) => c.text(''));
        app.get('/api/v1/billing', (c) => c.text(''));
      },
    });
    expect(await (await on.request('/api/v1/ui-config')).json()).toEqual({ limitsApi: true, billing: true });
  });
});

/** Reads SSE frames from a streamed response until `count` events have come. */
async function events(res: Response, count: number): Promise<Array<{ event: string; data: string }>> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const out: Array<{ event: string; data: string }> = [];
  while (out.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = text.indexOf('\n\n')) >= 0) {
      const frame = text.slice(0, end);
      text = text.slice(end + 2);
      const event = /^event: (.*)$/m.exec(frame)?.[1];
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (event && data !== undefined) out.push({ event, data });
    }
  }
  await reader.cancel();
  return out;
}

describe('/api/v1/events', () => {
  it('sends the latest containers at once, then one event per tick of a pushing source', async () => {
    let listener: SnapshotListener | undefined;
    const source = { ...v2, onSnapshots: (l: SnapshotListener) => { listener = l; } };
    const app = appWith({ source });
    const res = await app.request('/api/v1/events');
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const first = events(res, 2);
    await new Promise((r) => setTimeout(r, 20));
    listener!(v2.latest(), []);
    const got = await first;
    expect(got.map((e) => e.event)).toEqual(['snapshots', 'snapshots']);
    const list = JSON.parse(got[0]!.data) as Snapshot[];
    expect(list.every((s) => s.sample.identity.kind === 'container' || s.sample.identity.kind === 'pod')).toBe(true);
    expect(list.some((s) => s.sample.identity.id === V2_DOCKER_A)).toBe(true);
    listener!(v2.latest(), []); // after the client left: nothing to send, nothing thrown
  });

  it('sends every cgroup with all=1, one container by key, and "gone" for an unknown key', async () => {
    const app = appWith();
    const [all] = await events(await app.request('/api/v1/events?all=1'), 1);
    expect((JSON.parse(all!.data) as Snapshot[]).length).toBe(v2.latest().length);
    const [one] = await events(await app.request(`/api/v1/events?key=${V2_DOCKER_A.slice(0, 12)}`), 1);
    expect(one!.event).toBe('snapshot');
    expect((JSON.parse(one!.data) as Snapshot).sample.identity.id).toBe(V2_DOCKER_A);
    const [gone] = await events(await app.request('/api/v1/events?key=nosuchthing'), 1);
    expect(gone!.event).toBe('gone');
    expect(JSON.parse(gone!.data).error).toMatch(/no cgroup with id, name or path "nosuchthing"/);
  });
});

describe('list events', () => {
  it('carry everything top\'s columns show: every cell of the projection equals the full Snapshot\'s', () => {
    for (const source of [v2, fixtureSource('cgroup-v1')]) {
      for (const s of source.latest()) {
        const slim = parseJson<Snapshot>(toJson(tableView(s), 0));
        const full = parseJson<Snapshot>(toJson(s, 0));
        const nowMs = FIXED_TIMESTAMP_MS + 60_000;
        for (const col of MAIN_COLUMNS) {
          expect(col.cell({ key: s.sample.path, snapshot: slim, nowMs }), `${s.sample.path} ${col.id}`)
            .toEqual(col.cell({ key: s.sample.path, snapshot: full, nowMs }));
        }
        expect(matchesFilter(slim, 'docker')).toBe(matchesFilter(full, 'docker'));
      }
    }
  });

  it('skip ticks so that serializing a large list stays within its CPU share', () => {
    const clock = vi.spyOn(performance, 'now');
    try {
      const lists = new ListEvents();
      /** A tick at startMs whose serialization (if it happens) takes tookMs; a skipped tick reads the clock once. */
      const tick = (snapshots: readonly Snapshot[], startMs: number, tookMs: number) => {
        clock.mockReturnValueOnce(startMs).mockReturnValueOnce(startMs + tookMs);
        const text = lists.text('all', snapshots);
        if (text === undefined) clock.mockReset(); // the unused reading must not leak into the next tick
        return text;
      };
      const a = [...v2.latest()];
      expect(tick(a, 0, 10)).toMatch(/^event: snapshots\n/);
      expect(lists.text('all', a)).toBeDefined(); // the same tick again (a reconnect): the cached text
      // 10 ms of work buys 10 / share = 2 s of quiet.
      expect(tick([...a], 1000, 10)).toBeUndefined();
      expect(tick([...a], 10 / LIST_CPU_SHARE + 1, 0.1)).toMatch(/^event: snapshots\n/);
      // Forced (a page that just connected): sent whatever the share says.
      clock.mockReturnValueOnce(10 / LIST_CPU_SHARE + 2).mockReturnValueOnce(10 / LIST_CPU_SHARE + 3);
      expect(lists.text('all', [...a], true)).toBeDefined();
    } finally {
      clock.mockRestore();
    }
  });
});
