// `cgmeter top --once [--json]`: one frame for scripts, from the views' rows, whole names, every column.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAIN_COLUMNS } from '../../dashboard/model/columns.js';
import { initialState } from '../../dashboard/model/ui-state.js';
import { onceJson, onceText } from '../../dashboard/once.js';
import { fixtureReadings, V1_DOCKER_A } from './fixture-frames.js';
import { CGMETER_BIN, ensureBuiltCli } from '../helpers/built-cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (p: string) => fileURLToPath(new URL(`../fixtures/${p}`, import.meta.url));

function top(args: string[]): string {
  ensureBuiltCli();
  return execFileSync(process.execPath, [CGMETER_BIN, 'top', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CGMETER_READER: 'fallback' } });
}

describe('onceText', () => {
  const { snapshots, timeMs } = fixtureReadings('cgroup-v1');
  it('prints every column with the live table\'s formats, sorted by CPU', () => {
    const text = onceText({ snapshots, timeMs }, initialState({ showAll: true })).split('\n');
    expect(text[0]!.split(/\s+/)).toEqual(MAIN_COLUMNS.map((c) => c.header));
    expect(text.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['/docker', '5aacd01bb995', '/fixture-handmade', '8c8ddd7e488b']);
    expect(text[2]).toMatch(/^5aacd01bb995 +docker +0\.31 +62% +108M +\S+ +42% +- +- +0B +0B +5 +94% +56\.5c +1h02m$/);
  });
  it('honours filter and sort like the live view', () => {
    const state = { ...initialState({ showAll: true, filter: 'fixture' }) };
    expect(onceText({ snapshots, timeMs }, state).split('\n')).toHaveLength(2);
    const json = onceJson({ snapshots, timeMs }, initialState({ sortColumn: 'memPercent' }));
    expect(json.containers.map((s) => s.sample.path)).toEqual([V1_DOCKER_A, '/docker/8c8ddd7e488b48f3f894af7b24f4bd143a734393b9aae93e28dae289c5d87ceb']);
  });
});

describe('the command on the fixture host', () => {
  it('--once prints a table, --once --json the Snapshots with "max" for unlimited', () => {
    const text = top(['--once', '--interval', '100ms', '--host-root', fixture('cgroup-v2')]);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME +IMAGE +CORES +CPU%L +MEM/);
    expect(lines).toHaveLength(11);
    expect(lines.some((l) => /^376f487bf992 +docker +0\.00 +0\.0% +133M/.test(l))).toBe(true);
    const json = JSON.parse(top(['--once', '--json', '--interval', '100ms', '--sort', 'mem', '--host-root', fixture('cgroup-v2')]));
    expect(json.host).toMatchObject({ cpus: 2, load1: 2.72 });
    expect(json.containers[0].sample.identity.name).toBe('376f487bf992');
    expect(json.containers[0].sample.memory.limitBytes).toBe(268435456);
    expect(json.containers.find((s: { sample: { identity: { name: string } } }) => s.sample.identity.name === '4e7d912fd678').sample.memory.limitBytes).toBe('max');
  });
  it('rejects what makes no sense, saying what would', () => {
    const fail = (args: string[]) => {
      try {
        top(args);
      } catch (err) {
        return (err as { stderr: string; status: number });
      }
      throw new Error('expected a failure');
    };
    expect(fail(['--once', '--view', 'grid'])).toMatchObject({ status: 2, stderr: expect.stringMatching(/--view must be table, tree or memory/) });
    expect(fail(['--once', '--sort', 'bogus']).stderr).toMatch(/--sort "bogus" is not a column; columns are name, image, cpu/);
    expect(fail(['--once', '--remote', 'ftp://x']).stderr).toMatch(/--remote must be an http/);
    expect(fail(['--once', '--from=-5m']).stderr).toMatch(/--from needs --replay/);
    expect(fail(['--once', '--remote', 'http://127.0.0.1:1'])).toMatchObject({ status: 1, stderr: expect.stringMatching(/^cgmeter top: 127\.0\.0\.1:1: fetch failed/) });
    expect(fail(['--once', '--replay']).stderr).toMatch(/--replay needs recorded Samples/);
  });
});
