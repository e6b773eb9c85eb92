// `cgmeter bill`: what every container (or image, label, pod, namespace, runtime) used over a window,
// priced by a rate card, with idle capacity and what ran outside containers, from the local ledger
// or from Prometheus/VictoriaMetrics for a fleet. Its flags and help; what it runs is bill-run.ts.

import type { Command } from '../command.js';
import { DEFAULT_LEDGER_PATH } from '../../collector/ledger/flags.js';

export const billCommand: Command = {
  name: 'bill',
  summary: 'Billing report: CPU core-hours, memory GiB-hours (average and peak), I/O and network GiB, hours alive and cost per container\n'
    + 'or group, plus idle host capacity and usage outside any container, so that the columns add up to the host.',
  usage: 'cgmeter bill [--from TIME] [--to TIME] [--by container|image|label:KEY|pod|namespace|runtime] [--rate-card FILE] [--basis usage|limit|max] [--format table|csv|json|html] [--out FILE] [--ledger PATH | --prometheus URL]',
  flags: {
    from: { type: 'string', placeholder: 'TIME', default: '-24h', description: 'start: ISO time (2026-03-01T00:00Z), now-7d, or --from=-24h' },
    to: { type: 'string', placeholder: 'TIME', default: 'now', description: 'end: ISO time, now, or now-1h' },
    by: { type: 'string', placeholder: 'GROUP', default: 'container', description: 'group rows by container, image, label:KEY, pod, namespace or runtime' },
    'rate-card': { type: 'string', placeholder: 'FILE', env: 'CGMETER_RATE_CARD', description: 'prices (YAML or JSON: currency, cpuCoreHour, memoryGiBHour, blockIoGiB, networkGiB); without it, usage only' },
    basis: { type: 'string', placeholder: 'BASIS', default: 'usage', description: 'bill CPU and memory by usage, limit (reserved), or max (the larger, per interval)' },
    format: { type: 'string', placeholder: 'FORMAT', default: 'table', description: 'table, csv, json, or html (one self-contained file with a chart)' },
    out: { type: 'string', short: 'o', placeholder: 'FILE', description: 'write the report to FILE instead of stdout' },
    ledger: { type: 'string', placeholder: 'PATH', env: 'CGMETER_LEDGER', default: DEFAULT_LEDGER_PATH, description: 'the ledger `cgmeter serve` writes' },
    prometheus: { type: 'string', placeholder: 'URL', env: 'CGMETER_PROMETHEUS_URL', description: 'report from Prometheus or VictoriaMetrics (cAdvisor metric names) instead of the ledger' },
    'prometheus-matchers': { type: 'string', placeholder: 'MATCHERS', description: 'label matchers added to every query, e.g. cluster="eu1",job="cgmeter"' },
    'scrape-interval': { type: 'string', placeholder: 'DURATION', description: 'with --prometheus: time between scrapes (default: derived from the data)' },
  },
  examples: [
    'cgmeter bill --from=-24h --by image --rate-card prices.yaml',
    'cgmeter bill --from 2026-03-01 --to 2026-04-01 --by label:team --format csv --out march.csv',
    'cgmeter bill --from now-7d --format html --out week.html',
    'cgmeter bill --prometheus http://127.0.0.1:8428 --by namespace --basis max --rate-card prices.yaml',
  ],
  run: async (args) => (await import('./bill-run.js')).runBill(args),
};
