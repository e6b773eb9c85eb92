// What a command loads at start. Every command's flags and help live apart from its work (serve.ts /
// serve-run.ts …), imported only when it runs, so that `--help`, `cgmeter limit` or `cgmeter ls` do
// not load the HTTP server, prom-client, the InfluxDB client, SQLite, blessed or the YAML parser
// (about 0.4 s of every start on this machine, several seconds under emulation). Checked through a
// module resolve hook (ESM and CommonJS) that records every module the real `bin/cgmeter.js` loads.

import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { COMMANDS } from '../../cli/main.js';
import { CGMETER_BIN as bin, ensureBuiltCli } from '../helpers/built-cli.js';

const recorder = pathToFileURL(fileURLToPath(new URL('./import-recorder.mjs', import.meta.url))).href;
const fixtureV2 = fileURLToPath(new URL('../fixtures/cgroup-v2', import.meta.url));
/** No engine sockets: this host's dockerd or podman would only add waiting. */
const NO_ENGINES = ['--docker-socket', 'none', '--podman-socket', 'none'];

/** Packages whose loading the light paths must avoid (each is tens of ms to over 100 ms here). */
const HEAVY = ['prom-client', 'hono', '@hono/node-server', '@influxdata/influxdb-client', 'better-sqlite3', 'blessed', 'yaml'];

interface Started {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** npm packages imported (by name), in the order first seen. */
  readonly packages: string[];
  /** cgmeter's own modules imported, relative to dist/ (cli/commands/serve.js, …). */
  readonly own: string[];
}

async function startCgmeter(args: string[]): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), 'cgmeter-startup-'));
  const log = join(dir, 'imports.log');
  writeFileSync(log, '');
  // The caller's CGMETER_* settings (a --config file) or NODE_OPTIONS (a loader) would load modules of
  // their own; a refused limit is audited, here in the temp dir and not in the host's audit log.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CGMETER_') && k !== 'NODE_OPTIONS'));
  try {
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', recorder, bin, ...args], { env: { ...env, CGMETER_IMPORT_LOG: log, CGMETER_AUDIT_LOG: join(dir, 'audit.log') } }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
    });
    const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    const packages = [...new Set(urls.flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []))];
    const own = [...new Set(urls.flatMap((u) => /\/dist\/(.+)$/.exec(u)?.[1] ?? []))];
    return { ...result, packages, own };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('what cgmeter loads at start', () => {
  // This file runs the compiled CLI: a dist/ older than the sources would test yesterday's imports.
  beforeAll(ensureBuiltCli);

  it('answers --help, and each command\'s --help, without loading any package, the native addon or a command\'s work', async () => {
    for (const args of [['--help'], ...COMMANDS.map((c) => [c.name, '--help'])]) {
      const started = await startCgmeter(args);
      expect(started.code, `cgmeter ${args.join(' ')}`).toBe(0);
      expect(started.stdout).toContain('Usage: cgmeter');
      expect(started.packages, `cgmeter ${args.join(' ')}`).toEqual([]);
      expect(started.own.filter((m) => m.startsWith('native/') || m.endsWith('-run.js')), `cgmeter ${args.join(' ')}`).toEqual([]);
      // The recorder works: the descriptors themselves were seen.
      expect(started.own).toContain('cli/commands/serve.js');
    }
  });

  it('runs limit, ls, inspect and top --once without the exporters\' packages, and serve\'s work only for serve', async () => {
    const limit = await startCgmeter(['limit', 'web', '--memory', '-5']);
    expect(limit.code).toBe(2);
    expect(limit.stderr).toContain('sizes cannot be negative');
    expect(limit.own).toContain('cli/commands/limit-run.js');
    expect(limit.packages.filter((p) => HEAVY.includes(p))).toEqual([]);

    const ls = await startCgmeter(['ls', '--host-root', fixtureV2, '--interval', '10ms', ...NO_ENGINES]);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toContain('376f487bf992');
    expect(ls.own).toContain('cli/commands/ls-run.js');
    expect(ls.own.filter((m) => m.endsWith('-run.js'))).toEqual(['cli/commands/ls-run.js']);
    expect(ls.packages.filter((p) => HEAVY.includes(p))).toEqual([]);

    const inspect = await startCgmeter(['inspect', '376f487bf992', '--host-root', fixtureV2, '--interval', '10ms']);
    expect(inspect.code).toBe(0);
    expect(JSON.parse(inspect.stdout).sample.cpu.quotaUs).toBe(50000);
    expect(inspect.own.filter((m) => m.endsWith('-run.js'))).toEqual(['cli/commands/inspect-run.js']);
    expect(inspect.packages.filter((p) => HEAVY.includes(p))).toEqual([]);

    // top without a terminal prints one frame: neither blessed nor the ledger's SQLite (that is --replay's).
    const top = await startCgmeter(['top', '--once', '--host-root', fixtureV2, '--interval', '10ms', ...NO_ENGINES]);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('376f487bf992');
    expect(top.packages.filter((p) => HEAVY.includes(p))).toEqual([]);

    // serve with a bad flag value: its work was loaded (the value is checked there), with its packages.
    const serve = await startCgmeter(['serve', '--listen', 'nowhere:-1']);
    expect(serve.code).toBe(2);
    expect(serve.own).toContain('cli/commands/serve-run.js');
    expect(serve.packages).toEqual(expect.arrayContaining(['prom-client', 'hono']));
  });

  it('loads the YAML parser only for a --config file, and still reads the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgmeter-startup-config-'));
    try {
      const config = join(dir, 'cgmeter.yaml');
      writeFileSync(config, 'interval: soon\n');
      const started = await startCgmeter(['ls', '--config', config, '--host-root', fixtureV2, ...NO_ENGINES]);
      expect(started).toMatchObject({ code: 2, stderr: expect.stringContaining('--interval "soon" is not a duration') });
      expect(started.packages).toContain('yaml');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
