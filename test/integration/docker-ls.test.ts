// `cgmeter ls` against containers of a real dockerd started by this test (cgroupfs driver, so
// containers live at /docker/<id> in every v1 hierarchy here).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { requireRootOrSkip, detectHostCgroups } from '../helpers/kernel.js';
import { startDockerd, BUSYBOX_IMAGE, type Dockerd } from '../helpers/dockerd.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/cgmeter.js', import.meta.url));
// The v2 VM has no dockerd networking set up; the engine tests run on the host.
const skip = requireRootOrSkip({ binaries: ['dockerd', 'docker'] }, 'dockerd tests') || detectHostCgroups().mode === 'v2' && process.env.V2VM === '1';

describe.skipIf(skip)('cgmeter ls with a real dockerd', () => {
  let dockerd: Dockerd;
  let limited: string;
  let plain: string;

  beforeAll(async () => {
    dockerd = await startDockerd();
    limited = await dockerd.docker('run', '-d', '--network', 'none', '--name', 'cgm-limited', '--memory', '64m', '--cpus', '0.3',
      '--label', 'com.docker.compose.service=web', BUSYBOX_IMAGE, 'sleep', '300');
    plain = await dockerd.docker('run', '-d', '--network', 'none', '--name', 'cgm-plain', BUSYBOX_IMAGE, 'sleep', '300');
  }, 120_000);

  afterAll(async () => {
    await dockerd?.stop();
  }, 60_000);

  it('lists both containers with runtime docker, their ids and limits', async () => {
    const { stdout } = await run(process.execPath, [bin, 'ls', '--json', '--interval', '300ms']);
    const rows = JSON.parse(stdout) as Array<{ sample: { path: string; identity: { runtime: string; id: string; kind: string }; memory: { limitBytes: number | 'max' }; cpu: { quotaUs: number | 'max'; periodUs: number }; pids: { current: number } }; cpu: { limitCores: number | 'max' } }>;
    const a = rows.find((r) => r.sample.identity.id === limited)!;
    const b = rows.find((r) => r.sample.identity.id === plain)!;
    expect(a.sample).toMatchObject({ path: `/docker/${limited}`, identity: { runtime: 'docker', kind: 'container' } });
    expect(a.sample.memory.limitBytes).toBe(64 * 1024 * 1024);
    expect(a.sample.cpu.quotaUs).toBe(30000);
    expect(a.sample.cpu.periodUs).toBe(100000);
    expect(a.cpu.limitCores).toBeCloseTo(0.3, 9);
    expect(a.sample.pids.current).toBe(1);
    expect(b.sample.identity.runtime).toBe('docker');
    expect(b.sample.memory.limitBytes).toBe('max');
    expect(b.sample.cpu.quotaUs).toBe('max');
  });

  it('prints them in the table, short ids first', async () => {
    const { stdout } = await run(process.execPath, [bin, 'ls', '--interval', '300ms']);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^CONTAINER ID\s+NAME\s+IMAGE\s+RUNTIME\s+CPU %\s+CPUS\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS$/);
    const row = lines.find((l) => l.startsWith(limited.slice(0, 12)))!;
    expect(row).toMatch(/docker/);
    expect(row).toMatch(/ \/ 64\.0MiB /);
    expect(lines.some((l) => l.startsWith(plain.slice(0, 12)))).toBe(true);
  });
});
