// The collector: keeps the set of cgroups discovery found, holds their counter files open, and
// reads them all with one batch call per sample. Discovery (tree walk, identity, fd opening)
// runs on its own, slower cadence; sampling only preads what discovery registered.

import { closeSync, existsSync, openSync, constants as fsConstants, readdirSync, readlinkSync, readSync, statSync, readFileSync, type Dirent } from 'node:fs';
import { join, basename, dirname } from 'node:path';
import { availableParallelism } from 'node:os';
import { chooseReader, type BatchReader, type ReaderPreference } from '../native/index.js';
import { detectHierarchy, cgroupDir, type Hierarchy } from './hierarchy/hierarchy.js';
import { walkHierarchies } from './discovery/walk.js';
import { ACTIVITY_GATE, v1Sources, v2Sources, type FileSource, type MetricGroup, type FileHome } from './counters/sources.js';
import { SlotView, assembleV1, assembleV2, type CounterPart } from './counters/assemble.js';
import { FdBudget } from './fd-budget.js';
import { parseNetDev } from './namespaces/netdev.js';
import { firstPid, hostNetnsInode, namespaceInode } from './namespaces/netns.js';
import { firstPidBelow, hostNamespaceInodes, namespacesOfPids, readPids, type NamespaceInodes } from './namespaces/process-namespaces.js';
import { identifyCgroup } from './runtimes/registry.js';
import type { CgroupSample, ContainerNamespaces, NetworkCounters } from './model/sample.js';
import type { ContainerIdentity } from './model/identity.js';
import { monotonicMs } from './model/clock.js';
import { DEFAULT_COLLECTOR_OPTIONS } from './defaults.js';

export interface CollectorOptions {
  /** Directory holding the host's /sys and /proc (default `/`). */
  readonly hostRoot: string;
  readonly reader: ReaderPreference;
  /** Metric groups to read; files of the others are never opened. */
  readonly groups: ReadonlySet<MetricGroup | 'network'>;
  /** Most fds to keep open; beyond it, files are opened per read (slower, never failing). */
  readonly fdBudget?: number;
  /** mountinfo text instead of reading it (tests on fixture trees). */
  readonly mountinfoText?: string;
  /** Most cgroups tracked (memory and CPU grow with them); beyond it new cgroups are refused and counted. */
  readonly maxCgroups?: number;
  /**
   * Adds engine metadata (names, images, labels) to path-derived identities. Called on every
   * sample, so it must answer from a cache at once and fetch unknown ids in the background.
   */
  readonly identityEnricher?: IdentityEnricher;
  /**
   * Adds what is read outside the batch to each Sample (root-cgroup machine totals, task states,
   * filesystem usage: collector/extras). Called on every sample: answer from caches.
   */
  readonly sampleHook?: SampleHook;
  /**
   * Quiet refresh, in ms (0 or absent: off, every file of every cgroup at every sample). A cgroup
   * whose CPU time (ACTIVITY_GATE) has not moved since its last full read ran no task, so at a
   * sample only that one file is read for it, and the rest of its files keep their last values
   * until the CPU time moves again or quietRefreshMs has passed (each cgroup's turn is at its own
   * phase, so the refreshes spread evenly over the samples). What can change without a task of the
   * cgroup running, and so shows up to quietRefreshMs late: memory given back by reclaim, cgroup
   * v2 writeback I/O of pages dirtied earlier.
   */
  readonly quietRefreshMs?: number;
}

export interface SampleHook {
  /** Gets a Sample the poller has just made and shared with no one: it may add to it and return it. */
  extend(sample: CgroupSample): CgroupSample;
}

export interface IdentityEnricher {
  enrich(identity: ContainerIdentity, cgroupPath: string): ContainerIdentity;
}

export { ALL_GROUPS, DEFAULT_COLLECTOR_OPTIONS } from './defaults.js';

interface OpenFile {
  readonly source: number;
  readonly path: string;
  fd: number;
}

interface Entry {
  readonly path: string;
  readonly inode: number;
  readonly createdMs?: number;
  identity: ContainerIdentity;
  /** Per-sample files (cached fds, in the batch). */
  readonly files: OpenFile[];
  /** Slow-cadence files (limits, line counts): opened, read and closed at each refresh. */
  readonly slowFiles: Array<{ readonly source: number; readonly path: string; readonly changedBy: 'config' | 'count' }>;
  /** Their slots, laid out once at registration; entry.offsets points into this array for slow sources. */
  readonly slowSlots: Float64Array;
  /** The gate's value (CPU time) when the `count` files were last read (NaN: never). */
  countsGate: number;
  /** True when its files did not fit the fd budget: opened for each read, then closed. */
  uncached: boolean;
  readonly offsets: Int32Array;
  /** Index of its first file in the batch arrays, and of its first slot in `out` (-1: not laid out yet); set by rebuildBatch. */
  batchStart: number;
  slotStart: number;
  /** Batch index of its ACTIVITY_GATE file, and the slot of the gate's value; -1: none (read in full every time). */
  gateIndex: number;
  gateSlot: number;
  /** The gate's value at the last full read (NaN: none yet). */
  lastGate: number;
  /** Where in the quiet-refresh period this cgroup's turn falls, ms; and the period of its last full read. */
  readonly quietPhaseMs: number;
  lastQuietPeriod: number;
  /** The last sample read only its gate file; and when its other files were last read (monotonic ms). */
  quiet: boolean;
  countersReadMs: number;
  /** The counters assembled at its last full read: a quiet sample hands out the same (immutable) objects. */
  lastCounters?: CounterPart;
  readonly procsFile?: string;
  cpusetCpus?: string;
  netPid?: number;
  namespaces?: ContainerNamespaces;
  netnsInode?: number;
  gone: boolean;
}

export interface CollectorStats {
  cgroups: number;
  openFds: number;
  uncachedCgroups: number;
  readErrors: Record<string, number>;
  /** CPU time of the whole last sample (read, parse, assembly). */
  lastSampleCpuMicros: number;
  /** CPU time of the batch read + parse alone in the last sample. */
  lastReadCpuMicros: number;
  lastDiscoveryMs: number;
  cgroupsGone: number;
  /** Cgroups whose full read the last sample skipped (quiet refresh: their CPU time had not moved). */
  quietCgroups: number;
  /** The --max-cgroups bound in force. */
  maxCgroups: number;
  /** New cgroups not tracked because the bound was reached, since start. */
  cgroupsRefused: number;
}

/** Default --max-cgroups: well above real nodes (kubelet's default is 110 pods), far below trouble. */
export const DEFAULT_MAX_CGROUPS = 10_000;
/** Files opened at once for cgroups beyond the fd budget (far below any RLIMIT_NOFILE headroom). */
const UNCACHED_CHUNK_FILES = 256;
/**
 * A cgroup this young whose process is not (yet) in a namespace of its own has its namespaces looked
 * at again every sample, not only at the next discovery walk: runtimes put a process into the cgroup
 * before it leaves the host's namespaces (runc's `init` joins the cgroup, then unshares; `unshare -n`
 * likewise), and a walk is up to 30 s away.
 */
const YOUNG_CGROUP_MS = 15_000;
const GONE_ERRNOS = new Set([19 /* ENODEV */, 2 /* ENOENT */]);
const ERRNO_NAMES: Record<number, string> = { 1: 'EPERM', 2: 'ENOENT', 5: 'EIO', 9: 'EBADF', 13: 'EACCES', 19: 'ENODEV', 22: 'EINVAL', 27: 'EFBIG' };

export class Collector {
  readonly hierarchy: Hierarchy;
  readonly readerKind: 'native' | 'fallback';
  readonly readerReason?: string;
  private readonly sources: FileSource[];
  private readonly reader: BatchReader;
  private readonly view: SlotView;
  private readonly entries = new Map<string, Entry>();
  private readonly budget: FdBudget;
  private readonly deviceNames = new Map<number, string | undefined>();
  private readonly hostNetns?: number;
  private readonly hostNamespaces: NamespaceInodes;
  private readonly netFds = new Map<number, { fd: number; pid: number }>();
  private batchDirty = true;
  /** Entries in batch order: cached ones first. */
  private order: Entry[] = [];
  /** Files of cached cgroups: the head of the batch arrays. */
  private cachedFileCount = 0;
  private batch = new BatchArrays(0);
  private out = new Float64Array(0);
  /** Quiet refresh (see CollectorOptions.quietRefreshMs): the gate files' batch, and a scratch batch of the full reads. */
  private readonly quietMs: number;
  private readonly gateSource: number;
  private readonly gateSlotInSpec: number;
  private gates = new BatchArrays(0);
  private cachedEntryCount = 0;
  private scratch = new BatchArrays(0);
  /** Batch index each scratch entry stands for. */
  private scratchIndex = new Int32Array(0);
  private registrations = 0;
  private netBuffer = Buffer.allocUnsafe(16 * 1024);
  readonly stats: CollectorStats = { cgroups: 0, openFds: 0, uncachedCgroups: 0, readErrors: {}, lastSampleCpuMicros: 0, lastReadCpuMicros: 0, lastDiscoveryMs: 0, cgroupsGone: 0, quietCgroups: 0, maxCgroups: DEFAULT_MAX_CGROUPS, cgroupsRefused: 0 };

  /** Told once when a bound (--max-cgroups) is first hit. */
  onBound?: (message: string) => void;

  constructor(private readonly options: CollectorOptions = DEFAULT_COLLECTOR_OPTIONS) {
    this.hierarchy = detectHierarchy({ hostRoot: options.hostRoot, mountinfoText: options.mountinfoText });
    const cpuCount = possibleCpuCount(this.hierarchy.hostRoot);
    const all = this.hierarchy.mode === 'v2' ? v2Sources() : v1Sources(cpuCount);
    this.sources = all;
    const choice = chooseReader(options.reader);
    this.readerKind = choice.kind;
    this.readerReason = choice.reason;
    this.reader = choice.create(all.map((s) => s.spec));
    this.view = new SlotView(all);
    const gate = this.hierarchy.mode === 'v2' ? ACTIVITY_GATE.v2 : ACTIVITY_GATE.v1;
    this.gateSource = this.view.sourceIndex(gate.key);
    this.gateSlotInSpec = gate.slot;
    const quietMs = options.quietRefreshMs ?? 0;
    if (!(quietMs >= 0) || !Number.isFinite(quietMs)) throw new RangeError(`quietRefreshMs must be a finite number ≥ 0, got ${quietMs}`);
    this.quietMs = quietMs;
    this.budget = new FdBudget(options.fdBudget);
    this.stats.maxCgroups = options.maxCgroups ?? DEFAULT_MAX_CGROUPS;
    if (options.groups.has('network')) this.hostNetns = hostNetnsInode(this.hierarchy.procRoot);
    this.hostNamespaces = hostNamespaceInodes(this.hierarchy.procRoot);
  }

  /** Cgroup paths currently tracked. */
  paths(): string[] {
    return [...this.entries.keys()];
  }

  /** True when the last sample read only this cgroup's CPU time (quiet refresh): its other counters are older. */
  isQuiet(path: string): boolean {
    return this.entries.get(path)?.quiet ?? false;
  }

  identity(path: string): ContainerIdentity | undefined {
    return this.entries.get(path)?.identity;
  }

  /**
   * Walks the hierarchies; adds new cgroups, drops vanished ones, replaces recreated ones, and
   * refreshes the slow files of the others: their configuration unless `refreshConfig` is false
   * (serve's inotify watches report writes to it: see refreshConfigFiles), and their counts — with
   * quiet refresh on, only those of cgroups whose CPU time moved since, unless `allCounts`.
   */
  discover({ refreshConfig = true, allCounts = false }: { refreshConfig?: boolean; allCounts?: boolean } = {}): { added: string[]; removed: string[] } {
    const started = performance.now();
    const roots = this.walkRoots();
    const { paths } = walkHierarchies(roots);
    const present = new Set(paths);
    const added: string[] = [];
    const removed: string[] = [];
    for (const [path, entry] of this.entries) {
      if (!present.has(path) || entry.gone) {
        this.drop(entry);
        removed.push(path);
      }
    }
    for (const path of paths) {
      const existing = this.entries.get(path);
      const inode = this.primaryInode(path);
      if (inode === undefined) continue; // vanished between the walk and now
      if (existing && existing.inode === inode.ino) {
        this.refreshSlow(existing, { config: refreshConfig, allCounts });
        continue;
      }
      if (existing) {
        this.drop(existing); // same path, new cgroup: its counters start over
        removed.push(path);
      }
      const entry = this.register(path, inode.ino, inode.ctimeMs);
      if (entry) added.push(path);
    }
    this.stats.lastDiscoveryMs = performance.now() - started;
    this.stats.cgroups = this.entries.size;
    return { added, removed };
  }

  /**
   * Incremental discovery after inotify saw a change in `parent`: lists only that directory,
   * drops vanished children (and everything below them), and registers new children with their
   * subtrees. Existing cgroups are not touched, so container churn costs per change, not per
   * tracked cgroup.
   */
  discoverBelow(parent: string): { added: string[]; removed: string[] } {
    const roots = this.walkRoots();
    const prefix = parent === '/' ? '/' : `${parent}/`;
    const children = new Set<string>();
    for (const root of roots) {
      let names: Dirent[];
      try {
        names = readdirSync(cgroupDir(root, parent), { withFileTypes: true });
      } catch {
        continue; // the parent itself went away: its own parent's event handles it
      }
      for (const d of names) if (d.isDirectory()) children.add(`${prefix}${d.name}`);
    }
    const added: string[] = [];
    const removed: string[] = [];
    const known = new Set<string>();
    for (const [path, entry] of this.entries) {
      if (!path.startsWith(prefix) || path === parent) continue;
      const child = path.slice(0, path.indexOf('/', prefix.length) === -1 ? path.length : path.indexOf('/', prefix.length));
      if (!children.has(child)) {
        this.drop(entry);
        removed.push(path);
      } else if (child === path) {
        known.add(child);
      }
    }
    for (const child of children) {
      if (known.has(child)) continue;
      const { paths } = walkHierarchies(roots.map((r) => cgroupDir(r, child)));
      for (const rel of paths) {
        const path = rel === '/' ? child : `${child}${rel}`;
        if (this.entries.has(path)) continue;
        const inode = this.primaryInode(path);
        if (inode === undefined) continue;
        if (this.register(path, inode.ino, inode.ctimeMs)) added.push(path);
      }
    }
    this.stats.cgroups = this.entries.size;
    return { added, removed };
  }

  /** Reads every tracked cgroup once. Cgroups found gone are dropped quietly. */
  sample(): CgroupSample[] {
    const cpuBefore = process.cpuUsage();
    if (this.batchDirty) this.rebuildBatch();
    const timestampMs = Date.now();
    const monotonic = monotonicMs();
    const readStarted = process.cpuUsage();
    // Cached fds first, in one call (two with quiet refresh); then the cgroups beyond the fd
    // budget, a chunk at a time.
    this.stats.quietCgroups = 0;
    if (this.cachedFileCount > 0) {
      if (this.quietMs > 0 && this.gates.length > 0) this.readCachedQuietly(monotonic);
      else this.batch.read(this.reader, this.out, this.cachedFileCount);
    }
    this.readUncached();
    const readUsed = process.cpuUsage(readStarted);
    this.stats.lastReadCpuMicros = readUsed.user + readUsed.system;
    const samples: CgroupSample[] = [];
    const netByNs = new Map<number, NetworkCounters | undefined>();
    const netOwner = new Map<number, string>();
    let index = 0;
    for (const entry of this.order) {
      let gone = entry.gone;
      for (let f = 0; f < entry.files.length; f++, index++) {
        const errno = this.batch.errnos[index]!;
        if (errno === 0) continue;
        if (GONE_ERRNOS.has(errno)) gone = true;
        else this.countError(errno);
      }
      if (gone) {
        entry.gone = true;
        continue;
      }
      this.view.out = this.out;
      this.view.slowOut = entry.slowSlots;
      this.view.offsets = entry.offsets;
      // Quiet: its slots hold what they held at the last full read, and so would the assembly.
      let counters = entry.quiet ? entry.lastCounters : undefined;
      if (counters === undefined) {
        counters = this.hierarchy.mode === 'v2'
          ? assembleV2(this.view, (ma, mi) => this.deviceName(ma, mi))
          : assembleV1(this.view, (ma, mi) => this.deviceName(ma, mi));
        entry.lastCounters = this.quietMs > 0 ? counters : undefined;
      }
      if (this.hostNetns !== undefined && entry.createdMs !== undefined && timestampMs - entry.createdMs < YOUNG_CGROUP_MS
        && (entry.netnsInode === undefined || entry.netnsInode === this.hostNetns)) {
        this.recheckYoungNamespaces(entry);
      }
      const { network, networkNote } = this.network(entry, netByNs, netOwner);
      const sample: CgroupSample = {
        path: entry.path,
        inode: entry.inode,
        timestampMs,
        monotonicMs: monotonic,
        countersMonotonicMs: entry.quiet ? entry.countersReadMs : undefined,
        createdMs: entry.createdMs,
        identity: this.options.identityEnricher ? this.options.identityEnricher.enrich(entry.identity, entry.path) : entry.identity,
        // Field by field, not `...counters`: one fixed shape for every Sample, no clone per cgroup.
        cpu: counters.cpu,
        memory: counters.memory,
        blockIo: counters.blockIo,
        pids: counters.pids,
        pressure: counters.pressure,
        processes: counters.processes,
        threads: counters.threads,
        cpusetCpus: entry.cpusetCpus,
        namespaces: entry.namespaces,
        network,
        networkNote,
      };
      samples.push(this.options.sampleHook ? this.options.sampleHook.extend(sample) : sample);
    }
    for (const entry of [...this.entries.values()]) {
      if (entry.gone) {
        this.drop(entry);
        this.stats.cgroupsGone++;
      }
    }
    const used = process.cpuUsage(cpuBefore);
    this.stats.lastSampleCpuMicros = used.user + used.system;
    this.stats.cgroups = this.entries.size;
    return samples;
  }

  /** Closes every fd. The collector cannot be used afterwards. */
  close(): void {
    for (const entry of this.entries.values()) this.drop(entry);
    for (const { fd } of this.netFds.values()) closeQuietly(fd);
    this.netFds.clear();
  }

  private walkRoots(): string[] {
    const h = this.hierarchy;
    if (h.mode === 'v2') return [h.unified!];
    const roots = new Set<string>();
    for (const c of ['cpu', 'cpuacct', 'memory', 'blkio', 'pids'] as const) {
      const dir = h.v1.get(c);
      if (dir) roots.add(dir);
    }
    return [...roots];
  }

  private homeDir(home: FileHome, path: string): string | undefined {
    const h = this.hierarchy;
    if (home === 'unified') return h.unified ? cgroupDir(h.unified, path) : undefined;
    if (home === 'procs') {
      for (const c of ['pids', 'memory', 'cpu', 'cpuacct', 'blkio'] as const) {
        const base = h.v1.get(c);
        if (base && existsSync(cgroupDir(base, path))) return cgroupDir(base, path);
      }
      return undefined;
    }
    const base = h.v1.get(home);
    return base ? cgroupDir(base, path) : undefined;
  }

  /** The directory whose inode identifies the cgroup: unified on v2, else the first v1 one. */
  private primaryInode(path: string): { ino: number; ctimeMs: number } | undefined {
    const h = this.hierarchy;
    const bases = h.mode === 'v2' ? [h.unified!] : (['memory', 'cpu', 'cpuacct', 'pids', 'blkio'] as const).map((c) => h.v1.get(c)).filter((d): d is string => !!d);
    for (const base of bases) {
      try {
        const st = statSync(cgroupDir(base, path));
        return { ino: st.ino, ctimeMs: st.ctimeMs };
      } catch {
        // not in this hierarchy
      }
    }
    return undefined;
  }

  private register(path: string, inode: number, ctimeMs: number): Entry | undefined {
    if (this.entries.size >= this.stats.maxCgroups) {
      // Refused, not failed: the bound protects memory and fds; parents came first in the walk.
      if (this.stats.cgroupsRefused === 0) this.onBound?.(`tracking ${this.stats.maxCgroups} cgroups, the --max-cgroups bound: newer cgroups are not read (cgmeter_cgroups_refused_total counts them); raise --max-cgroups if this host really has more`);
      this.stats.cgroupsRefused++;
      return undefined;
    }
    const files: OpenFile[] = [];
    const slowFiles: Entry['slowFiles'] = [];
    const dirs = new Map<FileHome, string | undefined>();
    this.sources.forEach((source, sourceIndex) => {
      if (!this.options.groups.has(source.group)) return;
      if (source.group === 'percpu' && !this.options.groups.has('percpu')) return;
      if (!dirs.has(source.home)) dirs.set(source.home, this.homeDir(source.home, path));
      const dir = dirs.get(source.home);
      if (dir === undefined) return;
      for (const name of source.files) {
        const filePath = join(dir, name);
        if (existsSync(filePath)) {
          if (source.cadence === 'slow') slowFiles.push({ source: sourceIndex, path: filePath, changedBy: source.changedBy ?? 'count' });
          else files.push({ source: sourceIndex, path: filePath, fd: -1 });
          break;
        }
      }
    });
    const offsets = new Int32Array(this.sources.length).fill(-1);
    let slowSlotCount = 0;
    for (const file of slowFiles) {
      offsets[file.source] = slowSlotCount;
      slowSlotCount += this.view.slotsOf(file.source);
    }
    const uncached = !this.budget.reserve(files.length);
    if (!uncached) {
      for (const file of files) {
        try {
          file.fd = openSync(file.path, fsConstants.O_RDONLY);
        } catch {
          file.fd = -1;
        }
      }
      const openedOk = files.filter((f) => f.fd >= 0);
      this.budget.release(files.length - openedOk.length);
      files.splice(0, files.length, ...openedOk);
    }
    const procsDir = this.homeDir(this.hierarchy.mode === 'v2' ? 'unified' : 'procs', path);
    const entry: Entry = {
      path,
      inode,
      createdMs: ctimeMs,
      identity: identifyCgroup(path),
      files,
      slowFiles,
      // NaN until read: a file that could not be read shows as unknown, not as 0.
      slowSlots: new Float64Array(slowSlotCount).fill(NaN),
      countsGate: NaN,
      uncached,
      offsets,
      batchStart: 0,
      slotStart: -1,
      gateIndex: -1,
      gateSlot: -1,
      lastGate: NaN,
      // Golden-ratio steps spread the turns of any number of cgroups evenly over the period.
      quietPhaseMs: ((this.registrations++ * 0.6180339887498949) % 1) * this.quietMs,
      lastQuietPeriod: -1,
      quiet: false,
      countersReadMs: 0,
      procsFile: procsDir ? join(procsDir, 'cgroup.procs') : undefined,
      gone: false,
    };
    this.refreshSlow(entry);
    this.entries.set(path, entry);
    this.batchDirty = true;
    if (uncached) this.stats.uncachedCgroups++;
    this.stats.openFds = this.budget.used;
    return entry;
  }

  /** Re-reads the slow-cadence files (limits, weights, process counts) of one or every cgroup now. */
  refreshSlowFiles(path?: string): void {
    const targets = path === undefined ? [...this.entries.values()] : [this.entries.get(path)].filter((e): e is Entry => !!e);
    for (const entry of targets) {
      this.refreshSlow(entry);
      // A limit just set reclaims on the writer's account, not the cgroup's: read it all next sample.
      entry.lastGate = NaN;
    }
  }

  /**
   * Re-reads one cgroup's configuration files (limits, weights, cpuset) now: serve calls it when
   * inotify reports a write in the cgroup's directory. False when the cgroup is not tracked.
   */
  refreshConfigFiles(path: string): boolean {
    const entry = this.entries.get(path);
    if (entry === undefined) return false;
    this.refreshSlow(entry, { counts: false });
    // A lowered limit reclaims on the writer's account, not the cgroup's (its CPU time stays put):
    // read it all at the next sample, so that the new limit is never shown beside the old usage.
    entry.lastGate = NaN;
    return true;
  }

  /** Names of the files refreshConfigFiles reads: a write to one of them is worth an inotify-driven refresh. */
  configFileNames(): Set<string> {
    // cpu.weight.nice writes cpu.weight. cpuset.cpus.effective also follows the parent's cpuset.cpus
    // (the service re-reads the subtree on that write) and CPU hotplug, which raises no event: that
    // change waits for the safety walk.
    const names = new Set<string>(['cpuset.cpus', 'cpuset.cpus.effective', 'cpu.weight.nice']);
    for (const source of this.sources) if (source.changedBy === 'config') for (const name of source.files) names.add(name);
    return names;
  }

  /** Mount directories holding configuration files: every one a write to a limit can land in. */
  configHierarchies(): string[] {
    const h = this.hierarchy;
    if (h.mode === 'v2') return [h.unified!];
    const dirs = new Set<string>();
    for (const source of this.sources) {
      if (source.changedBy !== 'config' || !this.options.groups.has(source.group)) continue;
      const base = source.home === 'unified' ? h.unified : source.home === 'procs' ? undefined : h.v1.get(source.home);
      if (base) dirs.add(base);
    }
    const cpuset = h.v1.get('cpuset');
    if (cpuset) dirs.add(cpuset);
    return [...dirs];
  }

  /**
   * What changes rarely. `config`: limits, weights, cpuset (changed by writes). `counts`: process and
   * thread counts and the namespaces of the first process (changed by the cgroup's tasks: skipped,
   * with quiet refresh on, while the cgroup's CPU time has not moved since they were last read).
   */
  private refreshSlow(entry: Entry, { config = true, counts = true, allCounts = false }: { config?: boolean; counts?: boolean; allCounts?: boolean } = {}): void {
    if (config) {
      this.readSlowFiles(entry, 'config');
      const h = this.hierarchy;
      const cpusetFile = h.mode === 'v2'
        ? join(cgroupDir(h.unified!, entry.path), 'cpuset.cpus.effective')
        : h.v1.get('cpuset') ? join(cgroupDir(h.v1.get('cpuset')!, entry.path), 'cpuset.cpus') : undefined;
      if (cpusetFile) {
        try {
          entry.cpusetCpus = readFileSync(cpusetFile, 'latin1').trim();
        } catch {
          entry.cpusetCpus = undefined;
        }
      }
    }
    if (!counts) return;
    const gate = entry.gateSlot >= 0 ? this.out[entry.gateSlot]! : NaN;
    // NaN (never sampled, or unreadable) equals nothing: read.
    if (this.quietMs > 0 && !allCounts && gate === entry.countsGate) return;
    this.readSlowFiles(entry, 'count');
    entry.countsGate = gate;
    // The slow batch just counted cgroup.procs: an empty cgroup (most parents, and every pod
    // cgroup) needs no second read to know it has no process.
    this.refreshNamespaces(entry, { knownEmpty: this.slowValue(entry, 'procs') === 0 });
  }

  /**
   * For a young cgroup not yet in a net namespace of its own: one stat (or one read of cgroup.procs
   * while it has no process) per sample, and the full look only once something changed — the churn
   * soak's hundreds of short-lived cgroups in the host's namespace pay no more than that.
   */
  private recheckYoungNamespaces(entry: Entry): void {
    if (entry.netPid !== undefined && namespaceInode(this.hierarchy.procRoot, entry.netPid) === entry.netnsInode) return;
    if (entry.netPid === undefined && (entry.procsFile === undefined || firstPid(entry.procsFile) === undefined)) return;
    this.refreshNamespaces(entry, { full: true });
  }

  /**
   * The cgroup's namespaces and the pid whose net namespace stands for it. cgroup.procs is read
   * once; when its first process is the one looked at last time, its namespaces are kept without
   * the nine /proc/<pid>/ns stats (a container's processes keep the namespaces they started in;
   * the unshare of a starting one is what recheckYoungNamespaces follows, with `full`).
   * `knownEmpty`: cgroup.procs was counted empty a moment ago (only the slow refresh knows that; a
   * young cgroup's recheck runs when a process has joined since, so it never passes it).
   */
  private refreshNamespaces(entry: Entry, { full = false, knownEmpty = false }: { full?: boolean; knownEmpty?: boolean } = {}): void {
    const h = this.hierarchy;
    if (!entry.procsFile) {
      entry.namespaces = undefined;
      return;
    }
    const pids = knownEmpty ? [] : readPids(entry.procsFile);
    const previous = entry.namespaces;
    if (!full && previous !== undefined && pids[0] === previous.pid) {
      if (previous.pidCount !== pids.length) entry.namespaces = { ...previous, pidCount: pids.length };
    } else {
      entry.namespaces = namespacesOfPids(pids, h.procRoot, this.hostNamespaces);
    }
    if (this.options.groups.has('network')) {
      // A pod cgroup holds no process itself; its containers share the pod's net namespace, so one
      // of theirs stands for it, and the pod (a parent, sampled before them) owns the network.
      const netPid = pids[0] ?? (entry.identity.kind === 'pod' ? firstPidBelow(dirname(entry.procsFile)) : undefined);
      if (full || netPid !== entry.netPid || entry.netnsInode === undefined) {
        entry.netPid = netPid;
        entry.netnsInode = netPid === undefined ? undefined : namespaceInode(h.procRoot, netPid);
      }
    }
  }

  /** A value of the slow batch last read for this cgroup (undefined: absent or unparsable). */
  private slowValue(entry: Entry, key: string): number | undefined {
    this.view.slowOut = entry.slowSlots;
    this.view.offsets = entry.offsets;
    return this.view.value(key);
  }

  private readSlowFiles(entry: Entry, kind: 'config' | 'count'): void {
    let n = 0;
    for (const file of entry.slowFiles) if (file.changedBy === kind) n++;
    if (n === 0) return;
    const batch = new BatchArrays(n);
    let i = 0;
    for (const file of entry.slowFiles) {
      if (file.changedBy !== kind) continue;
      batch.specIds[i] = file.source;
      batch.slotOffsets[i] = entry.offsets[file.source]!; // laid out at registration
      try {
        batch.fds[i] = openSync(file.path, fsConstants.O_RDONLY);
      } catch {
        batch.fds[i] = -1; // gone or unreadable: its slots read NaN (undefined)
      }
      i++;
    }
    entry.lastCounters = undefined; // limits or counts may change: assemble anew at the next sample
    try {
      // A file that could not be opened has fd -1: the reader reports EBADF and NaN slots.
      batch.read(this.reader, entry.slowSlots, n);
    } finally {
      for (let i = 0; i < n; i++) closeQuietly(batch.fds[i]!);
    }
  }

  private drop(entry: Entry): void {
    if (!entry.uncached) {
      for (const file of entry.files) closeQuietly(file.fd);
      this.budget.release(entry.files.length);
    } else {
      this.stats.uncachedCgroups--;
    }
    this.entries.delete(entry.path);
    this.batchDirty = true;
    this.stats.openFds = this.budget.used;
  }

  /** Lays out the batch: files of cached cgroups first, then those beyond the fd budget. */
  private rebuildBatch(): void {
    this.cachedFileCount = 0;
    let fileCount = 0;
    let slots = 0;
    const cached = [...this.entries.values()].filter((e) => !e.uncached);
    const uncached = [...this.entries.values()].filter((e) => e.uncached);
    this.order = [...cached, ...uncached];
    for (const entry of this.order) fileCount += entry.files.length;
    const batch = new BatchArrays(fileCount);
    this.batch = batch;
    let i = 0;
    let gates = 0;
    const previousOut = this.out;
    const out = new Float64Array(slotsNeeded(this.order, this.view));
    for (const entry of this.order) {
      for (const file of entry.files) entry.offsets[file.source] = -1;
      entry.batchStart = i;
      entry.gateIndex = -1;
      entry.gateSlot = -1;
      const entrySlots = slotsOfEntry(entry, this.view);
      // Quiet refresh keeps a quiet cgroup's last values in `out`: carry them over to the new
      // layout (container churn rebuilds the batch often; a fresh array would force full reads).
      if (entry.slotStart >= 0 && this.quietMs > 0) out.set(previousOut.subarray(entry.slotStart, entry.slotStart + entrySlots), slots);
      else entry.lastGate = NaN;
      entry.slotStart = slots;
      for (const file of entry.files) {
        batch.fds[i] = file.fd;
        batch.specIds[i] = file.source;
        batch.slotOffsets[i] = slots;
        entry.offsets[file.source] = slots;
        if (file.source === this.gateSource && !entry.uncached) {
          entry.gateIndex = i;
          entry.gateSlot = slots + this.gateSlotInSpec;
          gates++;
        }
        slots += this.view.slotsOf(file.source);
        i++;
      }
      if (!entry.uncached) this.cachedFileCount = i;
    }
    if (cached.length === 0) this.cachedFileCount = 0;
    this.cachedEntryCount = cached.length;
    this.out = out;
    if (this.quietMs > 0) {
      this.gates = new BatchArrays(gates);
      let g = 0;
      for (const entry of cached) if (entry.gateIndex >= 0) this.gates.take(g++, batch, entry.gateIndex);
      this.scratch = new BatchArrays(this.cachedFileCount);
      this.scratchIndex = new Int32Array(this.cachedFileCount);
    }
    this.batchDirty = false;
  }

  /**
   * Quiet refresh (CollectorOptions.quietRefreshMs): one batch call reads every cached cgroup's
   * gate file; a second reads the other files of the cgroups whose CPU time moved, whose turn has
   * come, or whose gate could not be read. The files of the others keep their slots (and errno 0:
   * nothing new went wrong); `gone` is still seen at once, as the gate file answers ENODEV too.
   */
  private readCachedQuietly(monotonicNowMs: number): void {
    const batch = this.batch;
    this.gates.read(this.reader, this.out, this.gates.length);
    let n = 0;
    let g = 0;
    let quiet = 0;
    for (let e = 0; e < this.cachedEntryCount; e++) {
      const entry = this.order[e]!;
      const start = entry.batchStart;
      const end = start + entry.files.length;
      const gateIndex = entry.gateIndex;
      if (gateIndex >= 0) {
        const errno = this.gates.errnos[g++]!;
        batch.errnos[gateIndex] = errno;
        const value = this.out[entry.gateSlot]!;
        const period = Math.floor((monotonicNowMs + entry.quietPhaseMs) / this.quietMs);
        // NaN (unparsable) never equals itself: such a cgroup is always read in full.
        if (errno === 0 && value === entry.lastGate && period === entry.lastQuietPeriod) {
          for (let i = start; i < end; i++) if (i !== gateIndex) batch.errnos[i] = 0;
          entry.quiet = true;
          quiet++;
          continue;
        }
        entry.quiet = false;
        entry.countersReadMs = monotonicNowMs;
        entry.lastGate = value;
        entry.lastQuietPeriod = period;
      }
      for (let i = start; i < end; i++) {
        if (i === gateIndex) continue;
        this.scratch.take(n, batch, i);
        this.scratchIndex[n] = i;
        n++;
      }
    }
    if (n > 0) {
      this.scratch.read(this.reader, this.out, n);
      for (let j = 0; j < n; j++) batch.errnos[this.scratchIndex[j]!] = this.scratch.errnos[j]!;
    }
    this.stats.quietCgroups = quiet;
  }

  /**
   * Cgroups beyond the fd budget: open a chunk of their files, read it with one batch call, close
   * it, next chunk. Chunks stay far below the free fds, so this never runs into EMFILE.
   */
  private readUncached(): void {
    let i = this.cachedFileCount;
    let chunkStart = i;
    const files: OpenFile[] = [];
    const flush = () => {
      const n = i - chunkStart;
      if (n > 0) {
        this.batch.read(this.reader, this.out, n, chunkStart);
      }
      for (const file of files) {
        closeQuietly(file.fd);
        file.fd = -1;
      }
      files.length = 0;
      chunkStart = i;
    };
    for (let e = 0; e < this.order.length; e++) {
      const entry = this.order[e]!;
      if (!entry.uncached) continue;
      for (const file of entry.files) {
        try {
          file.fd = openSync(file.path, fsConstants.O_RDONLY);
        } catch (err) {
          file.fd = -1;
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT' || code === 'ENODEV') entry.gone = true;
        }
        this.batch.fds[i] = file.fd;
        if (file.fd >= 0) files.push(file);
        i++;
      }
      if (files.length >= UNCACHED_CHUNK_FILES) flush();
    }
    flush();
  }

  private countError(errno: number): void {
    const name = ERRNO_NAMES[errno] ?? `errno${errno}`;
    this.stats.readErrors[name] = (this.stats.readErrors[name] ?? 0) + 1;
  }

  deviceName(major: number, minor: number): string | undefined {
    const key = major * 1048576 + minor;
    if (this.deviceNames.has(key)) return this.deviceNames.get(key);
    let name: string | undefined;
    try {
      name = basename(readlinkSync(join(this.hierarchy.hostRoot, 'sys/dev/block', `${major}:${minor}`)));
    } catch {
      // No sysfs link (old kernels, partial mounts): /proc/partitions has the same names.
      name = partitionName(this.hierarchy.procRoot, major, minor);
    }
    this.deviceNames.set(key, name);
    return name;
  }

  /**
   * Network belongs to the first cgroup (in path order: parents first) that holds a process
   * of a net namespace; others in the same namespace point at it, so nothing is counted twice.
   */
  private network(entry: Entry, netByNs: Map<number, NetworkCounters | undefined>, netOwner: Map<number, string>): { network?: NetworkCounters; networkNote?: string } {
    if (!this.options.groups.has('network')) return {};
    if (entry.netPid === undefined || entry.netnsInode === undefined) return { networkNote: 'no-process' };
    if (entry.netnsInode === this.hostNetns) return { networkNote: 'host-netns' };
    const owner = netOwner.get(entry.netnsInode);
    if (owner !== undefined) return { networkNote: `shared-with:${owner}` };
    netOwner.set(entry.netnsInode, entry.path);
    if (!netByNs.has(entry.netnsInode)) netByNs.set(entry.netnsInode, this.readNetDev(entry.netnsInode, entry.netPid));
    const network = netByNs.get(entry.netnsInode);
    return network ? { network } : { networkNote: 'unreadable' };
  }

  private readNetDev(netnsInode: number, pid: number): NetworkCounters | undefined {
    let cached = this.netFds.get(netnsInode);
    if (cached && cached.pid !== pid) {
      closeQuietly(cached.fd);
      cached = undefined;
    }
    if (!cached) {
      try {
        cached = { fd: openSync(join(this.hierarchy.procRoot, String(pid), 'net/dev'), fsConstants.O_RDONLY), pid };
      } catch {
        return undefined;
      }
      this.netFds.set(netnsInode, cached);
    }
    try {
      const n = readSync(cached.fd, this.netBuffer, 0, this.netBuffer.length, 0);
      return { netnsInode, interfaces: parseNetDev(this.netBuffer.toString('latin1', 0, n)) };
    } catch {
      closeQuietly(cached.fd);
      this.netFds.delete(netnsInode);
      return undefined;
    }
  }
}

/**
 * One readAll call's arrays, index for index: which fd, parsed by which spec, into which slots, and
 * the errno each read left. The per-sample batch, the quiet-refresh gate and scratch batches and a
 * cgroup's slow files are each one of these.
 */
class BatchArrays {
  readonly fds: Int32Array;
  readonly specIds: Int32Array;
  readonly slotOffsets: Int32Array;
  readonly errnos: Int32Array;

  constructor(readonly length: number) {
    this.fds = new Int32Array(length);
    this.specIds = new Int32Array(length);
    this.slotOffsets = new Int32Array(length);
    this.errnos = new Int32Array(length);
  }

  /** Entry `i` becomes a copy of `from`'s entry `j` (its errno is the read's to set). */
  take(i: number, from: BatchArrays, j: number): void {
    this.fds[i] = from.fds[j]!;
    this.specIds[i] = from.specIds[j]!;
    this.slotOffsets[i] = from.slotOffsets[j]!;
  }

  /** Reads entries start … start + count − 1 into `out`; returns the reader's failure count. */
  read(reader: BatchReader, out: Float64Array, count: number, start = 0): number {
    if (start === 0) return reader.readAll(this.fds, this.specIds, this.slotOffsets, out, this.errnos, count);
    return reader.readAll(this.fds.subarray(start), this.specIds.subarray(start), this.slotOffsets.subarray(start), out, this.errnos.subarray(start), count);
  }
}

function slotsOfEntry(entry: Entry, view: SlotView): number {
  let slots = 0;
  for (const file of entry.files) slots += view.slotsOf(file.source);
  return slots;
}

function slotsNeeded(entries: readonly Entry[], view: SlotView): number {
  let slots = 0;
  for (const entry of entries) slots += slotsOfEntry(entry, view);
  return slots;
}

function closeQuietly(fd: number): void {
  if (fd < 0) return;
  try {
    closeSync(fd);
  } catch {
    // already closed: nothing to release
  }
}

/** Number of possible CPUs (cpuacct.usage_percpu lists all of them), from sysfs. */
export function possibleCpuCount(hostRoot: string): number {
  try {
    const text = readFileSync(join(hostRoot, 'sys/devices/system/cpu/possible'), 'latin1').trim();
    let count = 0;
    for (const range of text.split(',')) {
      const [a, b] = range.split('-').map(Number);
      count += b === undefined ? 1 : b! - a! + 1;
    }
    if (count > 0 && count <= 8192) return count;
  } catch {
    // fall through
  }
  return availableParallelism();
}

/** Device name of MAJ:MIN from /proc/partitions (`major minor #blocks name`). */
function partitionName(procRoot: string, major: number, minor: number): string | undefined {
  try {
    for (const line of readFileSync(join(procRoot, 'partitions'), 'latin1').split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f.length === 4 && Number(f[0]) === major && Number(f[1]) === minor) return f[3];
    }
  } catch {
    // no procfs here
  }
  return undefined;
}
