// Shutdown with everything on (ledger, InfluxDB export with its sink down, disk spool): SIGTERM
// exits 0 within 5 s. A second instance on the same port, or on the same ledger, exits non-zero
// with a message naming the port or the ledger.

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startServe, type ServeProcess } from '../exporters/serve/serve-process.js';
import { fakeHttp } from './serve-probe.js';
import { CGMETER_BIN, ensureBuiltCli } from '../helpers/built-cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NO_ENGINES = ['--docker-socket', 'none', '--podman-socket', 'none'];
const running: ServeProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  running.splice(0).forEach((s) => s.kill());
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'cgm-shutdown-'));
  dirs.push(d);
  return d;
}

/** Runs serve to its end (it should fail fast); its exit code and stderr. */
function runToEnd(args: string[]): Promise<{ code: number | null; stderr: string }> {
  ensureBuiltCli();
  const child = spawn(process.execPath, [CGMETER_BIN, 'serve', ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => { stderr += b.toString(); });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => child.once('exit', (code) => { clearTimeout(timer); resolve({ code, stderr }); }));
}

describe('SIGTERM', () => {
  it('exits 0 within 5 s with the ledger, InfluxDB export (sink down) and a disk spool on', async () => {
    const dir = tempDir();
    const down = await fakeHttp((req) => { req.socket.destroy(); }); // a sink that drops every connection
    try {
      const serve = await startServe(['--ledger', join(dir, 'ledger.db'), '--influx-url', down.url, '--influx-db', 'x',
        '--spool-dir', join(dir, 'spool'), '--interval', '500ms', ...NO_ENGINES]);
      running.push(serve);
      await new Promise((r) => setTimeout(r, 3000)); // points pile up in the spool meanwhile
      const sent = performance.now();
      serve.child.kill('SIGTERM');
      const code = await serve.exited;
      const ms = performance.now() - sent;
      expect(code, serve.stderr()).toBe(0);
      expect(ms).toBeLessThan(5000);
    } finally {
      await down.close();
    }
  }, 90_000);
});

describe('a second instance', () => {
  it('on the same port exits non-zero naming the port', async () => {
    const first = await startServe([...NO_ENGINES]);
    running.push(first);
    const port = new URL(first.url).port;
    const second = await runToEnd(['--listen', `127.0.0.1:${port}`, '--no-ledger', ...NO_ENGINES]);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain(`127.0.0.1:${port}`);
    expect(second.stderr).toMatch(/in use|EADDRINUSE/i);
  }, 90_000);

  it('on the same ledger exits non-zero naming the ledger', async () => {
    const ledger = join(tempDir(), 'ledger.db');
    const first = await startServe(['--ledger', ledger, ...NO_ENGINES]);
    running.push(first);
    const second = await runToEnd(['--listen', '127.0.0.1:0', '--ledger', ledger, ...NO_ENGINES]);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain(ledger);
    expect(second.stderr).toMatch(/in use|locked|another/i);
  }, 90_000);
});
