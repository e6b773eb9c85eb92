// `cgmeter inspect`: the full Snapshot of one container or cgroup as JSON. Its flags and help; what
// it runs is inspect-run.ts, imported when it runs.

import type { Command } from '../command.js';
import { COLLECTOR_FLAGS } from '../common-flags.js';

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'Print the full Snapshot (raw counters, limits, identity and rates) of one container or cgroup as JSON.',
  usage: 'cgmeter inspect <id|name|cgroup path> [--interval 1s]',
  flags: {
    interval: { type: 'string', placeholder: 'DURATION', default: '1s', description: 'time between the two readings that give rates' },
    ...COLLECTOR_FLAGS,
  },
  examples: ['cgmeter inspect 5aacd01bb995', 'cgmeter inspect /docker/5aacd01bb995…', 'cgmeter inspect /system.slice/cron.service'],
  run: async (args) => (await import('./inspect-run.js')).runInspect(args),
};
