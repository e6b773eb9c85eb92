// The accounting ledger: integrates every tick's Samples into per-container hourly rollups and host
// totals, in one SQLite transaction per tick that also moves each incarnation's base (its last raw
// counters). Whatever happens to the process, increments and bases commit together or not at all:
// a restart resumes from the bases (nothing re-added), a lost commit is re-integrated from the older
// base by the next reading (nothing lost), a counter that went backwards adds 0 and resets the base.
//
// What is billed: cgroups whose identity.kind is 'container' (leaves an engine made). Pod, QoS and
// slice cgroups are parents whose counters include their containers', so billing them too would
// count twice; a pod is the sum of its containers, plus its network, which the pod cgroup owns.
// The root cgroup `/` gives the host's totals.

import type Database from 'better-sqlite3';
import type { Snapshot } from '../model/derive.js';
import type { CgroupSample } from '../model/sample.js';
import { splitInterval, bucketOf, HOUR_MS } from './buckets.js';
import { countersAtCreation, countersOf, networkCountersOf, type LedgerCounters } from './counters.js';
import { countCpuList, type HostFacts } from './host-facts.js';
import { accumulate, emptyUsage, integrate, type IntervalStep, type UsageDelta } from './integrate.js';
import { openLedgerDatabase } from './schema.js';
import { billable, ROOT } from './billable.js';
import { decodeCounters, LedgerStatements, type ContainerRow } from './statements.js';

export interface LedgerOptions {
  /** SQLite file; `:memory:` for tests. */
  readonly path: string;
  /** Rollups older than this are deleted (checked once per hour bucket). */
  readonly retentionMs: number;
  readonly host: HostFacts;
}

export interface TickStats {
  readonly containers: number;
  /** Intervals integrated (containers with a base, plus the host). */
  readonly intervals: number;
  /** New incarnations integrated from their creation (created while the ledger was watching). */
  readonly fromCreation: number;
  readonly resets: number;
  readonly ended: number;
  readonly durationMs: number;
}

interface Base {
  readonly rowId: number;
  readonly inode: number;
  readonly identityId: string;
  readonly containerKey: number | null;
  readonly endedMs: number | null;
  readonly counters: LedgerCounters;
}

interface CachedContainer {
  readonly key: number;
  readonly signature: string;
  readonly identity: CgroupSample['identity'];
  readonly path: string;
}

/** Ended incarnations keep their base this long, so one that reappears (a walk hiccup) resumes. */
const ENDED_BASE_KEEP_MS = HOUR_MS;

export class Ledger {
  readonly db: Database.Database;
  private readonly lock: Database.Database;
  private readonly sql: LedgerStatements;
  private readonly bases = new Map<string, Base>();
  private readonly containerKeys = new Map<string, CachedContainer>();
  /** Since when every new cgroup was seen by this ledger (a restart keeps it): see fromCreation. */
  private watchingSinceMs?: number;
  private reconciled = false;
  private lastHousekeepingBucket = -1;

  constructor(private readonly options: LedgerOptions) {
    const opened = openLedgerDatabase(options.path);
    this.db = opened.db;
    this.lock = opened.lock;
    this.sql = new LedgerStatements(this.db);
    const storedBoot = this.sql.metaGet.get('boot_id') as string | undefined;
    const sameBoot = options.host.bootId === undefined || storedBoot === undefined || storedBoot === options.host.bootId;
    if (!sameBoot) this.forgetBasesAfterReboot();
    else if (storedBoot === undefined && options.host.bootId !== undefined && this.sql.metaGet.get('watching_since_ms') !== undefined) {
      this.sql.metaSet.run('boot_id', options.host.bootId); // a ledger written without a boot id until now
    }
    const since = this.sql.metaGet.get('watching_since_ms') as string | undefined;
    if (since !== undefined && sameBoot) this.watchingSinceMs = Number(since);
    for (const row of this.sql.allLastSeen.all() as Array<Record<string, unknown>>) {
      this.bases.set(row.path as string, {
        rowId: row.id as number, inode: row.inode as number, identityId: row.identity_id as string, containerKey: row.container_key as number | null,
        endedMs: row.ended_ms as number | null, counters: decodeCounters(row.counters as Uint8Array),
      });
    }
  }

  /** The listener for CollectorService.onSnapshots. Throws only on a database failure (nothing committed). */
  record(snapshots: readonly Snapshot[], gone: readonly CgroupSample[] = []): TickStats {
    const started = performance.now();
    const staged = new Map<string, Base | null>();
    const stagedKeys = new Map<string, CachedContainer>();
    const stats = { containers: 0, intervals: 0, fromCreation: 0, resets: 0, ended: 0 };
    const write = this.db.transaction(() => {
      const seen = new Set<string>();
      for (const sample of billable(snapshots)) {
        seen.add(sample.path);
        if (sample.path === ROOT) {
          this.recordHost(sample, staged, stats);
          continue;
        }
        stats.containers++;
        const previous = this.bases.get(sample.path);
        const same = previous !== undefined && previous.inode === sample.inode && previous.identityId === sample.identity.id;
        // A new incarnation at the same path ends the old container, unless it is the same container
        // again (an engine restart: same id, new cgroup).
        if (previous !== undefined && !same && previous.identityId !== sample.identity.id && previous.containerKey !== null && previous.endedMs === null) {
          this.sql.containerEnded.run(previous.counters.timestampMs, previous.containerKey);
          stats.ended++;
        }
        const networkOnly = sample.identity.kind === 'pod';
        const counters = networkOnly ? networkCountersOf(sample) : countersOf(sample);
        let base = same ? previous.counters : undefined;
        const fromCreation = base === undefined && this.createdWhileWatching(sample);
        if (fromCreation) base = countersAtCreation(counters, sample.createdMs!, !this.netnsKnown(counters.netnsInode));
        const key = this.containerKey(sample, fromCreation, stagedKeys);
        if (previous !== undefined && previous.endedMs !== null && previous.containerKey === key) this.sql.containerEnded.run(null, key);
        const result = integrate(base, counters);
        const rowId = this.saveBase(sample, same ? previous : undefined, key, result.base);
        staged.set(sample.path, { rowId, inode: sample.inode, identityId: sample.identity.id, containerKey: key, endedMs: null, counters: result.base });
        if (result.step === undefined) continue;
        if (networkOnly) result.step.usage.aliveSeconds = 0; // a pod is not one more container alive
        stats.intervals++;
        if (fromCreation) stats.fromCreation++;
        if (result.step.resets.length > 0) {
          stats.resets++;
          this.sql.containerResets.run(result.step.resets.length, key);
        }
        // billable() leaves one path per container, so each (bucket, container) is written once a tick.
        for (const { bucketMs, delta, samples } of this.shares(result.step)) this.sql.addUsage(bucketMs, key, samples, delta);
      }
      stats.ended += this.markEnded(gone, seen, staged);
      const newest = snapshots.length > 0 ? snapshots[0]!.sample.timestampMs : undefined;
      if (this.watchingSinceMs === undefined && newest !== undefined) {
        this.sql.metaSet.run('watching_since_ms', String(newest));
        if (this.options.host.bootId) this.sql.metaSet.run('boot_id', this.options.host.bootId);
      }
      if (newest !== undefined) this.housekeeping(newest, staged);
    });
    write();
    // Only now that the transaction committed do the in-memory bases follow it (null: deleted).
    for (const [path, base] of staged) {
      if (base === null) this.bases.delete(path);
      else this.bases.set(path, base);
    }
    if (snapshots.length > 0) this.lastHousekeepingBucket = bucketOf(snapshots[0]!.sample.timestampMs);
    for (const [identity, entry] of stagedKeys) this.containerKeys.set(identity, entry);
    if (this.watchingSinceMs === undefined && snapshots.length > 0) this.watchingSinceMs = snapshots[0]!.sample.timestampMs;
    this.reconciled = true;
    return { ...stats, durationMs: performance.now() - started };
  }

  close(): void {
    if (this.db.open) this.db.close();
    if (this.lock.open) this.lock.close();
  }

  private recordHost(sample: CgroupSample, staged: Map<string, Base | null>, stats: { intervals: number }): void {
    let counters = countersOf(sample);
    if (counters.memoryUsageBytes === undefined && counters.workingSetBytes === undefined) {
      const memory = this.options.host.memoryNow?.();
      if (memory) counters = { ...counters, memoryUsageBytes: memory.usageBytes, workingSetBytes: memory.workingSetBytes };
    }
    const previous = this.bases.get(ROOT);
    const same = previous !== undefined && previous.inode === sample.inode;
    const result = integrate(same ? previous.counters : undefined, counters);
    const rowId = this.saveBase(sample, same ? previous : undefined, null, result.base);
    staged.set(ROOT, { rowId, inode: sample.inode, identityId: sample.identity.id, containerKey: null, endedMs: null, counters: result.base });
    if (result.step === undefined) return;
    stats.intervals++;
    const cpuCount = countCpuList(sample.cpusetCpus) ?? this.options.host.cpuCount;
    for (const { bucketMs, delta, samples } of this.shares(result.step)) {
      this.sql.addHost(bucketMs, samples, delta.aliveSeconds, cpuCount, this.options.host.memTotalBytes, delta);
    }
  }

  /** Writes the base: in place for a continuing incarnation, a new row (by path) for a new one. */
  private saveBase(sample: CgroupSample, continuing: Base | undefined, containerKey: number | null, counters: LedgerCounters): number {
    if (continuing === undefined || continuing.containerKey !== containerKey) {
      return this.sql.insertBase(sample.path, sample.inode, sample.identity.id, containerKey, counters);
    }
    this.sql.moveBase(continuing.rowId, counters);
    if (continuing.endedMs !== null) this.sql.lastSeenResumed.run(continuing.rowId);
    return continuing.rowId;
  }

  /** The step's usage per hour bucket; the reading itself (peaks, the sample count) goes to its end's bucket. */
  private shares(step: IntervalStep): Array<{ bucketMs: number; delta: UsageDelta; samples: number }> {
    const endBucket = bucketOf(step.endMs);
    // Nearly every interval lies inside one hour: no split, no copy.
    if (step.startMs >= endBucket) return [{ bucketMs: endBucket, delta: step.usage, samples: 1 }];
    const retainedBuckets = Math.ceil(this.options.retentionMs / HOUR_MS) + 1;
    return splitInterval(step.startMs, step.endMs, HOUR_MS, retainedBuckets).map(({ bucketMs, fraction }) => {
      const delta = emptyUsage();
      accumulate(delta, step.usage, fraction, bucketMs === endBucket);
      return { bucketMs, delta, samples: bucketMs === endBucket ? 1 : 0 };
    });
  }

  /**
   * A cgroup first seen now whose directory was made after the ledger started watching has counters
   * that began at 0 at its creation: all of its usage so far is new, and integrating from creation
   * bills a container that lived less than one interval. One made earlier (before cgmeter was first
   * started) has history the ledger never saw: it starts from this reading.
   */
  private createdWhileWatching(sample: CgroupSample): boolean {
    const created = sample.createdMs;
    return this.watchingSinceMs !== undefined && created !== undefined && created >= this.watchingSinceMs && created <= sample.timestampMs;
  }

  /** Whether a net namespace is already some incarnation's (then its counters did not start at 0 for this one). */
  private netnsKnown(netnsInode: number | undefined): boolean {
    if (netnsInode === undefined) return true;
    for (const base of this.bases.values()) if (base.counters.netnsInode === netnsInode) return true;
    return false;
  }

  private containerKey(sample: CgroupSample, fromCreation: boolean, staged: Map<string, CachedContainer>): number {
    const id = sample.identity;
    const identityKey = `${id.runtime}\u0000${id.id}`;
    const cached = staged.get(identityKey) ?? this.containerKeys.get(identityKey);
    // The collector hands out the same identity object until discovery or metadata changes it.
    if (cached && cached.identity === id && cached.path === sample.path) return cached.key;
    const signature = JSON.stringify([id.name, id.image, id.labels, id.pod, id.podUid, id.namespace, id.containerName, sample.path]);
    if (cached && cached.signature === signature) {
      staged.set(identityKey, { ...cached, identity: id });
      return cached.key;
    }
    const row: ContainerRow = {
      runtime: id.runtime, containerId: id.id, name: id.name, image: id.image ?? null, labelsJson: JSON.stringify(id.labels ?? {}),
      pod: id.pod ?? null, podUid: id.podUid ?? null, namespace: id.namespace ?? null, containerName: id.containerName ?? null,
      cgroupPath: sample.path, createdMs: sample.createdMs ?? null, firstSampleMs: sample.timestampMs, fromCreation: fromCreation ? 1 : 0,
      kind: id.kind === 'pod' ? 'pod' : 'container',
    };
    const key = this.sql.upsertContainer(row);
    staged.set(identityKey, { key, signature, identity: id, path: sample.path });
    return key;
  }

  /**
   * Incarnations that went: the service's `gone` (their last Samples, already integrated at the
   * previous tick) and, on the first tick after a restart, stored bases of cgroups that vanished
   * while cgmeter was down. Their usage after their last reading (at most one interval) is lost.
   */
  private markEnded(gone: readonly CgroupSample[], seen: ReadonlySet<string>, staged: Map<string, Base | null>): number {
    const ended: Array<[string, Base]> = [];
    for (const sample of gone) {
      const base = staged.get(sample.path) ?? this.bases.get(sample.path);
      if (base && !seen.has(sample.path) && base.inode === sample.inode && base.endedMs === null) ended.push([sample.path, base]);
    }
    if (!this.reconciled) {
      for (const [path, base] of this.bases) if (!seen.has(path) && base.endedMs === null) ended.push([path, base]);
    }
    for (const [path, base] of ended) {
      const endedMs = base.counters.timestampMs;
      this.sql.lastSeenEnded.run(endedMs, path);
      if (base.containerKey !== null) this.sql.containerEnded.run(endedMs, base.containerKey);
      staged.set(path, { ...base, endedMs });
    }
    return ended.length;
  }

  /** Once per hour bucket: retention, and bases of incarnations that ended long enough ago. */
  private housekeeping(nowMs: number, staged: Map<string, Base | null>): void {
    const bucket = bucketOf(nowMs);
    if (bucket === this.lastHousekeepingBucket) return;
    const cutoff = bucketOf(nowMs - this.options.retentionMs);
    this.db.prepare('DELETE FROM usage_hourly WHERE hour_ms < ?').run(cutoff);
    this.db.prepare('DELETE FROM host_hourly WHERE hour_ms < ?').run(cutoff);
    // A container that ended before the cutoff has no rollup left (its last bucket is older).
    this.db.prepare('DELETE FROM containers WHERE ended_ms < ?').run(cutoff);
    const stale = this.db.prepare('SELECT path FROM last_seen WHERE ended_ms < ?').pluck().all(nowMs - ENDED_BASE_KEEP_MS) as string[];
    for (const path of stale) staged.set(path, null);
    this.db.prepare('DELETE FROM last_seen WHERE ended_ms < ?').run(nowMs - ENDED_BASE_KEEP_MS);
  }

  private forgetBasesAfterReboot(): void {
    // Counters and CLOCK_MONOTONIC restarted with the machine: no stored base can be continued.
    this.db.transaction(() => {
      const open = this.db.prepare('SELECT container_key, counters FROM last_seen WHERE ended_ms IS NULL AND container_key IS NOT NULL').all() as Array<{ container_key: number; counters: Uint8Array }>;
      for (const row of open) this.sql.containerEnded.run(decodeCounters(row.counters).timestampMs, row.container_key);
      this.db.prepare('DELETE FROM last_seen').run();
      this.db.prepare(`DELETE FROM meta WHERE key IN ('watching_since_ms', 'boot_id')`).run();
    })();
  }
}
