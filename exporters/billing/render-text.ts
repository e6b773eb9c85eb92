// The report as a terminal table and as CSV (one row per group, then the not-in-any-container, idle
// and total lines, so that a spreadsheet's column sums can be checked against the total line).

import { renderTable } from '../../cli/units.js';
import type { BillingReport, ReportRow } from './report.js';

const CSV_COLUMNS: ReadonlyArray<readonly [string, (r: ReportRow, report: BillingReport) => string | number | null]> = [
  ['kind', (r) => r.kind],
  ['group', (r) => r.label],
  ['containers', (r) => r.containers],
  ['hours_alive', (r) => r.hoursAlive],
  ['cpu_core_hours', (r) => r.cpuCoreHours],
  ['memory_gib_hours', (r) => r.memoryGibHours],
  ['memory_avg_gib', (r) => r.memoryAvgGib],
  ['memory_peak_gib', (r) => r.memoryPeakGib],
  ['io_read_gib', (r) => r.ioReadGib],
  ['io_write_gib', (r) => r.ioWriteGib],
  ['network_rx_gib', (r) => r.networkRxGib],
  ['network_tx_gib', (r) => r.networkTxGib],
  ['cost_cpu', (r) => r.cost?.cpu ?? null],
  ['cost_memory', (r) => r.cost?.memory ?? null],
  ['cost_io', (r) => r.cost?.io ?? null],
  ['cost_network', (r) => r.cost?.network ?? null],
  ['cost_total', (r) => r.cost?.total ?? null],
  ['currency', (_r, report) => report.currency],
  ['basis', (_r, report) => report.basis],
];

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(Number(value.toPrecision(12))) : '';
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function allRows(report: BillingReport): ReportRow[] {
  return [...report.rows, report.notInContainer, report.idle, report.total];
}

export function renderCsv(report: BillingReport): string {
  const lines = [CSV_COLUMNS.map(([name]) => name).join(',')];
  for (const row of allRows(report)) lines.push(CSV_COLUMNS.map(([, pick]) => csvCell(pick(row, report))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function formatAmount(value: number | null, digits: number): string {
  if (value === null || !Number.isFinite(value)) return '-';
  return value.toFixed(digits);
}

export function formatMoney(value: number | undefined | null, currency: string | null): string {
  if (value === undefined || value === null) return '-';
  // Cents, unless the amount is below a cent: then enough digits to show it is not zero.
  const digits = Math.abs(value) >= 0.01 || value === 0 ? 2 : 4;
  return `${value.toFixed(digits)}${currency ? ` ${currency}` : ''}`;
}

export function windowText(report: BillingReport): string {
  const iso = (ms: number) => new Date(ms).toISOString().replace(':00.000Z', 'Z');
  return `${iso(report.window.fromMs)} – ${iso(report.window.toMs)}`;
}

export function renderTableText(report: BillingReport): string {
  const priced = report.currency !== null;
  const headers = [report.by.toUpperCase(), 'CTRS', 'HOURS', 'CPU CORE-H', 'MEM GIB-H', 'AVG GIB', 'PEAK GIB', 'IO GIB', 'NET GIB',
    ...(priced ? ['CPU COST', 'MEM COST', 'IO COST', 'NET COST', 'TOTAL'] : [])];
  const sumOrNull = (a: number | null, b: number | null) => (a === null && b === null ? null : (a ?? 0) + (b ?? 0));
  const rows = allRows(report).map((r) => [
    r.label,
    r.containers === null ? '' : String(r.containers),
    formatAmount(r.hoursAlive, 2),
    formatAmount(r.cpuCoreHours, 4),
    formatAmount(r.memoryGibHours, 4),
    formatAmount(r.memoryAvgGib, 3),
    formatAmount(r.memoryPeakGib, 3),
    formatAmount(sumOrNull(r.ioReadGib, r.ioWriteGib), 3),
    formatAmount(sumOrNull(r.networkRxGib, r.networkTxGib), 3),
    ...(priced ? [r.cost?.cpu, r.cost?.memory, r.cost?.io, r.cost?.network, r.cost?.total].map((v) => formatMoney(v, null)) : []),
  ]);
  const right = new Set(headers.map((_, i) => i).filter((i) => i > 0));
  const head = [
    `cgmeter bill: ${windowText(report)}, by ${report.by}, basis ${report.basis}, memory ${report.memory}${priced ? `, prices in ${report.currency}` : ', no rate card (usage only)'}`,
    `host: ${report.host.capacityCpuCoreHours.toFixed(2)} core-hours and ${report.host.capacityMemoryGibHours.toFixed(2)} GiB-hours of capacity over ${report.window.coveredHours.toFixed(2)} metered hours`,
    '',
  ];
  const rowNotes = report.rows.flatMap((r) => r.notes.map((n) => `${r.label}: ${n}`));
  const notes = [...report.notes, ...rowNotes].map((n) => `note: ${n}`);
  return [...head, renderTable(headers, rows, right), ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}
