// Wiring of the ledger into a running CollectorService (`cgmeter serve`): its flags, the one place
// that turns them into settings, and the Snapshot listener. A failed write is logged and the tick is
// skipped; the next tick integrates across it from the unchanged base, so nothing is lost.

import type { FlagSpec, ParsedArgs } from '../../cli/command.js';
import { UsageError } from '../../cli/units.js';
import type { CollectorService } from '../service.js';
import { readHostFacts, type HostFacts } from './host-facts.js';
import { Ledger, type TickStats } from './ledger.js';

export const DEFAULT_LEDGER_PATH = '/var/lib/cgmeter/ledger.db';
export const DEFAULT_LEDGER_RETENTION = '90d';

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
};

export interface LedgerSettings {
  readonly path: string;
  readonly retentionMs: number;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90d`, `12w`, `720h`, `30m`: retention periods are days, so days and weeks are accepted too. */
export function parseRetentionMs(text: string, flag = '--ledger-retention'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!m) throw new UsageError(`${flag} ${JSON.stringify(text)} is not a duration; use forms like 90d, 12w, 720h`);
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  if (ms < 3_600_000) throw new UsageError(`${flag} must be at least 1h (rollups are hourly), got ${text}`);
  return ms;
}

/** Settings from serve's flags; undefined with --no-ledger. */
export function ledgerSettingsFrom(args: ParsedArgs): LedgerSettings | undefined {
  if (args.values['no-ledger'] === true) return undefined;
  const path = (args.values.ledger as string | undefined) ?? DEFAULT_LEDGER_PATH;
  if (path.trim() === '') throw new UsageError('--ledger needs a file path (or use --no-ledger)');
  return { path, retentionMs: parseRetentionMs((args.values['ledger-retention'] as string | undefined) ?? DEFAULT_LEDGER_RETENTION) };
}

export interface LedgerHandle {
  readonly ledger: Ledger;
  /** The last tick's figures and the count of failed writes (for health endpoints). */
  health(): { readonly last?: TickStats; readonly failedTicks: number; readonly lastError?: string };
  close(): void;
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
): LedgerHandle {
  const ledger = new Ledger({ path: settings.path, retentionMs: settings.retentionMs, host });
  let last: TickStats | undefined;
  let failedTicks = 0;
  let lastError: string | undefined;
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
  });
  log(`ledger: ${settings.path}, hourly rollups kept ${Math.round(settings.retentionMs / 86_400_000)} days`);
  return {
    ledger,
    health: () => ({ last, failedTicks, lastError }),
    close() {
      closed = true;
      ledger.close();
    },
  };
}
