// What users type: rate cards, --from/--to, --by, --basis, --ledger-retention; each mistake is
// refused with a message that says what would be right.
import { describe, expect, it } from 'vitest';
import { parseRateCard, parseTimeMs, parseTimeRange, parseGroupBy, parseBasis, parseFormat, RateCardError, ReportInputError } from '../../exporters/billing/index.js';
import { parseRetentionMs, ledgerSettingsFrom, recordSettingsFrom } from '../../collector/ledger/attach.js';
import { countCpuList, parseMeminfo } from '../../collector/ledger/host-facts.js';

const NOW = Date.UTC(2026, 5, 15, 12, 30, 0);

describe('rate card', () => {
  it('reads YAML and JSON, with defaults for missing prices', () => {
    const yaml = parseRateCard('currency: EUR\ncpuCoreHour: 0.031\nmemoryGiBHour: 0.0042\n');
    expect(yaml).toEqual({ currency: 'EUR', cpuCoreHour: 0.031, memoryGiBHour: 0.0042, blockIoGiB: 0, networkGiB: 0, memory: 'working-set' });
    expect(parseRateCard('{"currency":"USD","networkGiB":0.09,"memory":"usage"}')).toMatchObject({ currency: 'USD', networkGiB: 0.09, memory: 'usage' });
  });
  it('refuses unknown keys (with a hint), bad prices and a missing currency', () => {
    expect(() => parseRateCard('currency: EUR\ncpu_core_hour: 1\n', 'prices.yaml')).toThrow(/prices.yaml: unknown key "cpu_core_hour" \(did you mean cpuCoreHour\?\)/);
    expect(() => parseRateCard('currency: EUR\ncpuCoreHour: -1\n')).toThrow(/cpuCoreHour must be a price ≥ 0/);
    expect(() => parseRateCard('currency: EUR\ncpuCoreHour: "cheap"\n')).toThrow(RateCardError);
    expect(() => parseRateCard('cpuCoreHour: 1\n')).toThrow(/currency must be a name/);
    expect(() => parseRateCard('- 1\n- 2\n')).toThrow(/a rate card is a mapping/);
    expect(() => parseRateCard('currency: EUR\nmemory: rss\n')).toThrow(/memory must be working-set or usage/);
    expect(() => parseRateCard('currency: [EUR\n')).toThrow(/not YAML or JSON/);
  });
});

describe('time range', () => {
  it('reads now, relative times and ISO times', () => {
    expect(parseTimeMs('now', NOW, '--to')).toBe(NOW);
    expect(parseTimeMs('-24h', NOW, '--from')).toBe(NOW - 86_400_000);
    expect(parseTimeMs('now-7d', NOW, '--from')).toBe(NOW - 7 * 86_400_000);
    expect(parseTimeMs('now+30m', NOW, '--to')).toBe(NOW + 1_800_000);
    expect(parseTimeMs('2026-03-01', NOW, '--from')).toBe(Date.UTC(2026, 2, 1));
    expect(parseTimeMs('2026-03-01T12:00:00Z', NOW, '--from')).toBe(Date.UTC(2026, 2, 1, 12));
    expect(parseTimeMs('2026-03-01T12:00+02:00', NOW, '--from')).toBe(Date.UTC(2026, 2, 1, 10));
    expect(parseTimeRange(undefined, undefined, NOW)).toEqual({ fromMs: NOW - 86_400_000, toMs: NOW });
  });
  it('refuses other forms and an empty window', () => {
    expect(() => parseTimeMs('yesterday', NOW, '--from')).toThrow(/--from "yesterday": use an ISO time/);
    expect(() => parseTimeMs('03/01/2026', NOW, '--from')).toThrow(ReportInputError);
    expect(() => parseTimeRange('now', '-1h', NOW)).toThrow(/must be before --to/);
  });
});

describe('grouping, basis, format', () => {
  it('reads every documented value and refuses others', () => {
    expect(parseGroupBy('label:team')).toEqual({ kind: 'label', key: 'team' });
    for (const by of ['container', 'image', 'pod', 'namespace', 'runtime']) expect(parseGroupBy(by)).toEqual({ kind: by });
    expect(() => parseGroupBy('label:')).toThrow(/needs a label name/);
    expect(() => parseGroupBy('team')).toThrow(/use container, image, label:KEY/);
    expect(parseBasis('max')).toBe('max');
    expect(() => parseBasis('request')).toThrow(/use usage .*, limit .* or max/);
    expect(parseFormat('html')).toBe('html');
    expect(() => parseFormat('pdf')).toThrow(/use table, csv, json, html/);
  });
});

describe('ledger settings', () => {
  it('reads retention in days, weeks or hours, and --no-ledger', () => {
    expect(parseRetentionMs('90d')).toBe(90 * 86_400_000);
    expect(parseRetentionMs('12w')).toBe(12 * 7 * 86_400_000);
    expect(() => parseRetentionMs('30m')).toThrow(/at least 1h/);
    expect(() => parseRetentionMs('3 months')).toThrow(/use forms like 90d/);
    expect(ledgerSettingsFrom({ values: { 'no-ledger': true }, positionals: [] })).toBeUndefined();
    expect(ledgerSettingsFrom({ values: {}, positionals: [] })).toEqual({
      path: '/var/lib/cgmeter/ledger.db', retentionMs: 90 * 86_400_000, record: { intervalMs: 10_000, retentionMs: 6 * 3_600_000 },
    });
  });
  it('reads the recording cadence and retention; 0 or off records nothing', () => {
    expect(recordSettingsFrom('1s', '90m')).toEqual({ intervalMs: 1000, retentionMs: 90 * 60_000 });
    expect(recordSettingsFrom('500ms', '2d')).toEqual({ intervalMs: 500, retentionMs: 2 * 86_400_000 });
    for (const off of ['0', 'off', 'OFF', '0s']) expect(recordSettingsFrom(off, 'anything')).toBeUndefined();
    expect(ledgerSettingsFrom({ values: { 'record-interval': 'off' }, positionals: [] })).not.toHaveProperty('record');
    expect(() => recordSettingsFrom('soon', '6h')).toThrow(/--record-interval "soon" is not a duration; use forms like 10s, 1m, 500ms \(or off\)/);
    expect(() => recordSettingsFrom('50ms', '6h')).toThrow(/--record-interval must be at least 100ms/);
    expect(() => recordSettingsFrom('10s', '15s')).toThrow(/--record-retention must be at least two --record-interval rounds \(20s\)/);
    expect(() => recordSettingsFrom('10s', '6 hours')).toThrow(/--record-retention "6 hours" is not a duration/);
  });
  it('reads host capacity from cpu lists and /proc/meminfo', () => {
    expect(countCpuList('0-3,8,10-11\n')).toBe(7);
    expect(countCpuList('')).toBeUndefined();
    expect(countCpuList('3-1')).toBeUndefined();
    const meminfo = parseMeminfo('MemTotal:       24684084 kB\nMemFree:         1000 kB\nHugePages_Total:       0\n');
    expect(meminfo.get('MemTotal')).toBe(24684084 * 1024);
    expect(meminfo.get('HugePages_Total')).toBe(0);
  });
});
