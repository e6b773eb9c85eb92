// The work of `cgmeter bill` (flags and help: bill.ts): the report from the ledger or Prometheus.

import { writeFileSync } from 'node:fs';
import type { ParsedArgs } from '../command.js';
import { UsageError, parseDurationMs } from '../units.js';
import { DEFAULT_LEDGER_PATH } from '../../collector/ledger/flags.js';
import {
  billingReport, loadRateCard, parseFormat, renderReport, RateCardError, ReportInputError, PrometheusQueryError, LedgerNotFoundError,
  type BillingSource,
} from '../../exporters/billing/index.js';

export async function runBill(args: ParsedArgs): Promise<number> {
  const v = args.values;
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])} (see cgmeter bill --help)`);
  try {
    const format = parseFormat((v.format as string | undefined) ?? 'table');
    const rateCard = v['rate-card'] === undefined ? undefined : loadRateCard(v['rate-card'] as string);
    const source: BillingSource = v.prometheus === undefined
      ? { kind: 'ledger', path: (v.ledger as string | undefined) ?? DEFAULT_LEDGER_PATH }
      : {
        kind: 'prometheus', url: v.prometheus as string, matchers: v['prometheus-matchers'] as string | undefined,
        scrapeIntervalSeconds: v['scrape-interval'] === undefined ? undefined : parseDurationMs(v['scrape-interval'] as string, '--scrape-interval') / 1000,
      };
    const report = await billingReport(source, {
      from: v.from as string | undefined, to: v.to as string | undefined, by: v.by as string | undefined, basis: v.basis as string | undefined,
    }, rateCard);
    const text = renderReport(report, format);
    if (v.out !== undefined) writeFileSync(v.out as string, text);
    else process.stdout.write(text);
    return 0;
  } catch (err) {
    if (err instanceof ReportInputError || err instanceof RateCardError || err instanceof PrometheusQueryError || err instanceof LedgerNotFoundError) {
      throw new UsageError(err.message);
    }
    throw err;
  }
}

