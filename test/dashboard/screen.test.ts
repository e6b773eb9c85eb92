// Whole screens from fixed Snapshots, no terminal: every line exactly the terminal's width,
// columns dropped whole by priority on a narrow screen, thresholds at 70% and 90% of a limit.
import { describe, expect, it } from 'vitest';
import { MAIN_COLUMNS, MEMORY_COLUMNS } from '../../dashboard/model/columns.js';
import { initialState } from '../../dashboard/model/ui-state.js';
import { layoutColumns } from '../../dashboard/views/layout.js';
import { renderScreen } from '../../dashboard/views/screen.js';
import type { Line } from '../../dashboard/text/line.js';
import { makeSnapshot } from './make-snapshot.js';
import { fixtureModel, modelOf, screenText } from './view-model.js';

const HEADERS = new Set([...MAIN_COLUMNS, ...MEMORY_COLUMNS].map((c) => c.header));

/** The column header words, with the sort marker taken off. */
function headerWords(line: string): string[] {
  return line.replace(/[▼▲]/g, ' ').trim().split(/\s+/);
}

describe('column layout', () => {
  it('keeps every column at 120 columns and drops whole pairs, lowest priority first, when narrow', () => {
    expect(layoutColumns(MAIN_COLUMNS, 120).map((p) => p.column.id)).toEqual(MAIN_COLUMNS.map((c) => c.id));
    const at80 = layoutColumns(MAIN_COLUMNS, 80).map((p) => p.column.id);
    expect(at80).toEqual(['name', 'cpu', 'cpuPercent', 'mem', 'memPercent', 'rx', 'tx', 'pids', 'throttled', 'psi']);
    const at40 = layoutColumns(MAIN_COLUMNS, 40).map((p) => p.column.id);
    expect(at40).toEqual(['name', 'cpu', 'cpuPercent', 'mem', 'memPercent']);
    for (const width of [20, 40, 60, 80, 100, 120, 200]) {
      const placed = layoutColumns(MAIN_COLUMNS, width);
      expect(placed.reduce((s, p) => s + p.width, placed.length - 1)).toBeLessThanOrEqual(Math.max(width, 12 + 4 * 6));
    }
  });
});

describe('the container table', () => {
  const model = fixtureModel('cgroup-v2');
  it('at 120×40: header, column header, rows, footer; every line 120 wide', () => {
    const render = renderScreen(model, initialState(), { width: 120, height: 40 });
    const text = screenText(render);
    expect(text).toHaveLength(40);
    for (const line of text) expect(line).toHaveLength(120);
    expect(text[0]).toMatch(/^cgmeter top {2}CPU 45% of 2 {2}MEM 4\.0G\/24G 17% {2}LOAD 1\.23 0\.90 0\.81 {2}containers 10\/20 cgroups/);
    expect(headerWords(text[1]!)).toEqual(MAIN_COLUMNS.map((c) => c.header));
    expect(text[1]).toContain('▼CORES');
    expect(text[2]).toMatch(/^15e3b7e5ea24 +containerd +0\.61 +- +6\.3M/);
    expect(text[3]).toMatch(/^376f487bf992 +docker +0\.32 +64% +133M +\d+M +52% .* 1h02m$/);
    expect(render.rowKeys).toHaveLength(10);
    expect(text[39]).toMatch(/^q quit {2}\? help {2}⏎ detail {2}\/ filter/);
  });
  it('at 80×24 every line is 80 wide and the header holds only whole column names', () => {
    const text = screenText(renderScreen(model, initialState(), { width: 80, height: 24 }));
    expect(text).toHaveLength(24);
    for (const line of text) expect(line).toHaveLength(80);
    const words = headerWords(text[1]!);
    for (const w of words) expect(HEADERS.has(w)).toBe(true);
    expect(words).toEqual(['NAME', 'CORES', 'CPU%L', 'MEM', 'MEM%L', 'RX/s', 'TX/s', 'PIDS', 'THR%', 'PSI']);
  });
  it('an empty list says why', () => {
    const text = screenText(renderScreen(model, { ...initialState(), filter: 'zzz' }, { width: 80, height: 10 }));
    expect(text[2]).toMatch(/^nothing matches "zzz" \(esc clears the filter\)/);
  });
});

describe('thresholds', () => {
  const styleOf = (line: Line, text: string) => line.find((s) => s.text.trim() === text)?.style;
  it('colours a cell at 70% (warn) and 90% (crit) of its limit', () => {
    const snapshots = [
      makeSnapshot({ path: '/a', name: 'calm', coresUsed: 0.3, limitCores: 1, usageBytes: 60, limitBytes: 100 }),
      makeSnapshot({ path: '/b', name: 'warm', coresUsed: 0.7, limitCores: 1, usageBytes: 70, limitBytes: 100 }),
      makeSnapshot({ path: '/c', name: 'hot', coresUsed: 0.95, limitCores: 1, usageBytes: 95, limitBytes: 100, pids: 95, pidsMax: 100 }),
    ];
    const render = renderScreen(modelOf(snapshots, 0), { ...initialState(), selectedKey: '/zzz' }, { width: 120, height: 8 });
    const [hot, warm, calm] = [render.lines[2]!, render.lines[3]!, render.lines[4]!];
    // The first row is the selected one (inverse), so the levels are checked on the others.
    expect(styleOf(hot, '95%')).toBe('selected');
    expect(styleOf(warm, '70%')).toBe('warn');
    expect(styleOf(warm, '0.70')).toBe('warn');
    expect(styleOf(calm, '30%')).toBeUndefined();
    const unselected = renderScreen(modelOf(snapshots, 0), { ...initialState(), selectedKey: '/a' }, { width: 120, height: 8 });
    expect(styleOf(unselected.lines[2]!, '95%')).toBe('crit');
    expect(styleOf(unselected.lines[2]!, '95')).toBe('crit');
  });
});
