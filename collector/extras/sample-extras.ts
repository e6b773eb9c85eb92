// The SampleHook of `cgmeter serve`: what cAdvisor exports that the counter batch does not read.
//   root cgroup, every sample: the host's network (/proc/1/net/dev), machine memory from
//     /proc/meminfo on v2 (the root has no memory.current), per-device I/O times (/proc/diskstats);
//   slow cadence: task states (bounded /proc/<tid>/stat reads), filesystems (statfs) and each
//     container's writable layer (bounded walk of its overlay upper directory, slower still).
// extend() only merges cached values: sampling never waits for a walk.

import { openSync, readFileSync, readSync, closeSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SampleHook } from '../poller.js';
import type { Hierarchy } from '../hierarchy/hierarchy.js';
import { cgroupDir } from '../hierarchy/hierarchy.js';
import type { CgroupSample, FilesystemUsage, MemoryCounters, NetworkCounters, TasksState } from '../model/sample.js';
import type { ContainerIdentity } from '../model/identity.js';
import { parseNetDev } from '../namespaces/netdev.js';
import { parseDiskstats, parseMeminfo } from '../machine/proc-text.js';
import { countTaskStates } from '../tasks/task-states.js';
import { rootFilesystems, writableLayer, type DeviceNamer } from '../fs-usage/filesystems.js';
import { walkLayer } from '../fs-usage/layer-walk.js';

export interface ExtrasOptions {
  readonly tasks: boolean;
  readonly filesystems: boolean;
  /** Task states and root filesystems are re-read this often. */
  readonly slowIntervalMs: number;
  /** Writable layers are walked this often (a walk costs one lstat per file). */
  readonly layerIntervalMs: number;
  /** Most /proc/<tid>/stat reads per cgroup and per refresh (≈ 10 µs each). */
  readonly maxTasksPerCgroup: number;
  readonly maxTaskReadsPerRefresh: number;
  /** Most directory entries one layer walk visits before it gives up (its value is then not exported). */
  readonly maxLayerEntries: number;
}

export const DEFAULT_EXTRAS_OPTIONS: ExtrasOptions = {
  tasks: true,
  filesystems: true,
  slowIntervalMs: 10_000,
  layerIntervalMs: 60_000,
  maxTasksPerCgroup: 2_000,
  maxTaskReadsPerRefresh: 5_000,
  maxLayerEntries: 200_000,
};

/** What the hook needs of the collector: where cgroups are, which ones, and device names. */
export interface ExtrasHost {
  readonly hierarchy: Hierarchy;
  paths(): string[];
  identity(path: string): ContainerIdentity | undefined;
  deviceName: DeviceNamer;
}

interface LayerState {
  usage?: FilesystemUsage;
  walking: boolean;
  lastWalkMs: number;
}

export class SampleExtras implements SampleHook {
  private host?: ExtrasHost;
  private namer: DeviceNamer = () => undefined;
  private hostNetnsInode?: number;
  private netBuffer = Buffer.allocUnsafe(16 * 1024);
  private readonly tasks = new Map<string, TasksState>();
  /** Cgroups whose last Sample had pids.current 0 (it counts the subtree): no task to count. */
  private readonly emptySubtrees = new Set<string>();
  /** Each cgroup's thread-list file, found once (v1: the first hierarchy that has the cgroup). */
  private readonly taskFiles = new Map<string, string | undefined>();
  private readonly layers = new Map<string, LayerState>();
  private rootFs: Array<FilesystemUsage & { majorMinor: string }> = [];
  private slowTimer?: NodeJS.Timeout;
  private taskCursor = 0;
  /** Task stat files read by the last refresh, and how long it took (self-metrics, tests). */
  readonly stats = { taskReads: 0, taskRefreshMs: 0, layerWalks: 0, layersTruncated: 0 };

  constructor(private readonly options: ExtrasOptions = DEFAULT_EXTRAS_OPTIONS) {}

  /** The collector is made with this hook in its options, so it is attached afterwards. */
  attach(host: ExtrasHost): void {
    this.host = host;
    this.namer = (major, minor) => host.deviceName(major, minor);
    try {
      this.hostNetnsInode = statSync(join(host.hierarchy.procRoot, '1/ns/net')).ino;
    } catch {
      this.hostNetnsInode = undefined; // no access to pid 1: our own net namespace stands for it below
    }
  }

  /** Reads everything once now, then on the slow cadence. */
  start(): void {
    this.refresh();
    this.slowTimer = setInterval(() => this.refresh(), this.options.slowIntervalMs);
    this.slowTimer.unref();
  }

  stop(): void {
    clearInterval(this.slowTimer);
  }

  extend(sample: CgroupSample): CgroupSample {
    if (!this.host) return sample;
    if (sample.pids.current === 0) this.emptySubtrees.add(sample.path);
    else this.emptySubtrees.delete(sample.path);
    const tasksState = this.tasks.get(sample.path);
    if (sample.path === '/') return this.extendRoot(sample, tasksState);
    const layer = this.layers.get(sample.path)?.usage;
    if (tasksState === undefined && layer === undefined) return sample;
    // The poller's Sample is new and not yet shared (SampleHook): added to, not copied — a spread
    // of every Sample every second was this hook's whole cost.
    const extended = sample as { -readonly [K in keyof CgroupSample]: CgroupSample[K] };
    if (tasksState !== undefined) extended.tasksState = tasksState;
    if (layer !== undefined) extended.filesystems = [layer];
    return extended;
  }

  /** One slow round: task states and root filesystems now, layer walks started in the background. */
  refresh(): void {
    const host = this.host;
    if (!host) return;
    const paths = host.paths();
    const present = new Set(paths);
    for (const key of this.tasks.keys()) if (!present.has(key)) this.tasks.delete(key);
    for (const key of this.emptySubtrees) if (!present.has(key)) this.emptySubtrees.delete(key);
    for (const key of this.taskFiles.keys()) if (!present.has(key)) this.taskFiles.delete(key);
    for (const key of this.layers.keys()) if (!present.has(key)) this.layers.delete(key);
    if (this.options.tasks) this.refreshTasks(paths);
    if (this.options.filesystems) {
      this.rootFs = rootFilesystems(host.hierarchy.hostRoot, host.hierarchy.procRoot, this.namer);
      for (const path of paths) if (host.identity(path)?.kind === 'container') this.maybeWalkLayer(path);
    }
  }

  /** Resolves when no layer walk is running (tests). */
  async settled(): Promise<void> {
    while ([...this.layers.values()].some((l) => l.walking)) await new Promise((r) => setTimeout(r, 20));
  }

  private refreshTasks(paths: readonly string[]): void {
    const started = performance.now();
    let budget = this.options.maxTaskReadsPerRefresh;
    // A rotating start spreads a budget smaller than the tree over several rounds, so every
    // cgroup is counted eventually; the list read itself counts against the budget too.
    const start = paths.length > 0 ? this.taskCursor % paths.length : 0;
    let visited = 0;
    for (; visited < paths.length && budget > 0; visited++) {
      const path = paths[(start + visited) % paths.length]!;
      budget--;
      // Nothing runs in an empty subtree: no thread list to read (on a node, parent slices and
      // cgroups kept after their processes ended).
      const text = this.emptySubtrees.has(path) ? '' : this.readTaskList(path);
      if (text === undefined) {
        this.tasks.delete(path);
        continue;
      }
      const { state, reads } = countTaskStates(text, this.host!.hierarchy.procRoot, Math.min(this.options.maxTasksPerCgroup, budget));
      budget -= reads;
      this.tasks.set(path, state);
    }
    this.taskCursor = start + visited;
    this.stats.taskReads = this.options.maxTaskReadsPerRefresh - budget;
    this.stats.taskRefreshMs = performance.now() - started;
  }

  private readTaskList(path: string): string | undefined {
    if (!this.taskFiles.has(path)) this.taskFiles.set(path, this.tasksFile(path));
    const file = this.taskFiles.get(path);
    if (!file) return undefined;
    try {
      return readFileSync(file, 'latin1');
    } catch {
      this.taskFiles.delete(path); // gone, or (v1) gone from that hierarchy: looked for again next round
      return undefined;
    }
  }

  /** The cgroup's own thread list: v2 cgroup.threads, v1 `tasks` of the first hierarchy that has it. */
  private tasksFile(path: string): string | undefined {
    const h = this.host!.hierarchy;
    if (h.mode === 'v2') return join(cgroupDir(h.unified!, path), 'cgroup.threads');
    for (const c of ['pids', 'memory', 'cpu', 'cpuacct', 'blkio'] as const) {
      const base = h.v1.get(c);
      if (base && existsSync(cgroupDir(base, path))) return join(cgroupDir(base, path), 'tasks');
    }
    return undefined;
  }

  private firstPid(path: string): number | undefined {
    const file = this.tasksFile(path)?.replace(/(tasks|cgroup\.threads)$/, 'cgroup.procs');
    if (!file) return undefined;
    try {
      const line = readFileSync(file, 'latin1').split('\n', 1)[0]!.trim();
      return line === '' ? undefined : Number(line);
    } catch {
      return undefined;
    }
  }

  private maybeWalkLayer(path: string): void {
    let state = this.layers.get(path);
    if (!state) this.layers.set(path, (state = { walking: false, lastWalkMs: 0 }));
    const now = Date.now();
    if (state.walking || (state.lastWalkMs > 0 && now - state.lastWalkMs < this.options.layerIntervalMs)) return;
    const pid = this.firstPid(path);
    const host = this.host!;
    const layer = pid === undefined ? undefined : writableLayer(pid, host.hierarchy.hostRoot, host.hierarchy.procRoot, this.namer);
    state.lastWalkMs = now;
    if (!layer) return;
    state.walking = true;
    const current = state;
    walkLayer(layer.dir, this.options.maxLayerEntries).then((usage) => {
      this.stats.layerWalks++;
      if (usage?.truncated) this.stats.layersTruncated++;
      // A truncated walk is a lower bound: better no series than a wrong one.
      current.usage = usage && !usage.truncated
        ? { device: layer.device, usageBytes: usage.usageBytes, limitBytes: layer.limitBytes, inodesFree: layer.inodesFree, inodes: usage.inodes }
        : undefined;
    }).catch(() => {
      current.usage = undefined; // walkLayer handles fs errors itself; anything else leaves no value
    }).finally(() => {
      current.walking = false;
    });
  }

  private extendRoot(sample: CgroupSample, tasksState: TasksState | undefined): CgroupSample {
    const procRoot = this.host!.hierarchy.procRoot;
    const network = this.hostNetwork(procRoot);
    const memory = this.host!.hierarchy.mode === 'v2' && sample.memory.usageBytes === undefined ? rootMemory(sample.memory, procRoot) : sample.memory;
    let filesystems: FilesystemUsage[] | undefined;
    if (this.rootFs.length > 0) {
      const disks = readDiskstats(procRoot);
      filesystems = this.rootFs.map(({ majorMinor, ...fs }) => {
        const io = disks?.get(majorMinor);
        return io ? { ...fs, io } : fs;
      });
    }
    const out: { -readonly [K in keyof CgroupSample]: CgroupSample[K] } = { ...sample, memory, tasksState, filesystems };
    if (network) {
      out.network = network;
      delete out.networkNote;
    }
    return out;
  }

  /** cAdvisor's root network: the host's interfaces, from pid 1's view (our own when pid 1 is hidden). */
  private hostNetwork(procRoot: string): NetworkCounters | undefined {
    for (const pid of this.hostNetnsInode === undefined ? ['self'] : ['1']) {
      let fd = -1;
      try {
        fd = openSync(join(procRoot, pid, 'net/dev'), 'r');
        const n = readSync(fd, this.netBuffer, 0, this.netBuffer.length, 0);
        const inode = this.hostNetnsInode ?? statSync(join(procRoot, 'self/ns/net')).ino;
        return { netnsInode: inode, interfaces: parseNetDev(this.netBuffer.toString('latin1', 0, n)) };
      } catch {
        return undefined;
      } finally {
        if (fd >= 0) closeSync(fd);
      }
    }
    return undefined;
  }
}

function readDiskstats(procRoot: string) {
  try {
    return parseDiskstats(readFileSync(join(procRoot, 'diskstats'), 'latin1'));
  } catch {
    return undefined;
  }
}

/**
 * The v2 root's memory as runc and cAdvisor compute it: usage = MemTotal − MemFree, swap =
 * SwapTotal − SwapFree, working set = usage − inactive file (the root's memory.stat when it was
 * read, else meminfo's Inactive(file)).
 */
export function rootMemory(memory: MemoryCounters, procRoot: string): MemoryCounters {
  let info: Map<string, number>;
  try {
    info = parseMeminfo(readFileSync(join(procRoot, 'meminfo'), 'latin1'));
  } catch {
    return memory;
  }
  const total = info.get('MemTotal');
  const free = info.get('MemFree');
  if (total === undefined || free === undefined) return memory;
  const usageBytes = total - free;
  const inactiveFile = memory.inactiveFileBytes ?? info.get('Inactive(file)') ?? 0;
  const swapTotal = info.get('SwapTotal');
  const swapFree = info.get('SwapFree');
  return {
    ...memory,
    usageBytes,
    workingSetBytes: Math.max(0, usageBytes - inactiveFile),
    swapBytes: memory.swapBytes ?? (swapTotal !== undefined && swapFree !== undefined ? swapTotal - swapFree : undefined),
    cacheBytes: memory.cacheBytes ?? info.get('Cached'),
  };
}
