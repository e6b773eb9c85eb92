// The long-running collector of `cgmeter serve` and `cgmeter top`: samples on one cadence,
// re-discovers on a slower one (and soon after the tree changes), derives Snapshots, and hands
// them to consumers. Consumers read Snapshots only.

import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { Collector, type CollectorOptions, type CollectorStats } from './poller.js';
import { derive, type Snapshot } from './model/derive.js';
import type { CgroupSample } from './model/sample.js';
import { cgroupDir } from './hierarchy/hierarchy.js';

export interface ServiceOptions {
  readonly collector: CollectorOptions;
  /** Time between samples. */
  readonly intervalMs: number;
  /** Time between full discovery walks (tree changes seen by inotify trigger one sooner). */
  readonly discoveryIntervalMs: number;
}

export interface CollectionHealth extends CollectorStats {
  readonly reader: 'native' | 'fallback';
  readonly hierarchyMode: string;
  readonly samplesTaken: number;
  /** Wall time of the last sample, ms since the epoch (0 before the first). */
  readonly lastSampleMs: number;
  readonly lastSampleDurationMs: number;
  readonly sampleErrors: number;
  /**
   * True when inotify watches cover every tracked cgroup's configuration files (limits, weights,
   * cpuset): they are re-read when written, and by the walk only every LIMITS_SAFETY_WALKS-th time.
   * False: every walk re-reads them (more cgroups than watches, or watches refused).
   */
  readonly limitsWatched: boolean;
}

/** What exporters and views depend on: the latest Snapshots and the collector's health. */
export interface SnapshotSource {
  latest(): readonly Snapshot[];
  health(): CollectionHealth;
}

export type SnapshotListener = (snapshots: readonly Snapshot[], gone: readonly CgroupSample[]) => void;

/** Debounce for inotify bursts (a container start makes a dozen directories). */
const REDISCOVER_DEBOUNCE_MS = 100;
/** Most inotify watches cgmeter places (fs.inotify.max_user_watches is often 8192). */
const MAX_WATCHES = 4096;
/**
 * Most extra watches for limit files outside the primary hierarchy (v1: cpu, pids and cpuset
 * directories, ~1 KB of kernel memory each; v2 needs none). Kernels since 5.11 allow far more
 * watches (1 % of RAM: 192,543 on this 24 GiB host); beyond the bound the walk re-reads limits.
 */
const MAX_LIMIT_WATCHES = 12_288;
/** fs.inotify.max_user_watches (8192 on kernels before 5.11), read once. */
let cachedMaxUserWatches: number | undefined;
function maxUserWatches(): number {
  if (cachedMaxUserWatches === undefined) {
    try {
      cachedMaxUserWatches = Number(readFileSync('/proc/sys/fs/inotify/max_user_watches', 'latin1').trim()) || 8192;
    } catch {
      cachedMaxUserWatches = 8192;
    }
  }
  return cachedMaxUserWatches;
}
/** With limits watched, every this-many-th walk re-reads them anyway (5 min at the default 30 s): a safety net for a lost event. */
export const LIMITS_SAFETY_WALKS = 10;

export class CollectorService implements SnapshotSource {
  readonly collector: Collector;
  private previous = new Map<string, CgroupSample>();
  private snapshots: Snapshot[] = [];
  private sampleTimer?: NodeJS.Timeout;
  private discoveryTimer?: NodeJS.Timeout;
  private readonly watchers = new Map<string, FSWatcher>();
  /** Watches of the other hierarchies holding limit files, keyed by `${mount}\0${cgroup path}`. */
  private readonly limitWatchers = new Map<string, FSWatcher>();
  private readonly configNames: ReadonlySet<string>;
  private limitsWatched = false;
  private walks = 0;
  /** Cgroups whose limit files were written: their limits re-read once per burst of events. */
  private readonly configRefresh = new DebouncedPaths(REDISCOVER_DEBOUNCE_MS, (paths) => {
    for (const p of paths) this.collector.refreshConfigFiles(p);
  });
  /** Directories inotify reported: each listed again once per burst. */
  private readonly rediscovery = new DebouncedPaths(REDISCOVER_DEBOUNCE_MS, (parents) => {
    let changed = false;
    try {
      for (const parent of parents) {
        const { added, removed } = this.collector.discoverBelow(parent);
        this.forgetWatches(removed);
        changed ||= added.length > 0 || removed.length > 0;
      }
    } finally {
      if (changed) this.watchTree(); // also when a later parent failed: what changed is watched
    }
  });
  private listeners: SnapshotListener[] = [];
  private samplesTaken = 0;
  private lastSampleMs = 0;
  private lastSampleDurationMs = 0;
  private sampleErrors = 0;
  private intervalMs: number;

  constructor(private readonly options: ServiceOptions, onError: (err: unknown) => void = () => {}) {
    this.collector = new Collector(options.collector);
    this.configNames = this.collector.configFileNames();
    this.intervalMs = options.intervalMs;
    this.onError = onError;
  }

  private readonly onError: (err: unknown) => void;

  onSnapshots(listener: SnapshotListener): void {
    this.listeners.push(listener);
  }

  start(): void {
    this.collector.discover();
    this.watchTree();
    this.tick();
    this.sampleTimer = setInterval(() => this.tick(), this.intervalMs);
    this.discoveryTimer = setInterval(() => this.rediscover(), this.options.discoveryIntervalMs);
    // Timers must not keep a process alive that is otherwise shutting down.
    this.sampleTimer.unref();
    this.discoveryTimer.unref();
  }

  /** Changes the sampling interval (the TUI's +/-). */
  setInterval(ms: number): void {
    this.intervalMs = ms;
    if (this.sampleTimer) {
      clearInterval(this.sampleTimer);
      this.sampleTimer = setInterval(() => this.tick(), ms);
      this.sampleTimer.unref();
    }
  }

  get interval(): number {
    return this.intervalMs;
  }

  stop(): void {
    clearInterval(this.sampleTimer);
    clearInterval(this.discoveryTimer);
    this.rediscovery.cancel();
    this.configRefresh.cancel();
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    for (const w of this.limitWatchers.values()) w.close();
    this.limitWatchers.clear();
    this.collector.close();
  }

  latest(): readonly Snapshot[] {
    return this.snapshots;
  }

  health(): CollectionHealth {
    return {
      ...this.collector.stats,
      reader: this.collector.readerKind,
      hierarchyMode: this.collector.hierarchy.mode,
      samplesTaken: this.samplesTaken,
      lastSampleMs: this.lastSampleMs,
      lastSampleDurationMs: this.lastSampleDurationMs,
      sampleErrors: this.sampleErrors,
      limitsWatched: this.limitsWatched,
    };
  }

  /** Takes one sample now (also used by tests and `--once` modes). */
  tick(): readonly Snapshot[] {
    const started = performance.now();
    let samples: CgroupSample[];
    try {
      samples = this.collector.sample();
    } catch (err) {
      // A bug, not a kernel condition (those are handled per file): report, keep sampling.
      this.sampleErrors++;
      this.onError(err);
      return this.snapshots;
    }
    const next = new Map<string, CgroupSample>();
    const snapshots: Snapshot[] = [];
    for (const sample of samples) {
      snapshots.push(derive(sample, this.previous.get(sample.path)));
      next.set(sample.path, sample);
    }
    const gone: CgroupSample[] = [];
    for (const [path, sample] of this.previous) if (!next.has(path)) gone.push(sample);
    // A watch follows the directory it was placed on, not its path: a cgroup made again under the
    // same path (a restarted unit or container) must get new ones at the next watchTree.
    // And a cgroup found gone by its reads may already be back (rmdir + mkdir between two samples:
    // inotify's events for both came while the old one was still tracked): its parent is listed again.
    if (gone.length > 0) {
      this.forgetWatches(gone.map((g) => g.path));
      for (const g of gone) if (g.path !== '/') this.scheduleRediscover(g.path.slice(0, g.path.lastIndexOf('/')) || '/');
    }
    this.previous = next;
    this.snapshots = snapshots;
    this.samplesTaken++;
    this.lastSampleMs = Date.now();
    this.lastSampleDurationMs = performance.now() - started;
    for (const listener of this.listeners) {
      try {
        listener(snapshots, gone);
      } catch (err) {
        this.onError(err);
      }
    }
    return snapshots;
  }

  private rediscover(): void {
    try {
      this.walks++;
      // Every tenth walk reads everything slow: a safety net for a lost inotify event, and for a
      // count that changed in the moment between a cgroup's registration and its first sample.
      const safety = this.walks % LIMITS_SAFETY_WALKS === 0;
      const { added, removed } = this.collector.discover({ refreshConfig: !this.limitsWatched || safety, allCounts: safety });
      this.forgetWatches(removed);
      if (added.length > 0 || removed.length > 0) this.watchTree();
    } catch (err) {
      this.onError(err);
    }
  }

  /**
   * inotify on every cgroup directory of the primary hierarchy, up to MAX_WATCHES (each costs
   * ~1 KB of kernel memory and counts against fs.inotify.max_user_watches); beyond that only on
   * directories that already have children (where containers appear: /docker, /kubepods…).
   * The periodic walk finds whatever a missing watch misses.
   */
  private watchTree(): void {
    const h = this.collector.hierarchy;
    const base = h.mode === 'v2' ? h.unified : h.v1.get('memory') ?? h.v1.get('cpu') ?? h.v1.get('pids');
    if (!base) return;
    const paths = this.collector.paths();
    let targets = paths;
    if (paths.length > MAX_WATCHES) {
      const parents = new Set<string>(['/']);
      for (const p of paths) {
        const slash = p.lastIndexOf('/');
        if (slash > 0) parents.add(p.slice(0, slash));
      }
      targets = [...parents].slice(0, MAX_WATCHES);
    }
    const wanted = new Set(targets);
    for (const [dir, w] of this.watchers) {
      if (!wanted.has(dir)) {
        w.close();
        this.watchers.delete(dir);
      }
    }
    let covered = targets.length === paths.length;
    for (const dir of targets) {
      if (this.watchers.has(dir)) continue;
      try {
        const w = watch(cgroupDir(base, dir), { persistent: false }, (_event, name) => this.onTreeEvent(dir, name));
        w.on('error', () => {
          w.close(); // the directory went away: its parent's watch covers it
          this.watchers.delete(dir);
        });
        this.watchers.set(dir, w);
      } catch (err) {
        // vanished, not in this hierarchy, or watches exhausted: the periodic walk still finds everything
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') covered = false;
      }
    }
    this.limitsWatched = this.watchLimitFiles(base, paths, covered);
  }

  /** Closes the watches of cgroups that went away (the tree's and the limit files'). */
  private forgetWatches(paths: readonly string[]): void {
    if (paths.length === 0) return;
    const gone = new Set(paths);
    for (const path of gone) {
      this.watchers.get(path)?.close();
      this.watchers.delete(path);
    }
    for (const [key, w] of this.limitWatchers) {
      if (gone.has(key.slice(key.indexOf('\0') + 1))) {
        w.close();
        this.limitWatchers.delete(key);
      }
    }
  }

  /**
   * Watches for writes to limit files in the hierarchies other than the primary one (v1: cpu, pids,
   * cpuset). True when every tracked cgroup's directories are watched (a cgroup absent from a
   * hierarchy has no limit files there: nothing to watch). Placed only when the tree's own watches
   * cover every cgroup, and within half of fs.inotify.max_user_watches (other daemons of the host
   * need theirs); on a refusal (ENOSPC) they are all given back and the walk re-reads limits.
   */
  private watchLimitFiles(primary: string, paths: readonly string[], treeCovered: boolean): boolean {
    const mounts = this.collector.configHierarchies().filter((m) => m !== primary);
    const wanted = new Set<string>();
    for (const mount of mounts) for (const path of paths) wanted.add(`${mount}\0${path}`);
    for (const [key, w] of this.limitWatchers) {
      if (!wanted.has(key)) {
        w.close();
        this.limitWatchers.delete(key);
      }
    }
    const budget = Math.min(MAX_LIMIT_WATCHES, Math.floor(maxUserWatches() / 2) - this.watchers.size);
    if (!treeCovered || wanted.size > budget) {
      this.closeLimitWatches();
      return false;
    }
    for (const key of wanted) {
      if (this.limitWatchers.has(key)) continue;
      const [mount, path] = key.split('\0') as [string, string];
      try {
        const w = watch(cgroupDir(mount, path), { persistent: false }, (_event, name) => {
          if (name !== null && this.configNames.has(name)) this.scheduleConfigRefresh(path, name);
        });
        w.on('error', () => {
          w.close();
          this.limitWatchers.delete(key);
        });
        this.limitWatchers.set(key, w);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // not in that hierarchy: no limit files there
        this.closeLimitWatches(); // watches exhausted: give them back to the host
        return false;
      }
    }
    return true;
  }

  private closeLimitWatches(): void {
    for (const w of this.limitWatchers.values()) w.close();
    this.limitWatchers.clear();
  }

  /** An event in a watched cgroup directory of the primary hierarchy: a limit written, or the tree changed. */
  private onTreeEvent(dir: string, name: string | null): void {
    if (name !== null && this.configNames.has(name)) this.scheduleConfigRefresh(dir, name);
    else this.scheduleRediscover(dir);
  }

  /** The cgroup whose file `name` was written; for its CPUs, every tracked cgroup below it too. */
  private scheduleConfigRefresh(path: string, name: string): void {
    this.configRefresh.add(path, this.onError);
    // A cgroup's CPUs bound its descendants' (v2 cpuset.cpus.effective), which change with no write
    // and no event of their own. (v1 refuses a parent's write that would take a child's CPUs.)
    if (!name.startsWith('cpuset.cpus')) return;
    const below = path === '/' ? '/' : `${path}/`;
    for (const p of this.collector.paths()) if (p.startsWith(below) && p !== path) this.configRefresh.add(p, this.onError);
  }

  private scheduleRediscover(dir: string): void {
    this.rediscovery.add(dir, this.onError);
  }
}

/**
 * Paths collected over a short window and handed to `run` once, together: inotify reports a
 * container start as a dozen events, and a limit change as one per file written.
 */
class DebouncedPaths {
  private readonly paths = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly delayMs: number, private readonly run: (paths: string[]) => void) {}

  add(path: string, onError: (err: unknown) => void): void {
    this.paths.add(path);
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const paths = [...this.paths];
      this.paths.clear();
      try {
        this.run(paths);
      } catch (err) {
        onError(err);
      }
    }, this.delayMs);
    this.timer.unref(); // must not keep a process alive that is shutting down
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
