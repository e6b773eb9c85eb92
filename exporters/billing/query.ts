// One path from a request (CLI flags or HTTP query parameters) to a rendered report, so that
// `cgmeter bill` and GET /api/v1/billing give the same answer to the same question.

import { toJson } from '../../cli/units.js';
import { loadLedgerUsage } from './ledger-source.js';
import { parseBasis, parseGroupBy, ReportInputError } from './pricing.js';
import { loadPrometheusUsage, type PrometheusSourceOptions } from './prometheus-source.js';
import type { RateCard } from './rate-card.js';
import { renderHtml } from './render-html.js';
import { renderCsv, renderTableText } from './render-text.js';
import { buildReport, type BillingReport } from './report.js';
import { parseTimeRange } from './time-range.js';

export type BillingSource =
  | { readonly kind: 'ledger'; readonly path: string }
  | ({ readonly kind: 'prometheus' } & PrometheusSourceOptions);

export interface BillParams {
  readonly from?: string;
  readonly to?: string;
  readonly by?: string;
  readonly basis?: string;
}

export type ReportFormat = 'table' | 'csv' | 'json' | 'html';
export const FORMATS: readonly ReportFormat[] = ['table', 'csv', 'json', 'html'];

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  table: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

export function parseFormat(text: string): ReportFormat {
  if ((FORMATS as readonly string[]).includes(text)) return text as ReportFormat;
  throw new ReportInputError(`--format ${JSON.stringify(text)}: use ${FORMATS.join(', ')}`);
}

export async function billingReport(source: BillingSource, params: BillParams, rateCard: RateCard | undefined, nowMs = Date.now()): Promise<BillingReport> {
  const { fromMs, toMs } = parseTimeRange(params.from, params.to, nowMs);
  const by = parseGroupBy(params.by ?? 'container');
  const basis = parseBasis(params.basis ?? 'usage');
  const data = source.kind === 'ledger'
    ? loadLedgerUsage(source.path, fromMs, toMs)
    : await loadPrometheusUsage(source, fromMs, toMs);
  return buildReport(data, { by, basis, rateCard, requestedFromMs: fromMs, requestedToMs: toMs, nowMs });
}

export function renderReport(report: BillingReport, format: ReportFormat): string {
  switch (format) {
    case 'table': return `${renderTableText(report)}\n`;
    case 'csv': return renderCsv(report);
    case 'json': return `${toJson(report)}\n`;
    case 'html': return renderHtml(report);
  }
}
