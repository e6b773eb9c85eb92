// Charts as text: heights in eighth blocks, the limit line, colours near the limit, downsampling.
import { describe, expect, it } from 'vitest';
import { chartScale, horizontalBar, renderChart } from '../../dashboard/views/chart.js';
import { downsamplePeak, renderPanelRows } from '../../dashboard/views/panels.js';
import { lineText, type Line } from '../../dashboard/text/line.js';

const text = (lines: readonly Line[]) => lines.map(lineText);

describe('renderChart', () => {
  it('draws one column per value, newest at the right, in eighths', () => {
    const chart = renderChart({ values: [0, 0.25, 0.5, 1], width: 6, height: 2, yMax: 1 });
    expect(text(chart.lines)).toEqual([
      '     █',
      '   ▄██',
    ]);
  });
  it('draws the limit as a dashed line in its row and colours bars at 70% and 90% of it', () => {
    const chart = renderChart({ values: [0.1, 0.36, 0.46, 0.5], width: 4, height: 4, limit: 0.5 });
    expect(chart.yMax).toBe(0.5);
    expect(chart.limitShown).toBe(true);
    expect(text(chart.lines)[0]).toBe('╌╌▅█'); // 0.46 of 0.5 is 29.4 of 32 eighths
    const styles = chart.lines[3]!.map((s) => [s.text, s.style]);
    expect(styles).toEqual([['▆', undefined], ['█', 'warn'], ['██', 'crit']]);
  });
  it('leaves a limit far above the data off the scale, and unknown values blank', () => {
    expect(chartScale([1, 2], 1000, undefined)).toEqual({ yMax: 2.5, limitShown: false }); // headroom above the peak
    expect(chartScale([0, 0], 8, undefined)).toEqual({ yMax: 8, limitShown: true });
    expect(chartScale([], Infinity, undefined)).toEqual({ yMax: 1, limitShown: false });
    expect(text(renderChart({ values: [Number.NaN, 1], width: 2, height: 1 }).lines)).toEqual([' ▆']); // 1 of 1.25
    expect(renderChart({ values: [Number.NaN, 1, 3], width: 2, height: 1 }).peak).toBe(3);
  });
});

describe('panels', () => {
  it('keeps the whole history by taking the peak of each bucket, newest bucket at the right', () => {
    expect(downsamplePeak([1, 5, 2, 2, 9, 3, 4], 3)).toEqual([1, 5, 9]); // buckets [1] [5 2 2] [9 3 4]
    expect(downsamplePeak([1, 2], 5)).toEqual([1, 2]);
    expect(downsamplePeak([Number.NaN, Number.NaN, 3], 1)).toEqual([3]);
  });
  it('lays panels side by side, stacks them when narrow, and drops rows that do not fit', () => {
    const panel = (name: string) => ({ title: [{ text: name }], values: [1, 2, 3], formatScale: String });
    const wide = text(renderPanelRows([[panel('A'), panel('B')], [panel('C')]], 80, 6));
    expect(wide).toHaveLength(6);
    expect(wide[0]).toMatch(/^A ↑3 +B ↑3 +$/);
    expect(wide[3]).toMatch(/^C ↑3/);
    const narrow = text(renderPanelRows([[panel('A'), panel('B')], [panel('C')]], 40, 4));
    expect(narrow.filter((l) => /↑/.test(l)).map((l) => l.trim().split(' ')[0])).toEqual(['A', 'B']);
    for (const l of [...wide, ...narrow]) expect([80, 40]).toContain(l.length);
  });
  it('horizontal bars fill in eighths and show the rest lightly', () => {
    expect(lineText(horizontalBar(50, 100, 8))).toBe('████░░░░');
    expect(lineText(horizontalBar(3, 16, 8))).toBe('█▌░░░░░░');
    expect(lineText(horizontalBar(undefined, 100, 4))).toBe('░░░░');
  });
});
