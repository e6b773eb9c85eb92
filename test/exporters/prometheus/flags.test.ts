// From serve's flags to ContainerExportOptions, and the messages for what is wrong.

import { describe, expect, it } from 'vitest';
import { parseCommandArgs, type Command } from '../../../cli/command.js';
import { PROMETHEUS_FLAGS, exportOptionsFrom } from '../../../exporters/prometheus/flags.js';

const command: Command = { name: 'serve', summary: '', usage: '', flags: PROMETHEUS_FLAGS, run: async () => 0 };
const options = (...argv: string[]) => exportOptionsFrom(parseCommandArgs(command, argv));

describe('exportOptionsFrom', () => {
  it('defaults to every cgroup, every engine label, and no PSI averages', () => {
    const o = options();
    expect(o.filter).toEqual({ export: 'all', prefixes: [], matchLabels: [] });
    expect(o.containerLabels).toEqual({ mode: 'all' });
    expect([...o.disabledGroups]).toEqual(['psi-avg']);
  });

  it('reads filters, label policies and series groups', () => {
    const o = options('--export', 'containers', '--cgroup-prefix', '/docker', '--cgroup-prefix', '/kubepods',
      '--match-label', 'tier=front', '--match-label', 'monitored', '--label-allowlist', 'a,b', '--label-allowlist', 'c',
      '--enable-series', 'psi-avg', '--disable-series', 'network,spec');
    expect(o.filter).toEqual({ export: 'containers', prefixes: ['/docker', '/kubepods'], matchLabels: [{ key: 'tier', value: 'front' }, { key: 'monitored' }] });
    expect(o.containerLabels).toEqual({ mode: 'allowlist', keys: new Set(['a', 'b', 'c']) });
    expect([...o.disabledGroups].sort()).toEqual(['network', 'spec']);
    expect(options('--no-container-labels').containerLabels).toEqual({ mode: 'none' });
  });

  it.each([
    [['--export', 'some'], '--export must be all or containers'],
    [['--cgroup-prefix', 'docker'], 'must be a cgroup path starting with /'],
    [['--match-label', '=x'], 'needs a KEY'],
    [['--disable-series', 'cpu,gpu'], 'unknown series group "gpu"'],
    [['--no-container-labels', '--label-allowlist', 'a'], 'contradict'],
  ])('refuses %j', (argv, message) => {
    expect(() => options(...argv)).toThrow(message);
  });
});
