// The ledger's flags for `cgmeter serve` and the one place that turns them into settings. Kept apart
// from attach.ts (which loads better-sqlite3) so that the command line's help and the commands that
// only name the default path do not load the database.

import type { FlagSpec, ParsedArgs } from '../../cli/command.js';
import { UsageError } from '../../cli/units.js';
import type { RecordSettings } from './recorder.js';

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
