// Billing reports from the ledger or from Prometheus: model, rate card, renderers.
export { buildReport, type BillingReport, type ReportRow, type ReportContainer, type ReportOptions } from './report.js';
export { billingReport, renderReport, parseFormat, FORMATS, CONTENT_TYPES, type BillingSource, type BillParams, type ReportFormat } from './query.js';
export { loadRateCard, parseRateCard, validateRateCard, RateCardError, NO_PRICES, type RateCard, type MemoryMetric } from './rate-card.js';
export { parseBasis, parseGroupBy, ReportInputError, BASES, type Basis, type GroupBy } from './pricing.js';
export { parseTimeMs, parseTimeRange } from './time-range.js';
export { loadLedgerUsage, readLedgerUsage, LedgerNotFoundError } from './ledger-source.js';
export { loadPrometheusUsage, type PrometheusSourceOptions } from './prometheus-source.js';
export { PrometheusQueryError } from './prometheus-client.js';
export type { UsageData, ContainerInfo, UsageRow, HostRow } from './usage-data.js';
