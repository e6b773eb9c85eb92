// The ledger's prepared statements, and the codec of the per-incarnation base it keeps in last_seen.
// Increments are UPSERTs that add (peaks take the max), so one tick's rows can be written in any
// order and a bucket written by several ticks sums them.

import type Database from 'better-sqlite3';
import type { LedgerCounters } from './counters.js';
import { ADDITIVE_FIELDS, PEAK_FIELDS, type UsageDelta } from './integrate.js';
import { USAGE_COLUMNS } from './schema.js';

const ADDITIVE_COLUMNS = ADDITIVE_FIELDS.map((f) => USAGE_COLUMNS[f]);
const PEAK_COLUMNS = PEAK_FIELDS.map((f) => USAGE_COLUMNS[f]);
const ALL_FIELDS = [...ADDITIVE_FIELDS, ...PEAK_FIELDS] as const;
const ALL_COLUMNS = [...ADDITIVE_COLUMNS, ...PEAK_COLUMNS];

const addSet = (columns: readonly string[]) => columns.map((c) => `${c} = ${c} + excluded.${c}`).join(', ');
const maxSet = (columns: readonly string[]) => columns.map((c) => `${c} = max(${c}, excluded.${c})`).join(', ');

export interface ContainerRow {
  readonly runtime: string;
  readonly containerId: string;
  readonly name: string;
  readonly image: string | null;
  readonly labelsJson: string;
  readonly pod: string | null;
  readonly podUid: string | null;
  readonly namespace: string | null;
  readonly containerName: string | null;
  readonly cgroupPath: string;
  readonly createdMs: number | null;
  readonly firstSampleMs: number;
  readonly fromCreation: number;
  /** 'pod' for a pod's network-only row. */
  readonly kind: 'container' | 'pod';
}

export class LedgerStatements {
  private readonly usageUpsert: Database.Statement;
  private readonly hostUpsert: Database.Statement;
  private readonly lastSeenUpsert: Database.Statement;
  private readonly lastSeenMove: Database.Statement;
  private readonly containerUpsert: Database.Statement;
  readonly lastSeenEnded: Database.Statement;
  readonly lastSeenResumed: Database.Statement;
  readonly containerEnded: Database.Statement;
  readonly containerResets: Database.Statement;
  readonly metaSet: Database.Statement;
  readonly metaGet: Database.Statement;
  readonly allLastSeen: Database.Statement;

  constructor(db: Database.Database) {
    const values = ALL_COLUMNS.map(() => '?').join(', ');
    this.usageUpsert = db.prepare(
      `INSERT INTO usage_hourly (hour_ms, container_key, samples, ${ALL_COLUMNS.join(', ')}) VALUES (?, ?, ?, ${values})
       ON CONFLICT (hour_ms, container_key) DO UPDATE SET samples = samples + excluded.samples, ${addSet(ADDITIVE_COLUMNS)}, ${maxSet(PEAK_COLUMNS)}`,
    );
    this.hostUpsert = db.prepare(
      `INSERT INTO host_hourly (hour_ms, samples, covered_s, cpu_count, mem_total_bytes, cpu_capacity_core_s, mem_capacity_byte_s, ${ALL_COLUMNS.join(', ')})
       VALUES (?, ?, ?, ?, ?, ?, ?, ${values})
       ON CONFLICT (hour_ms) DO UPDATE SET samples = samples + excluded.samples, covered_s = covered_s + excluded.covered_s,
         cpu_count = excluded.cpu_count, mem_total_bytes = excluded.mem_total_bytes,
         cpu_capacity_core_s = cpu_capacity_core_s + excluded.cpu_capacity_core_s,
         mem_capacity_byte_s = mem_capacity_byte_s + excluded.mem_capacity_byte_s,
         ${addSet(ADDITIVE_COLUMNS)}, ${maxSet(PEAK_COLUMNS)}`,
    );
    this.lastSeenUpsert = db.prepare(
      `INSERT INTO last_seen (path, inode, identity_id, container_key, ended_ms, counters) VALUES (?, ?, ?, ?, NULL, ?)
       ON CONFLICT (path) DO UPDATE SET inode = excluded.inode, identity_id = excluded.identity_id,
         container_key = excluded.container_key, ended_ms = NULL, counters = excluded.counters
       RETURNING id`,
    );
    this.lastSeenMove = db.prepare('UPDATE last_seen SET counters = ? WHERE id = ?');
    // Identity can grow after the first sample (engine metadata arrives later): the newest wins;
    // when and how the container was first metered stays as first recorded.
    this.containerUpsert = db.prepare(
      `INSERT INTO containers (runtime, container_id, name, image, labels_json, pod, pod_uid, namespace, container_name,
         cgroup_path, created_ms, first_sample_ms, from_creation, kind)
       VALUES (@runtime, @containerId, @name, @image, @labelsJson, @pod, @podUid, @namespace, @containerName,
         @cgroupPath, @createdMs, @firstSampleMs, @fromCreation, @kind)
       ON CONFLICT (runtime, container_id) DO UPDATE SET name = excluded.name, image = coalesce(excluded.image, image),
         labels_json = excluded.labels_json, pod = coalesce(excluded.pod, pod), pod_uid = coalesce(excluded.pod_uid, pod_uid),
         namespace = coalesce(excluded.namespace, namespace), container_name = coalesce(excluded.container_name, container_name),
         cgroup_path = excluded.cgroup_path, ended_ms = NULL
       RETURNING key`,
    );
    this.lastSeenEnded = db.prepare('UPDATE last_seen SET ended_ms = ? WHERE path = ? AND ended_ms IS NULL');
    this.lastSeenResumed = db.prepare('UPDATE last_seen SET ended_ms = NULL WHERE id = ?');
    this.containerEnded = db.prepare('UPDATE containers SET ended_ms = ? WHERE key = ?');
    this.containerResets = db.prepare('UPDATE containers SET resets = resets + ? WHERE key = ?');
    this.metaSet = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.metaGet = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
    this.allLastSeen = db.prepare('SELECT id, path, inode, identity_id, container_key, ended_ms, counters FROM last_seen');
  }

  /** Parameters in one reused array: this runs once per container per tick. */
  private readonly usageParams = new Array<number>(3 + ALL_FIELDS.length);

  addUsage(hourMs: number, containerKey: number, samples: number, usage: UsageDelta): void {
    const p = this.usageParams;
    p[0] = hourMs;
    p[1] = containerKey;
    p[2] = samples;
    for (let i = 0; i < ALL_FIELDS.length; i++) p[3 + i] = usage[ALL_FIELDS[i]!];
    this.usageUpsert.run(p);
  }

  addHost(hourMs: number, samples: number, coveredSeconds: number, cpuCount: number, memTotalBytes: number, usage: UsageDelta): void {
    this.hostUpsert.run(hourMs, samples, coveredSeconds, cpuCount, memTotalBytes,
      cpuCount * coveredSeconds, memTotalBytes * coveredSeconds, ...ALL_FIELDS.map((f) => usage[f]));
  }

  /** Stores a new incarnation's base; returns its row id for moveBase. */
  insertBase(path: string, inode: number, identityId: string, containerKey: number | null, counters: LedgerCounters): number {
    return (this.lastSeenUpsert.get(path, inode, identityId, containerKey, encodeCounters(counters)) as { id: number }).id;
  }

  /** Moves a known incarnation's base: the per-tick write, by integer key, one column. */
  moveBase(rowId: number, counters: LedgerCounters): void {
    this.lastSeenMove.run(encodeCounters(counters), rowId);
  }

  upsertContainer(row: ContainerRow): number {
    return (this.containerUpsert.get(row) as { key: number }).key;
  }
}

/** Field order of the encoded base; append only (stored rows are decoded by position). */
const COUNTER_FIELDS = [
  'monotonicMs', 'timestampMs', 'cpuSeconds', 'memoryUsageBytes', 'workingSetBytes', 'memoryLimitBytes', 'cpuLimitCores',
  'ioReadBytes', 'ioWriteBytes', 'ioReadOps', 'ioWriteOps', 'netnsInode', 'netRxBytes', 'netTxBytes',
] as const satisfies ReadonlyArray<keyof LedgerCounters>;

const encodeScratch = new Float64Array(COUNTER_FIELDS.length);
const encodeView = Buffer.from(encodeScratch.buffer);

/**
 * A base as a BLOB of float64s by position, NaN for unknown (Infinity stays Infinity: unlimited).
 * Written once per container per tick: binary keeps it exact and avoids number-to-text formatting,
 * the costliest part of a text encoding. The returned Buffer is reused: bind it before the next call.
 */
export function encodeCounters(counters: LedgerCounters): Buffer {
  for (let i = 0; i < COUNTER_FIELDS.length; i++) encodeScratch[i] = counters[COUNTER_FIELDS[i]!] ?? NaN;
  return encodeView;
}

export function decodeCounters(blob: Uint8Array): LedgerCounters {
  const values = new Float64Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
  const out: Record<string, number> = {};
  COUNTER_FIELDS.forEach((field, i) => {
    const v = values[i];
    if (v !== undefined && !Number.isNaN(v)) out[field] = v;
  });
  return out as unknown as LedgerCounters;
}
