// --replay's source of recorded Samples: the ledger `cgmeter serve` writes, opened read-only (serve
// may be writing it meanwhile). The reading itself is the ledger's (collector/ledger/history.ts);
// this file only binds it to the dashboard's SnapshotHistorySource.

import { LedgerHistorySource } from '../../collector/ledger/history.js';
import type { SnapshotHistorySource } from './history-source.js';

export { LedgerHistoryError } from '../../collector/ledger/history.js';

/** Throws LedgerHistoryError (missing file, not a ledger, a ledger from before recording). */
export function openLedgerHistory(path: string): SnapshotHistorySource {
  return LedgerHistorySource.open(path);
}
