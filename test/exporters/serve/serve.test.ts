// `cgmeter serve` as a real process on this host's cgroups: its start line, promtool on the live
// /metrics in both formats' text form, the JSON API, and a clean exit on SIGTERM.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { Agent, request } from 'node:http';
import { findBinary, requireRootOrSkip } from '../../helpers/kernel.js';
import { startServe, type ServeProcess } from './serve-process.js';

const skip = requireRootOrSkip({ binaries: ['promtool'] }, 'cgmeter serve tests');

describe.skipIf(skip)('cgmeter serve on this host', () => {
  let serve: ServeProcess | undefined;
  beforeAll(async () => { serve = await startServe(['--interval', '500ms']); });
  afterAll(() => serve?.kill());

  it('says in one start line where it listens, the hierarchy, the reader and the interval', () => {
    expect(serve!.startLine).toMatch(/^cgmeter serve: listening on http:\/\/127\.0\.0\.1:\d+\/metrics; /);
    expect(serve!.startLine).toMatch(/(hybrid|cgroup v1|cgroup v2)/);
    expect(serve!.startLine).toMatch(/reader (native|fallback \(.+\))/);
    expect(serve!.startLine).toContain('sampling every 500 ms');
  });

  it('serves /metrics that promtool check metrics accepts, lint included', async () => {
    const res = await fetch(`${serve!.url}/metrics`);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('container_cpu_usage_seconds_total{id="/",name="",image="",cpu="total"}');
    const check = spawnSync(findBinary('promtool')!, ['check', 'metrics'], { input: body, encoding: 'utf8' });
    // Two lint findings are cAdvisor's own names, kept so that dashboards work unchanged
    // (docs/cadvisor-compat.md): cadvisor_version_info's camelCase labels and the gauge
    // container_fs_inodes_total. Anything else — and any parse error (exit 1) — fails.
    const findings = (check.stdout + check.stderr).split('\n').filter((l) => l.trim() !== '');
    const CADVISOR_NAMES = [
      /^cadvisor_version_info label names should be written in 'snake_case' not 'camelCase'$/,
      /^container_fs_inodes_total non-counter metrics should not have "_total" suffix$/,
    ];
    expect(findings.filter((l) => !CADVISOR_NAMES.some((re) => re.test(l)))).toEqual([]);
    expect(check.status).toBe(findings.length === 0 ? 0 : 3); // 3 = lint findings only
    // With the two cAdvisor-named families left out, the exposition is lint-clean.
    const clean = body.split('\n').filter((l) => !/^(# (HELP|TYPE|UNIT) )?(cadvisor_version_info|container_fs_inodes_total)\b/.test(l)).join('\n');
    const strict = spawnSync(findBinary('promtool')!, ['check', 'metrics'], { input: clean, encoding: 'utf8' });
    expect(strict.stdout + strict.stderr).toBe('');
    expect(strict.status).toBe(0);
  });

  it('is ready once it has sampled, and lists every cgroup through the JSON API', async () => {
    expect((await fetch(`${serve!.url}/readyz`)).status).toBe(200);
    const all = await (await fetch(`${serve!.url}/api/v1/containers?all=1`)).json() as Array<{ sample: { path: string } }>;
    expect(all.map((s) => s.sample.path)).toContain('/');
    const root = await fetch(`${serve!.url}/api/v1/containers/${encodeURIComponent('/')}`);
    expect(root.status).toBe(200);
  });

  it('stops on SIGTERM with exit code 0 within 5 s, even with an idle keep-alive connection open', async () => {
    // A scraper's keep-alive connection must not hold the shutdown open.
    await new Promise<void>((resolve, reject) => {
      const req = request(`${serve!.url}/healthz`, { agent: new Agent({ keepAlive: true }) }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.on('error', reject);
      req.end();
    });
    const started = Date.now();
    serve!.child.kill('SIGTERM');
    expect(await serve!.exited).toBe(0);
    // Well under the 4 s grace: idle connections are closed at once, not waited for.
    expect(Date.now() - started).toBeLessThan(3000);
    expect(serve!.stderr()).toContain('SIGTERM: stopping');
  });
});
