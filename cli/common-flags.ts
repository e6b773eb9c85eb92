// Flags shared by every command that reads cgroups, and the one place that turns them into
// collector options.

import type { FlagSpec, ParsedArgs } from './command.js';
import type { CollectorOptions } from '../collector/poller.js';
import { DEFAULT_COLLECTOR_OPTIONS, ALL_GROUPS } from '../collector/defaults.js';
import type { MetricGroup } from '../collector/counters/sources.js';
import { UsageError } from './units.js';

export const COLLECTOR_FLAGS: Record<string, FlagSpec> = {
  config: {
    type: 'string', placeholder: 'FILE', env: 'CGMETER_CONFIG',
    description: 'YAML file of settings keyed by flag name (listen: …, interval: 1s); flags and env vars win over it',
  },
  'host-root': {
    type: 'string', placeholder: 'DIR', env: 'CGMETER_HOST_ROOT', default: '/',
    description: 'read the host\'s /sys and /proc under DIR (when cgmeter runs in a container with them mounted there)',
  },
  reader: {
    type: 'string', placeholder: 'auto|native|fallback', env: 'CGMETER_READER', default: 'auto',
    description: 'counter reader: the native addon, the TypeScript fallback, or auto (native when it loads)',
  },
  'disable-metrics': {
    type: 'string', placeholder: 'LIST', env: 'CGMETER_DISABLE_METRICS',
    description: 'comma-separated metric groups not to read: cpu, memory, blkio, pids, pressure, processes, network',
  },
  'per-cpu': { type: 'boolean', description: 'read per-CPU usage (cgroup v1 cpuacct.usage_percpu); off by default for cardinality' },
  'max-cgroups': { type: 'string', placeholder: 'N', default: '10000', env: 'CGMETER_MAX_CGROUPS', description: 'most cgroups tracked; beyond it new cgroups are not read and are counted in cgmeter_cgroups_refused_total' },
  'fd-budget': { type: 'string', placeholder: 'N', description: 'most counter files kept open (default: RLIMIT_NOFILE minus 2048; each costs ~4.5 KB of kernel memory)' },
};

const GROUP_NAMES = ['cpu', 'memory', 'blkio', 'pids', 'pressure', 'processes', 'network'] as const;

export function collectorOptionsFrom(args: ParsedArgs): CollectorOptions {
  const v = args.values;
  const reader = (v.reader as string | undefined) ?? DEFAULT_COLLECTOR_OPTIONS.reader;
  if (reader !== 'auto' && reader !== 'native' && reader !== 'fallback') {
    throw new UsageError(`--reader must be auto, native or fallback, got ${JSON.stringify(reader)}`);
  }
  const groups = new Set<MetricGroup | 'network'>(ALL_GROUPS);
  const disabled = ((v['disable-metrics'] as string | undefined) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of disabled) {
    if (!(GROUP_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`--disable-metrics: unknown group ${JSON.stringify(name)}; groups are ${GROUP_NAMES.join(', ')}`);
    }
    groups.delete(name as MetricGroup);
  }
  if (v['per-cpu']) groups.add('percpu');
  let fdBudget: number | undefined;
  if (v['fd-budget'] !== undefined) {
    fdBudget = Number(v['fd-budget']);
    if (!Number.isInteger(fdBudget) || fdBudget < 0) throw new UsageError(`--fd-budget must be a whole number ≥ 0, got ${JSON.stringify(v['fd-budget'])}`);
  }
  let maxCgroups: number | undefined;
  if (v['max-cgroups'] !== undefined) {
    maxCgroups = Number(v['max-cgroups']);
    if (!Number.isInteger(maxCgroups) || maxCgroups < 1) throw new UsageError(`--max-cgroups must be a whole number ≥ 1, got ${JSON.stringify(v['max-cgroups'])}`);
  }
  return {
    ...(maxCgroups !== undefined ? { maxCgroups } : {}),
    hostRoot: (v['host-root'] as string | undefined) ?? DEFAULT_COLLECTOR_OPTIONS.hostRoot,
    reader,
    groups,
    ...(fdBudget !== undefined ? { fdBudget } : {}),
  };
}
