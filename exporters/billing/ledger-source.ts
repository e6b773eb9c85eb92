// Reads the local ledger's hourly rollups for a window (read-only: serve may be writing; WAL lets
// both proceed).

import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { HOUR_MS } from '../../collector/ledger/buckets.js';
import { ADDITIVE_FIELDS, PEAK_FIELDS, emptyUsage, type UsageDelta } from '../../collector/ledger/integrate.js';
import { openLedgerReadOnly, USAGE_COLUMNS } from '../../collector/ledger/schema.js';
import type { ContainerInfo, HostRow, UsageData, UsageRow } from './usage-data.js';

const FIELDS = [...ADDITIVE_FIELDS, ...PEAK_FIELDS];
const SELECT_USAGE = FIELDS.map((f) => `${USAGE_COLUMNS[f]} AS ${f}`).join(', ');

function usageOf(row: Record<string, unknown>): UsageDelta {
  const usage = emptyUsage();
  for (const f of FIELDS) usage[f] = (row[f] as number | null) ?? 0;
  return usage;
}

const orUndefined = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

/** Rollups of the hour buckets that overlap [fromMs, toMs). */
export function readLedgerUsage(db: Database.Database, fromMs: number, toMs: number): UsageData {
  const firstBucket = Math.floor(fromMs / HOUR_MS) * HOUR_MS;
  const usageRows = db.prepare(`SELECT hour_ms, container_key, samples, ${SELECT_USAGE} FROM usage_hourly WHERE hour_ms >= ? AND hour_ms < ? ORDER BY hour_ms`)
    .all(firstBucket, toMs) as Array<Record<string, unknown>>;
  const usage: UsageRow[] = usageRows.map((r) => ({
    containerKey: String(r.container_key), bucketMs: r.hour_ms as number, samples: r.samples as number, usage: usageOf(r),
  }));
  const keys = [...new Set(usageRows.map((r) => r.container_key as number))];
  const containers = new Map<string, ContainerInfo>();
  const byKey = db.prepare('SELECT * FROM containers WHERE key = ?');
  for (const key of keys) {
    const c = byKey.get(key) as Record<string, unknown> | undefined;
    if (!c) continue;
    containers.set(String(key), {
      key: String(key), runtime: c.runtime as string, containerId: c.container_id as string, name: c.name as string,
      image: orUndefined(c.image as string | null), labels: JSON.parse(c.labels_json as string) as Record<string, string>,
      pod: orUndefined(c.pod as string | null), podUid: orUndefined(c.pod_uid as string | null),
      namespace: orUndefined(c.namespace as string | null), cgroupPath: c.cgroup_path as string,
      createdMs: orUndefined(c.created_ms as number | null), firstSampleMs: c.first_sample_ms as number,
      endedMs: orUndefined(c.ended_ms as number | null), fromCreation: c.from_creation === 1, resets: c.resets as number,
      kind: c.kind === 'pod' ? 'pod' : 'container',
    });
  }
  const hostRows = db.prepare(`SELECT hour_ms, covered_s, cpu_capacity_core_s, mem_capacity_byte_s, ${SELECT_USAGE} FROM host_hourly WHERE hour_ms >= ? AND hour_ms < ? ORDER BY hour_ms`)
    .all(firstBucket, toMs) as Array<Record<string, unknown>>;
  const hosts: HostRow[] = hostRows.map((r) => ({
    bucketMs: r.hour_ms as number, coveredSeconds: r.covered_s as number,
    cpuCapacityCoreSeconds: r.cpu_capacity_core_s as number, memoryCapacityByteSeconds: r.mem_capacity_byte_s as number,
    usage: usageOf(r), ioKnown: true,
  }));
  return { source: 'ledger', bucketMs: HOUR_MS, containers, usage, hosts, notes: [] };
}

export class LedgerNotFoundError extends Error {
  override readonly name = 'LedgerNotFoundError';
}

export function loadLedgerUsage(path: string, fromMs: number, toMs: number): UsageData {
  // A reader never creates the file: no ledger means serve has not run with it (or --ledger is wrong).
  if (!existsSync(path)) throw new LedgerNotFoundError(`no ledger at ${path}: \`cgmeter serve\` writes it (see its --ledger), or point --ledger at its file`);
  const db = openLedgerReadOnly(path);
  try {
    return readLedgerUsage(db, fromMs, toMs);
  } finally {
    db.close();
  }
}
