// The report as one self-contained HTML file: inline CSS, an inline SVG chart of cost (or CPU
// core-hours without a rate card) per hour and group, the table, and the notes. No script, no CDN.

import type { BillingReport, ReportRow } from './report.js';
import { allRows, formatAmount, formatMoney, windowText } from './render-text.js';
import { escapeXml, stackedBarChart } from './svg-chart.js';

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#222;background:#fff}
h1{font-size:20px;margin:0 0 4px} .sub{color:#555;margin:0 0 16px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:0 0 16px}
.card{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:150px}
.card b{display:block;font-size:18px}
.wrap{overflow-x:auto;margin:16px 0}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:3px 6px;border-bottom:1px solid #eee;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left} th{background:#f6f6f6;position:sticky;top:0}
tr.not-in-container td,tr.idle td{color:#555;font-style:italic} tr.total td{font-weight:bold;border-top:2px solid #999}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px;margin:4px 0 0}
.swatch{display:inline-block;width:10px;height:10px;margin-right:6px;border-radius:2px}
.notes{color:#555} svg text{fill:#333;font-family:inherit}
`;

function row(r: ReportRow, report: BillingReport): string {
  const priced = report.currency !== null;
  const io = r.ioReadGib === null && r.ioWriteGib === null ? null : (r.ioReadGib ?? 0) + (r.ioWriteGib ?? 0);
  const net = r.networkRxGib === null && r.networkTxGib === null ? null : (r.networkRxGib ?? 0) + (r.networkTxGib ?? 0);
  const cells = [
    escapeXml(r.label), r.containers === null ? '' : String(r.containers), formatAmount(r.hoursAlive, 2),
    formatAmount(r.cpuCoreHours, 4), formatAmount(r.memoryGibHours, 4), formatAmount(r.memoryAvgGib, 3), formatAmount(r.memoryPeakGib, 3),
    formatAmount(io, 3), formatAmount(net, 3),
    ...(priced ? [r.cost?.cpu, r.cost?.memory, r.cost?.io, r.cost?.network, r.cost?.total].map((v) => formatMoney(v, null)) : []),
  ];
  const title = r.notes.length > 0 ? ` title="${escapeXml(r.notes.join('; '))}"` : '';
  return `<tr class="${r.kind}"${title}>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
}

export function renderHtml(report: BillingReport): string {
  const priced = report.currency !== null;
  const unit = priced ? `cost (${report.currency})` : 'CPU core-hours';
  const headers = [report.by, 'containers', 'hours alive', 'CPU core-h', 'memory GiB-h', 'avg GiB', 'peak GiB', 'I/O GiB', 'network GiB',
    ...(priced ? ['CPU', 'memory', 'I/O', 'network', 'total'].map((h) => `${h} ${report.currency}`) : [])];
  const chart = report.series.bucketsMs.length > 0
    ? stackedBarChart({ bucketsMs: report.series.bucketsMs, series: report.series.groups, unit })
    : '<p>No usage in this window.</p>';
  const card = (label: string, value: string) => `<div class="card">${escapeXml(label)}<b>${escapeXml(value)}</b></div>`;
  const rowNotes = report.rows.flatMap((r) => r.notes.map((n) => `${r.label}: ${n}`));
  const notes = [...report.notes, ...rowNotes];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>cgmeter bill ${escapeXml(windowText(report))}</title><style>${CSS}</style></head>
<body>
<h1>Container billing: ${escapeXml(windowText(report))}</h1>
<p class="sub">by ${escapeXml(report.by)} · basis ${report.basis} · memory ${report.memory} · source ${report.source} · generated ${new Date(report.generatedMs).toISOString()}</p>
<div class="cards">
${card('total', priced ? formatMoney(report.total.cost?.total, report.currency) : `${report.total.cpuCoreHours.toFixed(2)} core-h`)}
${card('in containers', priced ? formatMoney(report.rows.reduce((s, r) => s + (r.cost?.total ?? 0), 0), report.currency) : `${report.rows.reduce((s, r) => s + r.cpuCoreHours, 0).toFixed(2)} core-h`)}
${card('idle capacity', priced ? formatMoney(report.idle.cost?.total, report.currency) : `${report.idle.cpuCoreHours.toFixed(2)} core-h`)}
${card('host capacity', `${report.host.capacityCpuCoreHours.toFixed(1)} core-h · ${report.host.capacityMemoryGibHours.toFixed(1)} GiB-h`)}
${card('metered', `${report.window.coveredHours.toFixed(2)} h`)}
</div>
<h2>${escapeXml(unit)} per hour (idle not drawn)</h2>
${chart}
<div class="wrap"><table class="report"><thead><tr>${headers.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr></thead>
<tbody>
${allRows(report).map((r) => row(r, report)).join('\n')}
</tbody></table></div>
${notes.length > 0 ? `<ul class="notes">${notes.map((n) => `<li>${escapeXml(n)}</li>`).join('')}</ul>` : ''}
</body></html>
`;
}
