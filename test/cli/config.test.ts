// The config file (flags by name, precedence flag > env > file) and serve's SIGHUP reload.

import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandArgs } from '../../cli/command.js';
import { lsCommand } from '../../cli/commands/ls.js';
import { UsageError } from '../../cli/units.js';
import { exited, waitFor } from '../helpers/kernel.js';

const dir = mkdtempSync(join(tmpdir(), 'cgm-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bin = fileURLToPath(new URL('../../bin/cgmeter.js', import.meta.url));
const fixtureV1 = fileURLToPath(new URL('../fixtures/cgroup-v1', import.meta.url));

describe('config file', () => {
  it('fills flags that were not given, and flags and env vars win over it', () => {
    const file = join(dir, 'a.yaml');
    writeFileSync(file, 'interval: 250ms\nall: true\nreader: fallback\nlisten: 127.0.0.1:1\n');
    const fromFile = parseCommandArgs(lsCommand, ['--config', file]);
    expect(fromFile.values).toMatchObject({ interval: '250ms', all: true, reader: 'fallback' });
    expect(fromFile.values.listen).toBeUndefined(); // serve's key, not ls's: ignored here
    expect(parseCommandArgs(lsCommand, ['--config', file, '--interval', '2s']).values.interval).toBe('2s');
    process.env.CGMETER_READER = 'native';
    try {
      expect(parseCommandArgs(lsCommand, ['--config', file]).values.reader).toBe('native');
    } finally {
      delete process.env.CGMETER_READER;
    }
  });

  it('says what is wrong with a bad file', () => {
    writeFileSync(join(dir, 'b.yaml'), 'interval: [1, 2]\n');
    expect(() => parseCommandArgs(lsCommand, ['--config', join(dir, 'b.yaml')])).toThrow(/interval takes one value/);
    writeFileSync(join(dir, 'c.yaml'), 'all: "yes"\n');
    expect(() => parseCommandArgs(lsCommand, ['--config', join(dir, 'c.yaml')])).toThrow(/all must be true or false/);
    writeFileSync(join(dir, 'd.yaml'), '- just\n- a list\n');
    expect(() => parseCommandArgs(lsCommand, ['--config', join(dir, 'd.yaml')])).toThrow(UsageError);
    expect(() => parseCommandArgs(lsCommand, ['--config', join(dir, 'missing.yaml')])).toThrow(/missing\.yaml: ENOENT/);
  });

  it('serve reloads its interval on SIGHUP without stopping, and keeps the old config when the new one is bad', async () => {
    const file = join(dir, 'serve.yaml');
    writeFileSync(file, 'interval: 1s\nno-ledger: true\ndocker-socket: none\npodman-socket: none\n');
    const child = spawn(process.execPath, [bin, 'serve', '--config', file, '--listen', '127.0.0.1:0', '--host-root', fixtureV1], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.on('data', (c: Buffer) => { log += c.toString(); });
    try {
      await waitFor(() => /listening on (http:\S+)\/metrics/.exec(log)?.[1], { timeoutMs: 20_000, what: 'serve to listen' });
      expect(log).toContain('sampling every 1000 ms');
      writeFileSync(file, 'interval: 200ms\nno-ledger: true\ndocker-socket: none\npodman-socket: none\nexport: containers\n');
      child.kill('SIGHUP');
      await waitFor(() => log.includes('SIGHUP: sampling interval now 200 ms'), { timeoutMs: 10_000, what: 'the reload' });
      await waitFor(() => log.includes('take effect after a restart: exportOptions'), { timeoutMs: 5_000, what: 'the restart note' });
      writeFileSync(file, 'interval: soon\n');
      child.kill('SIGHUP');
      await waitFor(() => log.includes('configuration not reloaded, keeping the running one'), { timeoutMs: 10_000, what: 'the refusal' });
      expect(child.exitCode).toBeNull();
    } catch (error) {
      throw new Error(`${(error as Error).message}; serve's log:\n${log}`);
    } finally {
      // exited(), not once('exit'): a serve that already died would otherwise hang the test and
      // hide the reason above behind a timeout.
      child.kill('SIGTERM');
      await exited(child);
    }
    expect(child.exitCode).toBe(0);
  });
});
