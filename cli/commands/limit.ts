// `cgmeter limit`, `cgmeter freeze`, `cgmeter thaw`: change a container's cgroup limits through
// collector/limits (resolve among discovered cgroups → plan → apply with read-back and rollback),
// print what the kernel now says, and log every change and refusal to the audit log.
// Every refusal (bad input, unknown or unsafe target, kernel refusal) is exit code 2.
// Here: their flags and help; what they run is limit-run.ts, imported when one runs.

import type { Command, FlagSpec } from '../command.js';
import { COLLECTOR_FLAGS } from '../common-flags.js';
import { METADATA_FLAGS } from '../metadata-flags.js';
import { DEFAULT_AUDIT_LOG } from '../../collector/limits/audit.js';
import { DEFAULT_FREEZE_TIMEOUT_MS } from '../../collector/limits/freeze.js';
import { LIMIT_KNOBS } from '../../collector/limits/request.js';

const SHARED_FLAGS: Record<string, FlagSpec> = {
  'dry-run': { type: 'boolean', description: 'print the files that would be written and their order; write nothing' },
  json: { type: 'boolean', description: 'print the result (files, old, new and effective values) as JSON' },
  'allow-root': { type: 'boolean', description: 'allow changing the root cgroup (the whole host)' },
  'audit-log': {
    type: 'string', placeholder: 'PATH', env: 'CGMETER_AUDIT_LOG', default: DEFAULT_AUDIT_LOG,
    description: 'JSON-lines log of every change and refusal',
  },
};

const LIMIT_FLAGS: Record<string, FlagSpec> = {
  memory: { type: 'string', placeholder: 'SIZE', description: 'memory limit (512M, 1G, 1.5GiB, bytes): v1 memory.limit_in_bytes, v2 memory.max' },
  'memory-high': { type: 'string', placeholder: 'SIZE', description: 'throttling limit: v1 memory.soft_limit_in_bytes, v2 memory.high' },
  'memory-swap': { type: 'string', placeholder: 'SIZE', description: 'memory plus swap, as docker: v1 memory.memsw.limit_in_bytes, v2 memory.swap.max (= this − memory)' },
  cpus: { type: 'string', placeholder: 'N', description: 'CPU cores (1.5): v1 cpu.cfs_quota_us, v2 cpu.max quota' },
  'cpu-period': { type: 'string', placeholder: 'DURATION', description: 'CFS period (100ms; 1ms–1s; bare number = µs): v1 cpu.cfs_period_us, v2 cpu.max period' },
  'cpu-weight': { type: 'string', placeholder: 'N', description: 'relative weight 1–10000: v2 cpu.weight, v1 cpu.shares (converted)' },
  'cpu-shares': { type: 'string', placeholder: 'N', description: 'relative shares 2–262144: v1 cpu.shares, v2 cpu.weight (converted)' },
  'cpuset-cpus': { type: 'string', placeholder: 'LIST', description: 'CPUs allowed (0-1, 0,2): cpuset.cpus' },
  'cpuset-mems': { type: 'string', placeholder: 'LIST', description: 'memory nodes allowed (0): cpuset.mems' },
  'io-read-bps': { type: 'string', multiple: true, placeholder: 'DEV=SIZE', description: 'read bytes/s per device (vda=50M, 254:0=50M): v1 blkio.throttle.read_bps_device, v2 io.max rbps' },
  'io-write-bps': { type: 'string', multiple: true, placeholder: 'DEV=SIZE', description: 'write bytes/s per device: v1 blkio.throttle.write_bps_device, v2 io.max wbps' },
  'io-read-iops': { type: 'string', multiple: true, placeholder: 'DEV=N', description: 'read IO/s per device: v1 blkio.throttle.read_iops_device, v2 io.max riops' },
  'io-write-iops': { type: 'string', multiple: true, placeholder: 'DEV=N', description: 'write IO/s per device: v1 blkio.throttle.write_iops_device, v2 io.max wiops' },
  pids: { type: 'string', placeholder: 'N', description: 'most tasks: pids.max' },
  unset: { type: 'string', multiple: true, placeholder: 'NAME', description: `restore "no limit" (max / -1) or the default: ${LIMIT_KNOBS.join(', ')} (io ones take =DEV)` },
  force: { type: 'boolean', description: 'allow a memory limit below the current usage (the kernel reclaims, may OOM-kill or refuse)' },
};

export const limitCommand: Command = {
  name: 'limit',
  summary: 'Set or remove memory, CPU, cpuset, block I/O and pids limits of a container or cgroup (cgroup v1 or v2), validated, read back and audited.',
  usage: 'cgmeter limit <container|cgroup> [--memory 512M] [--memory-high 400M] [--memory-swap 1G] [--cpus 1.5] [--cpu-period 100ms] [--cpu-weight N | --cpu-shares N] [--cpuset-cpus 0-1] [--cpuset-mems 0] [--io-read-bps DEV=50M] [--io-write-bps DEV=50M] [--io-read-iops DEV=N] [--io-write-iops DEV=N] [--pids 256] [--unset NAME] [--dry-run] [--json] [--force] [--allow-root] [--audit-log PATH]',
  flags: { ...LIMIT_FLAGS, ...SHARED_FLAGS, ...COLLECTOR_FLAGS, ...METADATA_FLAGS },
  examples: [
    'cgmeter limit web --memory 512M --cpus 1.5',
    'cgmeter limit 5aacd01bb995 --io-read-bps vda=50M --pids 256 --dry-run',
    'cgmeter limit /docker/5aacd01bb995… --unset memory --unset cpus',
  ],
  run: async (args) => (await import('./limit-run.js')).runLimit(args),
};

function freezeLike(action: 'freeze' | 'thaw'): Command {
  return {
    name: action,
    summary: action === 'freeze'
      ? 'Freeze every process of a container or cgroup (v1 freezer.state FROZEN, v2 cgroup.freeze 1), waiting until the kernel reports it frozen.'
      : 'Thaw a frozen container or cgroup (v1 freezer.state THAWED, v2 cgroup.freeze 0).',
    usage: `cgmeter ${action} <container|cgroup> [--timeout 10s] [--dry-run] [--json] [--allow-root] [--audit-log PATH]`,
    flags: {
      timeout: { type: 'string', placeholder: 'DURATION', default: `${DEFAULT_FREEZE_TIMEOUT_MS / 1000}s`, description: `how long to wait for the kernel to report it ${action === 'freeze' ? 'frozen' : 'thawed'}` },
      ...SHARED_FLAGS,
      ...COLLECTOR_FLAGS,
      ...METADATA_FLAGS,
    },
    examples: [`cgmeter ${action} web`, `cgmeter ${action} /docker/5aacd01bb995…`],
    run: async (args) => (await import('./limit-run.js')).runFreeze(args, action),
  };
}

export const freezeCommand: Command = freezeLike('freeze');
export const thawCommand: Command = freezeLike('thaw');
