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
}

export class LedgerStatements {
  private readonly usageUpsert: Database.Statement;
  private readonly hostUpsert: Database.Statement;
  private readonly lastSeenUpsert: Database.Statement;
  private readonly containerUpsert: Database.Statement;
  readonly lastSeenEnded: Database.Statement;
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
      `INSERT INTO last_seen (path, inode, identity_id, container_key, ended_ms, counters_json) VALUES (?, ?, ?, ?, NULL, ?)
       ON CONFLICT (path) DO UPDATE SET inode = excluded.inode, identity_id = excluded.identity_id,
         container_key = excluded.container_key, ended_ms = NULL, counters_json = excluded.counters_json`,
    );
    // Identity can grow after the first sample (engine metadata arrives later): the newest wins;
    // when and how the container was first metered stays as first recorded.
    this.containerUpsert = db.prepare(
      `INSERT INTO containers (runtime, container_id, name, image, labels_json, pod, pod_uid, namespace, container_name,
         cgroup_path, created_ms, first_sample_ms, from_creation)
       VALUES (@runtime, @containerId, @name, @image, @labelsJson, @pod, @podUid, @namespace, @containerName,
         @cgroupPath, @createdMs, @firstSampleMs, @fromCreation)
       ON CONFLICT (runtime, container_id) DO UPDATE SET name = excluded.name, image = coalesce(excluded.image, image),
         labels_json = excluded.labels_json, pod = coalesce(excluded.pod, pod), pod_uid = coalesce(excluded.pod_uid, pod_uid),
         namespace = coalesce(excluded.namespace, namespace), container_name = coalesce(excluded.container_name, container_name),
         cgroup_path = excluded.cgroup_path, ended_ms = NULL
       RETURNING key`,
    );
    this.lastSeenEnded = db.prepare('UPDATE last_seen SET ended_ms = ? WHERE path = ? AND ended_ms IS NULL');
    this.containerEnded = db.prepare('UPDATE containers SET ended_ms = ? WHERE key = ?');
    this.containerResets = db.prepare('UPDATE containers SET resets = resets + ? WHERE key = ?');
    this.metaSet = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.metaGet = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
    this.allLastSeen = db.prepare('SELECT path, inode, identity_id, container_key, ended_ms, counters_json FROM last_seen');
  }

  addUsage(hourMs: number, containerKey: number, samples: number, usage: UsageDelta): void {
    this.usageUpsert.run(hourMs, containerKey, samples, ...ALL_FIELDS.map((f) => usage[f]));
  }

  addHost(hourMs: number, samples: number, coveredSeconds: number, cpuCount: number, memTotalBytes: number, usage: UsageDelta): void {
    this.hostUpsert.run(hourMs, samples, coveredSeconds, cpuCount, memTotalBytes,
      cpuCount * coveredSeconds, memTotalBytes * coveredSeconds, ...ALL_FIELDS.map((f) => usage[f]));
  }

  saveBase(path: string, inode: number, identityId: string, containerKey: number | null, counters: LedgerCounters): void {
    this.lastSeenUpsert.run(path, inode, identityId, containerKey, encodeCounters(counters));
  }

  upsertContainer(row: ContainerRow): number {
    return (this.containerUpsert.get(row) as { key: number }).key;
  }
}

/** JSON with the kernel's word for unlimited, since JSON has no Infinity. */
export function encodeCounters(counters: LedgerCounters): string {
  return JSON.stringify(counters, (_k, v) => (v === Infinity ? 'max' : v));
}

export function decodeCounters(text: string): LedgerCounters {
  return JSON.parse(text, (_k, v) => (v === 'max' ? Infinity : v)) as LedgerCounters;
}
