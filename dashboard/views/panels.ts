// A grid of titled charts: rows of panels side by side (stacked when the terminal is narrow), the
// height shared out evenly, whole rows dropped from the end when even two lines each do not fit.
// Each column of a chart is one sample, or the peak of several when the history is longer than
// the chart is wide, so a chart always spans the whole history kept.

import { fitLine, joinFitting, span, type Line, type Span, type Style } from '../text/line.js';
import { renderChart } from './chart.js';

export interface Panel {
  /** The title's words (name and current values); the scale is appended. */
  readonly title: Line;
  readonly values: readonly number[];
  readonly limit?: number;
  readonly yMax?: number;
  readonly style?: Style;
  /** How the peak in the title is written (`0.55`, `256M`). */
  readonly formatScale: (value: number) => string;
}

/** Narrower than this, panels of a row are stacked. */
const SIDE_BY_SIDE_MIN_WIDTH = 72;
const PANEL_GAP = 2;

/** At most `width` columns: each the peak of a bucket of consecutive values, newest bucket last. */
export function downsamplePeak(values: readonly number[], width: number): number[] {
  if (values.length <= width || width <= 0) return [...values];
  const bucket = Math.ceil(values.length / width);
  const out: number[] = [];
  // Buckets end at the newest value, so the right edge is always "now".
  for (let end = values.length; end > 0; end -= bucket) {
    let peak = Number.NaN;
    for (let i = Math.max(0, end - bucket); i < end; i++) {
      const v = values[i]!;
      if (Number.isFinite(v) && !(v <= peak)) peak = v;
    }
    out.push(peak);
  }
  return out.reverse();
}

function renderPanel(panel: Panel, width: number, height: number): Line[] {
  const values = downsamplePeak(panel.values, width);
  const chart = renderChart({ values, width, height: Math.max(1, height - 1), limit: panel.limit, yMax: panel.yMax, style: panel.style });
  // ↑ is the highest value in the window the chart spans.
  const title = joinFitting([panel.title, [span(`↑${panel.formatScale(chart.peak)}`, 'dim')]], width, ' ');
  return [fitLine(title, width), ...chart.lines.map((l) => fitLine(l, width))];
}

export function renderPanelRows(rows: readonly (readonly Panel[])[], width: number, height: number): Line[] {
  const stacked = width < SIDE_BY_SIDE_MIN_WIDTH;
  const laidOut: Panel[][] = stacked ? rows.flatMap((r) => r.map((p) => [p])) : rows.map((r) => [...r]);
  let count = laidOut.length;
  while (count > 0 && Math.floor(height / count) < 2) count--;
  const lines: Line[] = [];
  if (count === 0) return Array.from({ length: Math.max(0, height) }, () => fitLine([], width));
  const each = Math.floor(height / count);
  let extra = height - each * count;
  for (const row of laidOut.slice(0, count)) {
    const h = each + (extra-- > 0 ? 1 : 0);
    const panelWidth = Math.floor((width - PANEL_GAP * (row.length - 1)) / row.length);
    const rendered = row.map((p) => renderPanel(p, panelWidth, h));
    for (let i = 0; i < h; i++) {
      const spans: Span[] = [];
      rendered.forEach((panelLines, j) => {
        if (j > 0) spans.push(span(' '.repeat(PANEL_GAP)));
        spans.push(...(panelLines[i] ?? fitLine([], panelWidth)));
      });
      lines.push(fitLine(spans, width));
    }
  }
  while (lines.length < height) lines.push(fitLine([], width));
  return lines;
}
