// GET /api/v1/billing?from=&to=&by=&basis=&format=: the `cgmeter bill` report over HTTP, built by the
// same code (exporters/billing/query.ts) from the ledger serve writes. JSON unless format= says csv,
// html or table. A bad parameter is a 400 whose message says what would be right.

import type { Hono } from 'hono';
import { billingReport, CONTENT_TYPES, LedgerNotFoundError, parseFormat, renderReport, RateCardError, ReportInputError, type RateCard } from '../billing/index.js';

export interface BillingRouteDeps {
  /** The ledger file `serve` writes (opened read-only per request). */
  readonly ledgerPath: string;
  /** Prices from serve's --rate-card, if any. */
  readonly rateCard?: RateCard;
  readonly now?: () => number;
}

export function registerBillingRoutes(app: Hono, deps: BillingRouteDeps): void {
  app.get('/api/v1/billing', async (c) => {
    const q = (name: string) => c.req.query(name) || undefined;
    try {
      const format = parseFormat(q('format') ?? 'json');
      const report = await billingReport({ kind: 'ledger', path: deps.ledgerPath },
        { from: q('from'), to: q('to'), by: q('by'), basis: q('basis') }, deps.rateCard, deps.now?.() ?? Date.now());
      return c.body(renderReport(report, format), 200, { 'content-type': CONTENT_TYPES[format] });
    } catch (err) {
      if (err instanceof ReportInputError || err instanceof RateCardError) return c.json({ error: err.message }, 400);
      if (err instanceof LedgerNotFoundError) return c.json({ error: `no ledger at ${deps.ledgerPath} yet` }, 503);
      throw err;
    }
  });
}
