// A kernel refusal (errno from write(2) to a cgroup file) turned into a sentence that names the file,
// the value and the likely reason, per file: EBUSY on memory.limit_in_bytes means "could not reclaim
// down to it", EINVAL on cpu.cfs_quota_us means "above the parent's quota", and so on.

import { join } from 'node:path';
import { LimitError } from './errors.js';
import type { PlannedWrite } from './plan-context.js';

const REASONS: Record<string, Record<string, string>> = {
  EBUSY: {
    'memory.limit_in_bytes': 'the kernel could not reclaim the cgroup\'s memory down to the new limit (usage stays above it; nothing to swap to?)',
    'memory.memsw.limit_in_bytes': 'the kernel could not reclaim memory plus swap down to the new limit',
    'cpuset.cpus': 'a child cgroup or an exclusive sibling uses CPUs outside the new set',
    'cpuset.mems': 'a child cgroup uses memory nodes outside the new set',
    'freezer.state': 'the freezer is busy; try again',
  },
  EINVAL: {
    'memory.limit_in_bytes': 'the memory limit may not exceed memory.memsw.limit_in_bytes (raise --memory-swap first or with it)',
    'memory.memsw.limit_in_bytes': 'the memory+swap limit may not be below memory.limit_in_bytes',
    'cpu.cfs_quota_us': 'the quota is invalid or larger than a parent cgroup\'s quota (v1 keeps children within their parent\'s CPU limit)',
    'cpu.cfs_period_us': 'the period is out of range or makes the quota exceed a parent cgroup\'s limit',
    'cpu.max': 'the quota or period is out of range',
    'cpu.shares': 'shares must be from 2 to 262144',
    'cpu.weight': 'weight must be from 1 to 10000',
    'cpuset.cpus': 'the CPUs are not online or not all within the parent cgroup\'s cpuset',
    'cpuset.mems': 'the memory nodes are not online or not within the parent cgroup\'s cpuset',
    'pids.max': 'pids.max takes a positive number or max',
    'io.max': 'the device is not a whole block device this kernel can throttle, or a value is malformed',
    'blkio.throttle.read_bps_device': 'the device is not a whole block device this kernel can throttle',
    'blkio.throttle.write_bps_device': 'the device is not a whole block device this kernel can throttle',
    'blkio.throttle.read_iops_device': 'the device is not a whole block device this kernel can throttle',
    'blkio.throttle.write_iops_device': 'the device is not a whole block device this kernel can throttle',
  },
  ENODEV: {
    'io.max': 'no such block device',
    'blkio.throttle.read_bps_device': 'no such block device',
    'blkio.throttle.write_bps_device': 'no such block device',
    'blkio.throttle.read_iops_device': 'no such block device',
    'blkio.throttle.write_iops_device': 'no such block device',
  },
};

const GENERIC: Record<string, string> = {
  EPERM: 'permission denied: changing limits needs root (or ownership of the delegated cgroup)',
  EACCES: 'permission denied: changing limits needs root (or ownership of the delegated cgroup)',
  EROFS: 'the cgroup filesystem is mounted read-only here (in a container? mount it read-write or run on the host)',
  ENOENT: 'the file is gone: the cgroup was removed meanwhile',
  ENODEV: 'the cgroup was removed meanwhile',
  EOPNOTSUPP: 'this kernel does not support the operation',
  ENOSPC: 'the kernel has no room for it (too many limits or no CPUs/nodes left)',
};

/** Describes a failed write; `usage` adds what the memory cgroup uses when the refusal is about reclaim. */
export function kernelRefusal(err: unknown, write: PlannedWrite, extra?: string): LimitError {
  const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
  const path = join(write.dir, write.file);
  const reason = REASONS[code]?.[write.file] ?? GENERIC[code] ?? (err as Error).message;
  const value = JSON.stringify(write.text.trim());
  return new LimitError('kernel', `the kernel refused ${value} in ${path} (${code}): ${reason}${extra ? `; ${extra}` : ''}`, path, code);
}

/** The write went through but the file does not say so (clamped, rounded beyond a page, ignored). */
export function readBackMismatch(write: PlannedWrite, effective: string): LimitError {
  const path = join(write.dir, write.file);
  return new LimitError('kernel', `${path}: wrote ${JSON.stringify(write.text.trim())} but the kernel reads back ${JSON.stringify(effective)}; the change was undone`, path);
}
