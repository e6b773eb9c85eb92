// Wiring of the ledger into a running CollectorService (`cgmeter serve`): the Snapshot listener (its
// flags and settings: flags.ts). A failed write is logged and the tick is
// skipped; the next tick integrates across it from the unchanged base, so nothing is lost.

import type { CollectorService } from '../service.js';
import { readHostFacts, type HostFacts } from './host-facts.js';
import { Ledger, type TickStats } from './ledger.js';
import { SampleRecorder, type RecordFilter, type RoundStats } from './recorder.js';
import type { LedgerSettings } from './flags.js';

export {
  DEFAULT_LEDGER_PATH, DEFAULT_LEDGER_RETENTION, DEFAULT_RECORD_INTERVAL, DEFAULT_RECORD_RETENTION, LEDGER_FLAGS,
  parseRetentionMs, recordSettingsFrom, ledgerSettingsFrom, type LedgerSettings,
} from './flags.js';

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
