// Wiring of the ledger into a running CollectorService (`cgmeter serve`): its flags, the one place
// that turns them into settings, and the Snapshot listener. A failed write is logged and the tick is
// skipped; the next tick integrates across it from the unchanged base, so nothing is lost.

import type { FlagSpec, ParsedArgs } from '../../cli/command.js';
import { UsageError } from '../../cli/units.js';
import type { CollectorService } from '../service.js';
import { readHostFacts, type HostFacts } from './host-facts.js';
import { Ledger, type TickStats } from './ledger.js';
import { SampleRecorder, type RecordFilter, type RecordSettings, type RoundStats } from './recorder.js';

export const DEFAULT_LEDGER_PATH = '/var/lib/cgmeter/ledger.db';
export const DEFAULT_LEDGER_RETENTION = '90d';
/** Recorded Samples for `cgmeter top --replay`: a round every 10 s, kept 6 h (~16 MB at 100 containers, ~140 MB at 1,000: bench/ledger-bench.ts). */
export const DEFAULT_RECORD_INTERVAL = '10s';
export const DEFAULT_RECORD_RETENTION = '6h';

export const LEDGER_FLAGS: Record<string, FlagSpec> = {
  ledger: {
    type: 'string', placeholder: 'PATH', env: 'CGMETER_LEDGER', default: DEFAULT_LEDGER_PATH,
    description: 'accounting ledger (SQLite) that `cgmeter bill` reports from',
  },
  'no-ledger': { type: 'boolean', description: 'keep no accounting ledger' },
  'ledger-retention': {
    type: 'string', placeholder: 'DURATION', env: 'CGMETER_LEDGER_RETENTION', default: DEFAULT_LEDGER_RETENTION,
    description: 'how long hourly rollups are kept (e.g. 90d, 12w, 720h)',
  },
  'record-interval': {
    type: 'string', placeholder: 'DURATION|off', env: 'CGMETER_RECORD_INTERVAL', default: DEFAULT_RECORD_INTERVAL,
    description: 'how often the Samples of the exported cgroups (see --export) are recorded in the ledger for `cgmeter top --replay`; 0 or off records none',
  },
  'record-retention': {
    type: 'string', placeholder: 'DURATION', env: 'CGMETER_RECORD_RETENTION', default: DEFAULT_RECORD_RETENTION,
    description: 'how long recorded Samples are kept (e.g. 6h, 2d); older rounds are deleted as new ones are written',
  },
};

export interface LedgerSettings {
  readonly path: string;
  readonly retentionMs: number;
  /** Recorded Samples for replay; undefined: none (--record-interval off). */
  readonly record?: RecordSettings;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90d`, `12w`, `720h`, `30m`: retention periods are days, so days and weeks are accepted too. */
export function parseRetentionMs(text: string, flag = '--ledger-retention'): number {
  const ms = parseLongDurationMs(text, flag, 'forms like 90d, 12w, 720h');
  if (ms < 3_600_000) throw new UsageError(`${flag} must be at least 1h (rollups are hourly), got ${text}`);
  return ms;
}

function parseLongDurationMs(text: string, flag: string, forms: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!m) throw new UsageError(`${flag} ${JSON.stringify(text)} is not a duration; use ${forms}`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** A round a second is already 10× the default; faster than 100 ms is faster than any sampling. */
const MIN_RECORD_INTERVAL_MS = 100;

/** --record-interval and --record-retention; undefined when recording is off (`0`, `off`). */
export function recordSettingsFrom(intervalText: string, retentionText: string): RecordSettings | undefined {
  const off = ['0', 'off', '0s', '0ms'].includes(intervalText.trim().toLowerCase());
  if (off) return undefined;
  const intervalMs = parseLongDurationMs(intervalText, '--record-interval', 'forms like 10s, 1m, 500ms (or off)');
  if (intervalMs < MIN_RECORD_INTERVAL_MS) throw new UsageError(`--record-interval must be at least ${MIN_RECORD_INTERVAL_MS}ms (or off), got ${intervalText}`);
  const retentionMs = parseLongDurationMs(retentionText, '--record-retention', 'forms like 6h, 2d, 90m');
  if (retentionMs < 2 * intervalMs) {
    throw new UsageError(`--record-retention must be at least two --record-interval rounds (${(2 * intervalMs) / 1000}s), got ${retentionText}`);
  }
  return { intervalMs, retentionMs };
}

/** Settings from serve's flags; undefined with --no-ledger. */
export function ledgerSettingsFrom(args: ParsedArgs): LedgerSettings | undefined {
  if (args.values['no-ledger'] === true) return undefined;
  const v = args.values;
  const path = (v.ledger as string | undefined) ?? DEFAULT_LEDGER_PATH;
  if (path.trim() === '') throw new UsageError('--ledger needs a file path (or use --no-ledger)');
  const record = recordSettingsFrom((v['record-interval'] as string | undefined) ?? DEFAULT_RECORD_INTERVAL,
    (v['record-retention'] as string | undefined) ?? DEFAULT_RECORD_RETENTION);
  return {
    path, retentionMs: parseRetentionMs((v['ledger-retention'] as string | undefined) ?? DEFAULT_LEDGER_RETENTION),
    ...(record ? { record } : {}),
  };
}

export interface LedgerHandle {
  readonly ledger: Ledger;
  /** The last tick's figures and the count of failed writes (for health endpoints). */
  health(): {
    readonly last?: TickStats; readonly failedTicks: number; readonly lastError?: string;
    /** The last recorded round, and rounds that failed to be stored (the next one starts a new chain). */
    readonly lastRound?: RoundStats; readonly failedRounds: number;
  };
  close(): void;
}

export interface AttachOptions {
  /** Which Samples are recorded for replay (serve: its export filter); default every one. */
  readonly recordFilter?: RecordFilter;
}

function formatDuration(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * Opens the ledger and records every tick of `service`. Call before service.start(): the first tick
 * sets the base of every cgroup already running. Throws (nothing attached) when the ledger cannot be
 * opened, e.g. LedgerLockedError when another cgmeter writes it.
 */
export function attachLedger(
  service: CollectorService,
  settings: LedgerSettings,
  log: (message: string) => void,
  host: HostFacts = readHostFacts(service.collector.hierarchy.hostRoot),
  options: AttachOptions = {},
): LedgerHandle {
  const ledger = new Ledger({ path: settings.path, retentionMs: settings.retentionMs, host });
  let recorder: SampleRecorder | undefined;
  try {
    recorder = settings.record && new SampleRecorder(ledger.db, settings.record, options.recordFilter);
  } catch (err) {
    ledger.close();
    throw err;
  }
  let last: TickStats | undefined;
  let failedTicks = 0;
  let lastError: string | undefined;
  let lastRound: RoundStats | undefined;
  let failedRounds = 0;
  let closed = false;
  service.onSnapshots((snapshots, gone) => {
    if (closed) return;
    try {
      last = ledger.record(snapshots, gone);
    } catch (err) {
      failedTicks++;
      lastError = String((err as Error)?.message ?? err);
      // One line per failure would flood the log at one tick a second while a disk is full.
      if (failedTicks === 1 || failedTicks % 60 === 0) log(`ledger: write failed (${failedTicks} ticks so far), will integrate across it: ${lastError}`);
    }
    if (!recorder) return;
    // Apart from the billing tick: a round that cannot be stored costs the replay one round, not the bill.
    try {
      lastRound = recorder.record(snapshots) ?? lastRound;
    } catch (err) {
      failedRounds++;
      if (failedRounds === 1 || failedRounds % 60 === 0) log(`ledger: recording Samples failed (${failedRounds} rounds so far): ${String((err as Error)?.message ?? err)}`);
    }
  });
  const recording = settings.record
    ? `Samples recorded every ${formatDuration(settings.record.intervalMs)} and kept ${formatDuration(settings.record.retentionMs)} (cgmeter top --replay)`
    : 'no Samples recorded (--record-interval off)';
  log(`ledger: ${settings.path}, hourly rollups kept ${Math.round(settings.retentionMs / 86_400_000)} days; ${recording}`);
  return {
    ledger,
    health: () => ({ last, failedTicks, lastError, lastRound, failedRounds }),
    close() {
      closed = true;
      ledger.close();
    },
  };
}
