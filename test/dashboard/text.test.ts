// Formatting and line fitting: fixed-width cells, whole cells, and tags that survive data with braces.
import { describe, expect, it } from 'vitest';
import * as fmt from '../../dashboard/text/format.js';
import { ellipsize, fitLine, joinFitting, lineText, span } from '../../dashboard/text/line.js';
import { colourWanted, escapeTags, toTags } from '../../dashboard/text/terminal.js';

describe('compact formats', () => {
  it('sizes in at most 6 columns, max for unlimited, - for unknown', () => {
    expect(fmt.shortBytes(512)).toBe('512B');
    expect(fmt.shortBytes(1536)).toBe('1.5K');
    expect(fmt.shortBytes(268435456)).toBe('256M');
    expect(fmt.shortBytes(139776000)).toBe('133M');
    expect(fmt.shortBytes(999 * 1024 ** 3)).toBe('999G');
    expect(fmt.shortBytes(1000 * 1024 ** 3)).toBe('1.0T');
    expect(fmt.shortBytes(Infinity)).toBe('max');
    expect(fmt.shortBytes(undefined)).toBe('-');
    for (let b = 1; b < 2 ** 60; b *= 3.7) expect(fmt.shortBytes(b).length).toBeLessThanOrEqual(5);
  });
  it('cores, percents, counts and durations', () => {
    expect(fmt.cores(0.31884)).toBe('0.32');
    expect(fmt.cores(12.34)).toBe('12.3');
    expect(fmt.cores(Infinity)).toBe('max');
    expect(fmt.percent(63.768)).toBe('64%');
    expect(fmt.percent(5.04)).toBe('5.0%');
    expect(fmt.percent(12345)).toBe('999%+');
    expect(fmt.percent(undefined)).toBe('-');
    expect(fmt.shortCount(7520)).toBe('7.5k');
    expect(fmt.shortCount(2.5)).toBe('2.5');
    expect(fmt.duration(59)).toBe('59s');
    expect(fmt.duration(3_723)).toBe('1h02m');
    expect(fmt.duration(754)).toBe('12m34s');
    expect(fmt.duration(90_061)).toBe('1d01h');
    expect(fmt.interval(500)).toBe('500ms');
    expect(fmt.interval(2500)).toBe('2.5s');
  });
});

describe('lines', () => {
  it('fitLine pads to the width and marks a cut with an ellipsis', () => {
    expect(lineText(fitLine([span('abc')], 5))).toBe('abc  ');
    expect(lineText(fitLine([span('abc'), span('defgh')], 5))).toBe('abcd…');
    expect(lineText(fitLine([span('abcde'), span('x')], 5))).toBe('abcd…');
    expect(ellipsize('kubepods-burstable', 8)).toBe('kubepod…');
  });
  it('joinFitting drops whole parts that do not fit', () => {
    const parts = [[span('CPU 45%')], [span('MEM 3.1G/24G 13%')], [span('LOAD 1.0')]];
    expect(lineText(joinFitting(parts, 20))).toBe('CPU 45%  LOAD 1.0');
    expect(lineText(joinFitting(parts, 100))).toBe('CPU 45%  MEM 3.1G/24G 13%  LOAD 1.0');
  });
});

describe('terminal output', () => {
  it('escapes braces from data so blessed does not read them as tags', () => {
    expect(escapeTags('a{b}c')).toBe('a{open}b{close}c');
    expect(toTags([span('{x}', 'crit')], true)).toBe('{bold}{red-fg}{open}x{close}{/}');
  });
  it('NO_COLOR: no colour tags, attributes carry the meaning', () => {
    const line = [span('86%', 'warn'), span(' '), span('95%', 'crit'), span('name', 'selected'), span('x', 'dim')];
    const mono = toTags(line, false);
    expect(mono).not.toMatch(/-fg|-bg/);
    expect(mono).toBe('{underline}86%{/} {bold}95%{/}{inverse}name{/}x');
    expect(toTags(line, true)).toMatch(/yellow-fg/);
    expect(colourWanted({ NO_COLOR: '1' })).toBe(false);
    expect(colourWanted({ NO_COLOR: '' })).toBe(true);
    expect(colourWanted({})).toBe(true);
  });
});

describe('kernel values in action results', () => {
  it('says max for every unlimited spelling and sizes for memory files', async () => {
    const { kernelValueText } = await import('../../dashboard/actions/result-text.js');
    expect(kernelValueText('memory.limit_in_bytes', '-1')).toBe('max');
    expect(kernelValueText('memory.limit_in_bytes', '9223372036854771712')).toBe('max');
    expect(kernelValueText('memory.max', '50331648\n')).toBe('48M');
    expect(kernelValueText('cpu.cfs_quota_us', '50000')).toBe('50000');
    expect(kernelValueText('cpu.max', 'max 100000')).toBe('max 100000');
    expect(kernelValueText('pids.max', 'max')).toBe('max');
  });
});
