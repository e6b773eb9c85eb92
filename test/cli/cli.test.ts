// The CLI as users meet it: help for every command, clear errors with exit code 2 for bad input.

import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../../cli/main.js';
import { parseDurationMs, formatBytes, toJson, UsageError } from '../../cli/units.js';
import { parseCommandArgs } from '../../cli/command.js';
import { serveCommand } from '../../cli/commands/serve.js';
import { serveOptionsFrom } from '../../cli/commands/serve-run.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/cgmeter.js', import.meta.url));
const fixtureV2 = fileURLToPath(new URL('../fixtures/cgroup-v2', import.meta.url));

async function cgmeter(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('cgmeter CLI', () => {
  it('lists every command in --help and answers --help for each', async () => {
    const main = await cgmeter('--help');
    expect(main.code).toBe(0);
    for (const c of COMMANDS) {
      expect(main.stdout).toContain(`  ${c.name}`);
      const help = await cgmeter(c.name, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: cgmeter ${c.name}`);
      for (const flag of Object.keys(c.flags)) expect(help.stdout).toContain(`--${flag}`);
    }
  });

  it('refuses unknown commands, unknown flags and bad values with exit code 2 and a reason', async () => {
    expect(await cgmeter('frobnicate')).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
    expect(await cgmeter('ls', '--frob')).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--frob'") });
    expect(await cgmeter('ls', '--interval', 'soon')).toMatchObject({ code: 2, stderr: expect.stringContaining('--interval "soon" is not a duration') });
    expect(await cgmeter('ls', '--disable-metrics', 'cpu,gpu')).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown group "gpu"') });
    expect(await cgmeter('ls', '--host-root', '/no/such/dir')).toMatchObject({ code: 2, stderr: expect.stringContaining('--host-root /no/such/dir does not exist') });
    expect(await cgmeter('inspect', 'nothing-like-this', '--host-root', fixtureV2, '--interval', '10ms')).toMatchObject({ code: 2, stderr: expect.stringContaining('no container or cgroup matches "nothing-like-this"') });
  });

  it('lists the v2 fixture\'s containers and inspects one by id prefix', async () => {
    const ls = await cgmeter('ls', '--host-root', fixtureV2, '--interval', '10ms');
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(/^376f487bf992 .* docker .* 133MiB \/ 256MiB .* 52\.07% /m);
    const inspect = await cgmeter('inspect', '376f487bf992', '--host-root', fixtureV2, '--interval', '10ms');
    const snapshot = JSON.parse(inspect.stdout);
    expect(snapshot.sample.cpu.quotaUs).toBe(50000);
    expect(snapshot.sample.memory.swapLimitBytes).toBe('max');
  });
});

describe('units', () => {
  it('parses durations and refuses nonsense', () => {
    expect(parseDurationMs('500ms', '--x')).toBe(500);
    expect(parseDurationMs('1.5s', '--x')).toBe(1500);
    expect(parseDurationMs('10', '--x')).toBe(10_000);
    expect(parseDurationMs('2m', '--x')).toBe(120_000);
    expect(() => parseDurationMs('0s', '--x')).toThrow(UsageError);
    expect(() => parseDurationMs('-1s', '--x')).toThrow(/not a duration/);
  });

  it('takes 0 only where it means off (serve --quiet-refresh), and defaults that one to 10 s', () => {
    expect(parseDurationMs('0', '--x', { allowZero: true })).toBe(0);
    expect(parseDurationMs('0s', '--x', { allowZero: true })).toBe(0);
    expect(() => parseDurationMs('-5', '--x', { allowZero: true })).toThrow(/not a duration/);
    const quiet = (...argv: string[]) => serveOptionsFrom(parseCommandArgs(serveCommand, argv)).service.collector.quietRefreshMs;
    expect(quiet()).toBe(10_000);
    expect(quiet('--quiet-refresh', '0')).toBe(0);
    expect(quiet('--quiet-refresh', '1m')).toBe(60_000);
    expect(() => quiet('--quiet-refresh', 'soon')).toThrow('--quiet-refresh "soon" is not a duration');
  });

  it('prints sizes like docker stats and unlimited as max', () => {
    expect(formatBytes(139776000)).toBe('133MiB');
    expect(formatBytes(67108864)).toBe('64.0MiB');
    expect(formatBytes(Infinity)).toBe('max');
    expect(formatBytes(undefined)).toBe('-');
    expect(toJson({ a: Infinity, b: 1 }, 0)).toBe('{"a":"max","b":1}');
  });
});
