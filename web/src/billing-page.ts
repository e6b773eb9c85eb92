// The billing report for a chosen period (GET /api/v1/billing, the same code as `cgmeter bill`), shown as
// a table, with the period's CSV, JSON and HTML versions as download links.

import type { BillingReport, ReportRow } from '../../exporters/billing/report.js';
import { getJson, type UiConfig } from './api.js';
import { h } from './dom.js';
import type { Cleanup } from './main.js';

const GROUPINGS = ['container', 'image', 'pod', 'namespace', 'runtime'];
const num = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? '-' : v.toFixed(digits));

function reportTable(report: BillingReport): HTMLTableElement {
  const priced = report.currency !== null;
  const headers = ['group', 'containers', 'hours', 'CPU core-h', 'memory GiB-h', 'mem avg GiB', 'mem peak GiB', 'read GiB', 'write GiB', 'rx GiB', 'tx GiB',
    ...(priced ? [`cost (${report.currency})`] : [])];
  const row = (r: ReportRow) => h('tr', { class: `kind-${r.kind}` },
    h('td', { class: 'left' }, r.label), h('td', {}, r.containers ?? '-'), h('td', {}, num(r.hoursAlive, 2)),
    h('td', {}, num(r.cpuCoreHours)), h('td', {}, num(r.memoryGibHours)), h('td', {}, num(r.memoryAvgGib)), h('td', {}, num(r.memoryPeakGib)),
    h('td', {}, num(r.ioReadGib)), h('td', {}, num(r.ioWriteGib)), h('td', {}, num(r.networkRxGib)), h('td', {}, num(r.networkTxGib)),
    priced ? h('td', {}, num(r.cost?.total, 2)) : null);
  return h('table', { class: 'grid billing', id: 'billing-table' },
    h('thead', {}, h('tr', {}, ...headers.map((t, i) => h('th', { class: i === 0 ? 'left' : 'right' }, t)))),
    h('tbody', {}, ...report.rows.map(row), row(report.notInContainer), row(report.idle), row(report.total)));
}

export function showBilling(main: HTMLElement, config: UiConfig): Cleanup {
  main.append(h('h1', {}, 'Billing'));
  if (!config.billing) {
    main.append(h('p', { class: 'hint', id: 'billing-off' }, 'No ledger: serve runs with --no-ledger, so there is nothing to bill.'));
    return () => {};
  }
  const params = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const from = h('input', { name: 'from', value: params.get('from') ?? '-24h', 'aria-label': 'from' });
  const to = h('input', { name: 'to', value: params.get('to') ?? 'now', 'aria-label': 'to' });
  const by = h('select', { name: 'by', 'aria-label': 'group by' }, ...GROUPINGS.map((g) => h('option', { value: g }, g)));
  const label = h('input', { name: 'label', placeholder: 'or label key, e.g. team', value: (params.get('by') ?? '').replace(/^label:/, '').replace(/^(container|image|pod|namespace|runtime)$/, '') });
  by.value = GROUPINGS.includes(params.get('by') ?? '') ? params.get('by')! : 'container';
  const basis = h('select', { name: 'basis', 'aria-label': 'basis' }, ...['usage', 'limit', 'max'].map((b) => h('option', { value: b }, b)));
  basis.value = params.get('basis') ?? 'usage';
  const downloads = h('p', { class: 'downloads', id: 'billing-downloads' });
  const output = h('div', { id: 'billing-output' });
  let generation = 0;

  async function load(): Promise<void> {
    const query = new URLSearchParams({ from: from.value.trim(), to: to.value.trim(), by: label.value.trim() ? `label:${label.value.trim()}` : by.value, basis: basis.value });
    history.replaceState(null, '', `#/billing?${query}`);
    const mine = ++generation;
    output.replaceChildren(h('p', { class: 'hint' }, 'Loading…'));
    downloads.replaceChildren(...['csv', 'json', 'html'].map((format) =>
      h('a', { href: `api/v1/billing?${query}&format=${format}`, download: `cgmeter-bill.${format}`, 'data-format': format }, format.toUpperCase())));
    try {
      const report = await getJson<BillingReport>(`api/v1/billing?${query}&format=json`);
      if (mine !== generation) return; // an older answer arriving late
      const window = `${new Date(report.window.fromMs).toLocaleString()} – ${new Date(report.window.toMs).toLocaleString()}`;
      output.replaceChildren(h('p', {}, `${window}, by ${report.by}, basis ${report.basis}, ${report.window.coveredHours.toFixed(2)} h covered`),
        reportTable(report), ...report.notes.map((n) => h('p', { class: 'hint' }, n)));
    } catch (err) {
      if (mine === generation) output.replaceChildren(h('p', { class: 'result refused', id: 'billing-error' }, (err as Error).message));
    }
  }
  main.append(
    h('form', { class: 'toolbar', id: 'billing-form', onsubmit: (ev: Event) => { ev.preventDefault(); void load(); } },
      h('label', {}, 'from ', from), h('label', {}, 'to ', to), h('label', {}, 'by ', by), label, h('label', {}, 'basis ', basis),
      h('button', { type: 'submit' }, 'Show')),
    h('p', { class: 'hint' }, 'Times: ISO (2026-03-01, 2026-03-01T12:00Z), now, or relative (-24h, now-7d).'),
    downloads, output);
  void load();
  return () => { generation++; };
}
