// Sample: raw cumulative counters of one cgroup at one instant, as the kernel gave them.
// It is the only thing recorded or replayed; rates live in Snapshot (derive.ts). A field is
// `undefined` when its file was absent or unreadable on this host, never a made-up zero.
// Unlimited values are Infinity (serialised as "max" in JSON).

import type { ContainerIdentity } from './identity.js';

export interface CpuCounters {
  /** Total CPU time used, in seconds (v1 cpuacct.usage ns; v2 cpu.stat usage_usec). */
  readonly usageSeconds?: number;
  readonly userSeconds?: number;
  readonly systemSeconds?: number;
  /** Per-CPU usage (v1 cpuacct.usage_percpu only). */
  readonly perCpuSeconds?: readonly number[];
  readonly periods?: number;
  readonly throttledPeriods?: number;
  readonly throttledSeconds?: number;
  /** CFS quota per period in µs; Infinity when unlimited (v1 -1, v2 `max`). */
  readonly quotaUs?: number;
  readonly periodUs?: number;
  /** v1 cpu.shares; on v2 derived from cpu.weight with the standard conversion. */
  readonly shares?: number;
  /** v2 cpu.weight; on v1 derived from cpu.shares. */
  readonly weight?: number;
}

export interface MemoryCounters {
  readonly usageBytes?: number;
  readonly limitBytes?: number;
  /** v1 memory.soft_limit_in_bytes / v2 memory.high (the throttling limit). */
  readonly highBytes?: number;
  /** v2 memory.low (reservation); v1 soft limit is reported here too, as cAdvisor does. */
  readonly reservationBytes?: number;
  readonly swapBytes?: number;
  /** Swap limit: v1 memsw limit minus memory limit; v2 memory.swap.max. */
  readonly swapLimitBytes?: number;
  readonly maxUsageBytes?: number;
  /** usage − inactive_file (cAdvisor's definition), never negative. */
  readonly workingSetBytes?: number;
  readonly rssBytes?: number;
  readonly cacheBytes?: number;
  readonly mappedFileBytes?: number;
  readonly dirtyBytes?: number;
  readonly writebackBytes?: number;
  readonly shmemBytes?: number;
  readonly kernelBytes?: number;
  readonly activeAnonBytes?: number;
  readonly inactiveAnonBytes?: number;
  readonly activeFileBytes?: number;
  readonly inactiveFileBytes?: number;
  readonly unevictableBytes?: number;
  readonly pgfault?: number;
  readonly pgmajfault?: number;
  readonly workingsetRefault?: number;
  readonly pgscan?: number;
  readonly pgsteal?: number;
  /** v1 memory.failcnt. */
  readonly failcnt?: number;
  /** v2 memory.events (hierarchical); on v1 oom_kill comes from memory.oom_control. */
  readonly events?: {
    readonly low?: number;
    readonly high?: number;
    readonly max?: number;
    readonly oom?: number;
    readonly oomKill?: number;
    readonly oomGroupKill?: number;
  };
}

export interface BlockDeviceCounters {
  readonly major: number;
  readonly minor: number;
  /** Kernel name from /sys/dev/block/MAJ:MIN (e.g. `vda`), when known. */
  readonly device?: string;
  readonly readBytes?: number;
  readonly writeBytes?: number;
  readonly readOps?: number;
  readonly writeOps?: number;
  readonly discardBytes?: number;
  readonly discardOps?: number;
}

export interface PidsCounters {
  readonly current?: number;
  readonly max?: number;
  /** Forks refused by pids.max (pids.events max). */
  readonly limitHits?: number;
}

export interface PressureLine {
  readonly avg10?: number;
  readonly avg60?: number;
  readonly avg300?: number;
  /** Cumulative stall time in seconds. */
  readonly totalSeconds?: number;
}

export interface PressureCounters {
  readonly some: PressureLine;
  readonly full?: PressureLine;
}

export interface NetworkInterfaceCounters {
  readonly name: string;
  readonly rxBytes: number;
  readonly rxPackets: number;
  readonly rxErrors: number;
  readonly rxDropped: number;
  readonly txBytes: number;
  readonly txPackets: number;
  readonly txErrors: number;
  readonly txDropped: number;
}

export interface NetworkCounters {
  /** Inode of the net namespace the counters came from. */
  readonly netnsInode: number;
  readonly interfaces: readonly NetworkInterfaceCounters[];
}

export interface CgroupSample {
  /** Path relative to the hierarchy root, `/` for the root, e.g. `/docker/5aac…`. */
  readonly path: string;
  /**
   * Inode of the cgroup's directory in its primary hierarchy: a cgroup removed and made
   * again under the same path gets a new inode, and its counters start over.
   */
  readonly inode: number;
  /** Wall-clock time of the read, ms since the epoch. */
  readonly timestampMs: number;
  /** Monotonic time of the read, ms (for rates; wall clocks jump). */
  readonly monotonicMs: number;
  /**
   * Quiet refresh (`serve --quiet-refresh`): the monotonic time its counters other than CPU time and
   * network were last read, when that was before this sample (the cgroup ran no task since: see
   * CollectorOptions.quietRefreshMs); absent when everything was read at monotonicMs.
   */
  readonly countersMonotonicMs?: number;
  /** When the cgroup was created (its directory's ctime), ms since the epoch. */
  readonly createdMs?: number;
  readonly identity: ContainerIdentity;
  readonly cpu: CpuCounters;
  readonly memory: MemoryCounters;
  readonly blockIo: readonly BlockDeviceCounters[];
  readonly pids: PidsCounters;
  readonly pressure: {
    readonly cpu?: PressureCounters;
    readonly memory?: PressureCounters;
    readonly io?: PressureCounters;
  };
  readonly processes?: number;
  readonly threads?: number;
  /** CPUs the cgroup may run on (cpuset.cpus.effective / cpuset.cpus), as the kernel lists them. */
  readonly cpusetCpus?: string;
  /**
   * Network counters from /proc/<pid>/net/dev of one of its processes; undefined when it has
   * no process or shares the host's net namespace (the host is never counted as a container).
   */
  readonly network?: NetworkCounters;
  /** Why network is absent, when it is: `host-netns`, `no-process`, `shared-with:<path>`. */
  readonly networkNote?: string;
  /** Namespaces of one of its processes (slow cadence); undefined when it has no process. */
  readonly namespaces?: ContainerNamespaces;
  /**
   * States of this cgroup's own tasks from /proc/<tid>/stat (slow cadence, bounded; collector/tasks).
   * Undefined when not read (disabled, or the cgroup was not reached within the budget).
   */
  readonly tasksState?: TasksState;
  /**
   * Filesystem usage (slow cadence; collector/fs-usage): for the root cgroup every mounted block
   * device (statfs); for a container its writable layer (overlay upper directory, bounded walk).
   */
  readonly filesystems?: readonly FilesystemUsage[];
}

/** Task counts by scheduler state, as cAdvisor's container_tasks_state names them. */
export interface TasksState {
  readonly running: number;
  readonly sleeping: number;
  readonly stopped: number;
  readonly uninterruptible: number;
  /** Tasks waiting on I/O: the kernel's delay accounting only (netlink); always 0 from /proc. */
  readonly iowaiting: number;
  /** Tasks seen; fewer than the cgroup has when the per-cgroup bound cut the count short. */
  readonly counted: number;
  readonly truncated: boolean;
}

export interface FilesystemUsage {
  /** `/dev/<name>` of the block device the filesystem (or the writable layer) lives on, else MAJ:MIN. */
  readonly device: string;
  /** Bytes in use: the filesystem's used blocks (root) or the layer's allocated blocks (container). */
  readonly usageBytes: number;
  /** The filesystem's size in bytes. */
  readonly limitBytes: number;
  /** Free inodes on the filesystem. */
  readonly inodesFree?: number;
  /** Inodes of the filesystem (root) or inodes used by the layer (container), as cAdvisor reports. */
  readonly inodes?: number;
  /** The device's /proc/diskstats times and counts (root cgroup only: the kernel keeps them per device). */
  readonly io?: DiskIoCounters;
}

/** One line of /proc/diskstats, times in seconds. */
export interface DiskIoCounters {
  readonly readsMerged: number;
  readonly sectorsRead: number;
  readonly readSeconds: number;
  readonly writesMerged: number;
  readonly sectorsWritten: number;
  readonly writeSeconds: number;
  readonly ioInProgress: number;
  readonly ioSeconds: number;
  readonly weightedIoSeconds: number;
}

/** The namespace kinds of /proc/<pid>/ns (time: Linux ≥ 5.6). */
export type NamespaceKind = 'cgroup' | 'ipc' | 'mnt' | 'net' | 'pid' | 'pid_for_children' | 'time' | 'user' | 'uts';

export interface ContainerNamespaces {
  /** The process read: the first one listed in the cgroup's cgroup.procs. */
  readonly pid: number;
  /** Inode of /proc/<pid>/ns/<kind>; a kind this kernel lacks is absent. */
  readonly inodes: Readonly<Partial<Record<NamespaceKind, number>>>;
  /** Kinds whose inode is the host's (pid 1's): `net` is `--network host`, `pid` is `--pid host`. */
  readonly sharedWithHost: readonly NamespaceKind[];
  /** Processes in the cgroup itself (cgroup.procs lines), not its children. */
  readonly pidCount: number;
}
