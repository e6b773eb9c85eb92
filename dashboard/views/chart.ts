// Charts as text: one column per sample (newest at the right), eighth-block glyphs for height, a
// dashed line where a limit is, and bars coloured as they near it. Pure: values in, lines out.
// (blessed-contrib's line chart draws with braille on a canvas it owns; we need plain lines that
// also read under NO_COLOR and in `capture-pane`, so the charts are drawn here.)

import { CRIT_PERCENT, WARN_PERCENT } from '../model/row.js';
import { span, type Line, type Span, type Style } from '../text/line.js';

const BLOCKS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const LIMIT_GLYPH = '╌';
/** A limit more than this many times the data's peak would flatten the data: leave it off the scale. */
const LIMIT_SCALE_FACTOR = 10;
/**
 * Without a limit the scale's top is the peak plus this much, so that a steady value reads as a
 * line below the top rather than a solid block that looks like "at the limit".
 */
const HEADROOM = 1.25;

export interface ChartSpec {
  /** Oldest first; NaN where unknown. */
  readonly values: readonly number[];
  readonly width: number;
  /** Rows of graph. */
  readonly height: number;
  /** Draws a line at this value and colours bars by their share of it. */
  readonly limit?: number;
  /** A fixed top of scale (e.g. 100 for percentages); otherwise the data's peak (or the limit). */
  readonly yMax?: number;
  readonly style?: Style;
}

export interface Chart {
  readonly lines: Line[];
  /** The value at the top of the scale. */
  readonly yMax: number;
  /** The highest value drawn (0 when none), for the title. */
  readonly peak: number;
  /** Whether the limit line is drawn (false when off the scale or absent). */
  readonly limitShown: boolean;
}

export function peakOf(values: readonly number[]): number {
  let peak = 0;
  for (const v of values) if (Number.isFinite(v) && v > peak) peak = v;
  return peak;
}

export function chartScale(values: readonly number[], limit: number | undefined, yMax: number | undefined): { yMax: number; limitShown: boolean } {
  const peak = peakOf(values);
  const finiteLimit = limit !== undefined && Number.isFinite(limit) && limit > 0 ? limit : undefined;
  if (yMax !== undefined) return { yMax, limitShown: finiteLimit !== undefined && finiteLimit <= yMax };
  if (finiteLimit !== undefined && (peak === 0 || finiteLimit <= peak * LIMIT_SCALE_FACTOR)) {
    return { yMax: Math.max(peak, finiteLimit), limitShown: true };
  }
  return { yMax: peak > 0 ? peak * HEADROOM : 1, limitShown: false };
}

export function renderChart(spec: ChartSpec): Chart {
  const width = Math.max(0, spec.width);
  const height = Math.max(1, spec.height);
  const visible = spec.values.slice(Math.max(0, spec.values.length - width));
  const offset = width - visible.length;
  const { yMax, limitShown } = chartScale(visible, spec.limit, spec.yMax);
  const limit = limitShown ? spec.limit! : undefined;
  // The row (counted from the bottom) the limit falls in: the one whose band contains it.
  const limitRowFromBottom = limit === undefined ? -1 : Math.min(height - 1, Math.max(0, Math.ceil((limit / yMax) * height) - 1));
  const lines: Line[] = [];
  for (let row = 0; row < height; row++) {
    const fromBottom = height - 1 - row;
    const spans: Span[] = [];
    let text = '';
    let style: Style | undefined;
    const flush = () => {
      if (text !== '') spans.push(span(text, style));
      text = '';
    };
    for (let x = 0; x < width; x++) {
      const v = x < offset ? Number.NaN : visible[x - offset]!;
      let glyph = ' ';
      let cellStyle: Style | undefined = spec.style;
      if (Number.isFinite(v) && v > 0) {
        const eighths = Math.round((Math.min(v, yMax) / yMax) * height * 8) - fromBottom * 8;
        glyph = BLOCKS[Math.max(0, Math.min(8, eighths))]!;
        if (limit !== undefined) {
          const share = (v / limit) * 100;
          if (share >= CRIT_PERCENT) cellStyle = 'crit';
          else if (share >= WARN_PERCENT) cellStyle = 'warn';
        }
      }
      if (glyph === ' ' && fromBottom === limitRowFromBottom) {
        glyph = LIMIT_GLYPH;
        cellStyle = 'limit';
      }
      if (glyph === ' ') cellStyle = undefined;
      if (cellStyle !== style) {
        flush();
        style = cellStyle;
      }
      text += glyph;
    }
    flush();
    lines.push(spans);
  }
  return { lines, yMax, limitShown, peak: peakOf(visible) };
}

/** A horizontal bar `width` wide for value/max, with a light fill for the rest (legible without colour). */
export function horizontalBar(value: number | undefined, max: number, width: number, style?: Style): Line {
  if (width <= 0) return [];
  if (value === undefined || !Number.isFinite(value) || !(max > 0)) return [span('░'.repeat(width), 'dim')];
  const eighths = Math.round(Math.min(1, Math.max(0, value / max)) * width * 8);
  const full = Math.floor(eighths / 8);
  const partial = eighths % 8;
  const filled = '█'.repeat(full) + PARTIAL_H[partial]!;
  const rest = width - filled.length;
  return [span(filled, style), span('░'.repeat(Math.max(0, rest)), 'dim')];
}

/** Left-aligned eighth blocks for horizontal bars. */
const PARTIAL_H = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
