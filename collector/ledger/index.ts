// The accounting ledger: per-container hourly usage in SQLite, crash-safe (see ledger.ts, schema.ts).
export { Ledger, type LedgerOptions, type TickStats } from './ledger.js';
export {
  attachLedger, ledgerSettingsFrom, recordSettingsFrom, parseRetentionMs, LEDGER_FLAGS, DEFAULT_LEDGER_PATH,
  type AttachOptions, type LedgerHandle, type LedgerSettings,
} from './attach.js';
export { SampleRecorder, KEY_ROUND_EVERY, type RecordSettings, type RecordFilter, type RoundStats } from './recorder.js';
export { LedgerHistorySource, LedgerHistoryError } from './history.js';
export { readHostFacts, countCpuList, parseMeminfo, type HostFacts, type HostMemory } from './host-facts.js';
export { integrate, accumulate, emptyUsage, ADDITIVE_FIELDS, PEAK_FIELDS, type UsageDelta, type IntervalStep } from './integrate.js';
export { countersOf, countersAtCreation, type LedgerCounters } from './counters.js';
export { splitInterval, bucketOf, HOUR_MS } from './buckets.js';
export { openLedgerReadOnly, USAGE_COLUMNS, LedgerLockedError, LedgerVersionError, SCHEMA_VERSION } from './schema.js';
