// The ledger's SQLite file: pragmas, tables, and the single-writer lock.
//
// journal_mode=WAL: a report (`cgmeter bill`, the HTTP API) reads while serve writes, and a commit
// is one append to the WAL. synchronous=NORMAL: in WAL mode a commit has been write()n to the WAL
// before it returns, so a killed process (kill -9, OOM) loses nothing that committed, and recovery
// replays or discards whole transactions. Only an OS crash or power loss can drop the last commits,
// and then increments and the per-incarnation base roll back together (they share a transaction),
// so the next reading integrates across the lost interval from the older base: nothing is counted
// twice and, for cumulative counters, nothing is lost. FULL would fsync the WAL on every tick (once a
// second) for no gain in correctness.

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * 1: the billing tables. 2: `sample_rounds`, recorded Samples for `cgmeter top --replay` (a table
 * added, nothing changed: a version-1 file is migrated in place when serve opens it, and readers of
 * the billing tables read either version).
 */
export const SCHEMA_VERSION = 2;
/** The oldest version whose billing tables this cgmeter reads. */
const OLDEST_READABLE_VERSION = 1;

/** Columns of a rollup row, in UsageDelta order (see integrate.ts), with units in their names. */
export const USAGE_COLUMNS = {
  cpuCoreSeconds: 'cpu_core_s',
  cpuLimitCoreSeconds: 'cpu_limit_core_s',
  cpuMaxCoreSeconds: 'cpu_max_core_s',
  cpuUnlimitedSeconds: 'cpu_unlimited_s',
  memoryByteSeconds: 'mem_byte_s',
  workingSetByteSeconds: 'ws_byte_s',
  memoryLimitByteSeconds: 'mem_limit_byte_s',
  memoryMaxByteSeconds: 'mem_max_byte_s',
  workingSetMaxByteSeconds: 'ws_max_byte_s',
  memoryUnlimitedSeconds: 'mem_unlimited_s',
  memoryPeakBytes: 'mem_peak_bytes',
  workingSetPeakBytes: 'ws_peak_bytes',
  ioReadBytes: 'io_read_bytes',
  ioWriteBytes: 'io_write_bytes',
  ioReadOps: 'io_read_ops',
  ioWriteOps: 'io_write_ops',
  netRxBytes: 'net_rx_bytes',
  netTxBytes: 'net_tx_bytes',
  aliveSeconds: 'alive_s',
} as const;

const usageColumnsDdl = Object.values(USAGE_COLUMNS).map((c) => `${c} REAL NOT NULL DEFAULT 0`).join(', ');

const DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS containers (
  key INTEGER PRIMARY KEY,
  runtime TEXT NOT NULL, container_id TEXT NOT NULL,
  name TEXT NOT NULL, image TEXT, labels_json TEXT NOT NULL DEFAULT '{}',
  pod TEXT, pod_uid TEXT, namespace TEXT, container_name TEXT,
  cgroup_path TEXT NOT NULL,
  created_ms REAL, first_sample_ms REAL NOT NULL,
  ended_ms REAL,
  from_creation INTEGER NOT NULL DEFAULT 0,
  kind TEXT NOT NULL DEFAULT 'container',
  resets INTEGER NOT NULL DEFAULT 0,
  UNIQUE (runtime, container_id)
);
CREATE TABLE IF NOT EXISTS usage_hourly (
  hour_ms INTEGER NOT NULL, container_key INTEGER NOT NULL, samples INTEGER NOT NULL DEFAULT 0,
  ${usageColumnsDdl},
  PRIMARY KEY (hour_ms, container_key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS host_hourly (
  hour_ms INTEGER PRIMARY KEY, samples INTEGER NOT NULL DEFAULT 0,
  covered_s REAL NOT NULL DEFAULT 0, cpu_count REAL, mem_total_bytes REAL,
  cpu_capacity_core_s REAL NOT NULL DEFAULT 0, mem_capacity_byte_s REAL NOT NULL DEFAULT 0,
  ${usageColumnsDdl}
);
CREATE TABLE IF NOT EXISTS last_seen (
  id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, inode INTEGER NOT NULL, identity_id TEXT NOT NULL,
  container_key INTEGER, ended_ms REAL, counters BLOB NOT NULL
);
-- One row per recorded round (recorder.ts, round-codec.ts): round_ms is the rowid, so rounds are
-- stored in time order and found by range; key_ms is the key round the row's chain starts at.
CREATE TABLE IF NOT EXISTS sample_rounds (
  round_ms INTEGER PRIMARY KEY, key_ms INTEGER NOT NULL, cgroups INTEGER NOT NULL, body BLOB NOT NULL
);
`;

export interface OpenedDatabase {
  readonly db: Database.Database;
  /** Released when the ledger closes or the process dies. */
  readonly lock: Database.Database;
}

export class LedgerLockedError extends Error {
  override readonly name = 'LedgerLockedError';
}

/**
 * Two writers on one ledger would both add every interval. The lock is an open exclusive
 * transaction on `<path>-lock`: an fcntl lock the kernel drops when the process dies, even by
 * kill -9, so a restarted serve takes it over at once and a second one is refused.
 */
function takeWriterLock(path: string): Database.Database {
  const lock = new Database(`${path}-lock`, { timeout: 0 });
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('CREATE TABLE IF NOT EXISTS writer (pid INTEGER)');
    lock.exec('BEGIN EXCLUSIVE');
    lock.prepare('DELETE FROM writer').run();
    lock.prepare('INSERT INTO writer (pid) VALUES (?)').run(process.pid);
  } catch (err) {
    lock.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      throw new LedgerLockedError(`the ledger ${path} is in use by another cgmeter (its lock ${path}-lock is held); use another --ledger path or stop the other one`);
    }
    throw err;
  }
  return lock;
}

export function openLedgerDatabase(path: string): OpenedDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const lock = path === ':memory:' ? new Database(':memory:') : takeWriterLock(path);
  const db = new Database(path, { timeout: 5000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const hasMeta = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'`).get() !== undefined;
    const version = hasMeta ? readVersion(db) : undefined;
    if (version !== undefined && !(Number(version) >= OLDEST_READABLE_VERSION && Number(version) <= SCHEMA_VERSION)) {
      throw new Error(`ledger ${path} has schema version ${version}; this cgmeter reads versions ${OLDEST_READABLE_VERSION} to ${SCHEMA_VERSION} (a newer cgmeter wrote it?)`);
    }
    // Every table is CREATE IF NOT EXISTS, so the DDL is also the migration: an older file gets the
    // tables it lacks, then its version. A crash in between leaves the old version with the new
    // tables, which the next start completes the same way.
    db.exec(DDL);
    db.prepare(`INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(String(SCHEMA_VERSION));
  } catch (err) {
    db.close();
    lock.close();
    throw err;
  }
  return { db, lock };
}

function readVersion(db: Database.Database): string | undefined {
  return db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).pluck().get() as string | undefined;
}

/**
 * A reader's connection (reports, replay): never takes the writer lock, never creates the file.
 * Any version from `minVersion` to this cgmeter's is read (the billing tables are the same in all).
 */
export function openLedgerReadOnly(path: string, minVersion = OLDEST_READABLE_VERSION): Database.Database {
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: 5000 });
  let version: string | undefined;
  try {
    version = readVersion(db);
  } catch (err) {
    // No meta table, or not an SQLite file at all: not a ledger, said below.
    const code = (err as { code?: string }).code;
    if (code !== 'SQLITE_ERROR' && code !== 'SQLITE_NOTADB') {
      db.close();
      throw err;
    }
  }
  const n = Number(version);
  if (!(n >= minVersion && n <= SCHEMA_VERSION)) {
    db.close();
    const wanted = minVersion === SCHEMA_VERSION ? `${SCHEMA_VERSION}` : `${minVersion} to ${SCHEMA_VERSION}`;
    throw new LedgerVersionError(`${path} is not a cgmeter ledger of schema version ${wanted} (found ${version ?? 'none'})`, version === undefined ? undefined : n);
  }
  return db;
}

export class LedgerVersionError extends Error {
  override readonly name = 'LedgerVersionError';
  constructor(message: string, readonly foundVersion: number | undefined) {
    super(message);
  }
}
