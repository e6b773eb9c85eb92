// An inline SVG stacked bar chart (one bar per hour bucket, one colour per group): no script, no
// external font or library, so the HTML report stays one file that renders anywhere, offline.

export interface ChartSeries {
  readonly label: string;
  readonly values: readonly number[];
}

export interface ChartOptions {
  readonly bucketsMs: readonly number[];
  readonly series: readonly ChartSeries[];
  readonly unit: string;
  readonly width?: number;
  readonly height?: number;
  /** Groups beyond this many are summed into "other". */
  readonly maxSeries?: number;
}

export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** 1, 2, 5 × 10^n steps so that axis labels are round numbers. */
function niceStep(max: number, ticks: number): number {
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * magnitude >= raw) return m * magnitude;
  return 10 * magnitude;
}

function topSeries(series: readonly ChartSeries[], max: number, length: number): ChartSeries[] {
  const ranked = [...series].sort((a, b) => b.values.reduce((s, v) => s + v, 0) - a.values.reduce((s, v) => s + v, 0));
  if (ranked.length <= max) return ranked;
  const other = new Array<number>(length).fill(0);
  for (const s of ranked.slice(max - 1)) s.values.forEach((v, i) => (other[i]! += v));
  return [...ranked.slice(0, max - 1), { label: `other (${ranked.length - max + 1} groups)`, values: other }];
}

function hourLabel(ms: number, spanDays: boolean): string {
  const iso = new Date(ms).toISOString();
  return spanDays ? `${iso.slice(5, 10)} ${iso.slice(11, 13)}h` : `${iso.slice(11, 16)}`;
}

export function stackedBarChart(options: ChartOptions): string {
  const width = options.width ?? 900;
  const height = options.height ?? 320;
  const margin = { left: 70, right: 10, top: 10, bottom: 40 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const n = options.bucketsMs.length;
  const series = topSeries(options.series, options.maxSeries ?? PALETTE.length, n);
  const totals = options.bucketsMs.map((_, i) => series.reduce((s, g) => s + Math.max(0, g.values[i] ?? 0), 0));
  const max = Math.max(...totals, 0);
  const step = max > 0 ? niceStep(max, 4) : 1;
  const top = max > 0 ? Math.ceil(max / step) * step : 1;
  const y = (v: number) => margin.top + plotH - (v / top) * plotH;
  const slot = n > 0 ? plotW / n : plotW;
  const barW = Math.max(1, slot * 0.8);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-label="${escapeXml(`${options.unit} per hour and group`)}">`);
  for (let v = 0; v <= top + step / 2; v += step) {
    const yy = y(v).toFixed(1);
    parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${yy}" y2="${yy}" stroke="#ddd"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle" font-size="11">${escapeXml(Number(v.toPrecision(6)).toString())}</text>`);
  }
  parts.push(`<text x="12" y="${margin.top + plotH / 2}" transform="rotate(-90 12 ${margin.top + plotH / 2})" text-anchor="middle" font-size="11">${escapeXml(options.unit)}</text>`);
  const spanDays = n > 0 && options.bucketsMs[n - 1]! - options.bucketsMs[0]! >= 86_400_000;
  const labelEvery = Math.max(1, Math.ceil(n / 12));
  options.bucketsMs.forEach((bucket, i) => {
    const x = margin.left + i * slot + (slot - barW) / 2;
    let base = 0;
    series.forEach((s, si) => {
      const v = Math.max(0, s.values[i] ?? 0);
      if (v <= 0) return;
      const y0 = y(base);
      const y1 = y(base + v);
      base += v;
      parts.push(`<rect class="bar" data-series="${si}" x="${x.toFixed(1)}" y="${y1.toFixed(1)}" width="${barW.toFixed(1)}" height="${Math.max(0.5, y0 - y1).toFixed(1)}" fill="${PALETTE[si % PALETTE.length]}"><title>${escapeXml(`${s.label} ${new Date(bucket).toISOString()}: ${v.toPrecision(4)} ${options.unit}`)}</title></rect>`);
    });
    if (i % labelEvery === 0) {
      parts.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${height - margin.bottom + 16}" text-anchor="middle" font-size="11">${hourLabel(bucket, spanDays)}</text>`);
    }
  });
  parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(0)}" y2="${y(0)}" stroke="#555"/>`);
  parts.push('</svg>');
  const legend = series.map((s, si) => `<li><span class="swatch" style="background:${PALETTE[si % PALETTE.length]}"></span>${escapeXml(s.label)}</li>`).join('');
  return `${parts.join('\n')}\n<ul class="legend">${legend}</ul>`;
}
