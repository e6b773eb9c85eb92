// The user's vocabulary → LimitRequest: sizes, CPUs, periods, lists, devices, unset, and every
// malformed value refused with a message that says what would be right.

import { describe, expect, it } from 'vitest';
import { parseLimitRequest, parseSizeBytes, parseCpus, parsePeriodUs, LimitError } from '../../collector/limits/index.js';
import { parseList } from '../../collector/limits/values.js';
import { checkReadBack, deviceFields, parseBytesText } from '../../collector/limits/files.js';

const MiB = 1024 * 1024;

function refusal(fn: () => unknown): LimitError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LimitError);
    return err as LimitError;
  }
  throw new Error('expected a LimitError');
}

describe('sizes', () => {
  it.each([
    ['512M', 512 * MiB], ['512m', 512 * MiB], ['1G', 1024 * MiB], ['1.5GiB', 1.5 * 1024 * MiB], ['64MiB', 64 * MiB],
    ['100MB', 100 * MiB], ['4096', 4096], ['4096B', 4096], ['1k', 1024], ['2T', 2 * 1024 ** 4],
  ])('%s = %d bytes', (text, bytes) => {
    expect(parseSizeBytes(text, '--memory')).toBe(bytes);
  });

  it.each([
    ['-5', /not a size.*cannot be negative/], ['1Q', /not a size; use forms like 512M/], ['0', /greater than zero/],
    ['max', /--unset memory/], ['', /not a size/], ['1.5.5G', /not a size/], ['9P', /larger than 8PiB/], ['iB', /not a size/],
  ])('%j is refused', (text, message) => {
    expect(refusal(() => parseSizeBytes(text, '--memory')).message).toMatch(message);
  });
});

describe('CPUs and periods', () => {
  it('reads cores and periods', () => {
    expect(parseCpus('1.5')).toBe(1.5);
    expect(parseCpus('0.3')).toBe(0.3);
    expect(parsePeriodUs('100ms')).toBe(100_000);
    expect(parsePeriodUs('0.5s')).toBe(500_000);
    expect(parsePeriodUs('50000')).toBe(50_000);
    expect(parsePeriodUs('50000us')).toBe(50_000);
  });

  it.each(['0', '0.0', '-5', '1Q', 'max', ''])('--cpus %j is refused', (text) => {
    expect(refusal(() => parseCpus(text)).kind).toBe('input');
  });

  it.each(['500us', '2s', 'fast', '-100ms'])('--cpu-period %j is refused', (text) => {
    expect(refusal(() => parsePeriodUs(text)).message).toMatch(/cpu-period/);
  });
});

describe('lists', () => {
  it('expands ranges and refuses bad forms', () => {
    expect(parseList('0-2,5', '--cpuset-cpus')).toEqual([0, 1, 2, 5]);
    expect(refusal(() => parseList('3-1', '--cpuset-cpus')).message).toMatch(/backwards; write it as 1-3/);
    expect(refusal(() => parseList('0-', '--cpuset-cpus')).message).toMatch(/not a list/);
    expect(refusal(() => parseList('a', '--cpuset-mems')).message).toMatch(/not a list/);
  });
});

describe('parseLimitRequest', () => {
  it('turns the whole vocabulary into one request', () => {
    const request = parseLimitRequest({
      memory: '512M', 'memory-high': '400M', 'memory-swap': '1G', cpus: '1.5', 'cpu-period': '100ms', 'cpu-weight': '200',
      'cpuset-cpus': '0-1', 'cpuset-mems': '0', 'io-read-bps': ['vda=50M'], 'io-write-iops': ['254:0=100'], pids: '256',
    });
    expect(request).toEqual({
      memoryBytes: 512 * MiB, memoryHighBytes: 400 * MiB, memorySwapBytes: 1024 * MiB, cpus: 1.5, cpuPeriodUs: 100_000,
      cpuWeight: 200, cpusetCpus: '0-1', cpusetMems: '0', pidsMax: 256,
      io: [{ device: 'vda', field: 'readBps', value: 50 * MiB }, { device: '254:0', field: 'writeIops', value: 100 }],
    });
  });

  it('accepts numbers from JSON bodies', () => {
    expect(parseLimitRequest({ cpus: 1.5, pids: 64 })).toMatchObject({ cpus: 1.5, pidsMax: 64 });
  });

  it('unsets to max or the default, io per device or for all', () => {
    const request = parseLimitRequest({ unset: ['memory', 'cpus', 'pids', 'cpu-weight', 'cpuset-cpus', 'io-read-bps', 'io-write-bps=vda'] });
    expect(request).toEqual({
      memoryBytes: 'max', cpus: 'max', pidsMax: 'max', cpuWeight: 'default', cpusetCpus: 'all',
      io: [{ device: '*', field: 'readBps', value: 'max' }, { device: 'vda', field: 'writeBps', value: 'max' }],
    });
  });

  it.each([
    [{}, /nothing to change/],
    [{ memory: '-5' }, /--memory "-5" is not a size/],
    [{ memory: '1Q' }, /--memory "1Q" is not a size/],
    [{ memory: '1M' }, /at least 6M/],
    [{ cpus: '0' }, /more than 0/],
    [{ 'cpu-weight': '100', 'cpu-shares': '1024' }, /give one of them/],
    [{ 'cpu-weight': '0' }, /from 1 to 10000/],
    [{ 'cpu-shares': '1' }, /from 2 to 262144/],
    [{ pids: '0' }, /from 1 to 4194304/],
    [{ pids: '2.5' }, /not a whole number/],
    [{ memory: '64M', unset: 'memory' }, /both set and unset/],
    [{ unset: 'memroy' }, /unknown limit/],
    [{ unset: 'pids=vda' }, /only the io limits take a device/],
    [{ 'io-read-bps': 'vda' }, /DEVICE=VALUE/],
    [{ 'io-read-bps': ['vda=1M', 'vda=2M'] }, /given twice/],
    [{ 'io-read-iops': 'vda=fast' }, /not a whole number/],
    [{ swap: '1G' }, /unknown limit "swap"/],
    [{ memory: ['1G', '2G'] }, /given 2 times/],
    [{ memory: { size: 1 } }, /must be a string or number/],
  ])('%j is refused', (vocabulary, message) => {
    const err = refusal(() => parseLimitRequest(vocabulary as Record<string, unknown>));
    expect(err.kind).toBe('input');
    expect(err.message).toMatch(message);
  });
});

describe('reading kernel files back', () => {
  it('knows every way a kernel says "no limit"', () => {
    expect(parseBytesText('9223372036854771712\n')).toBe('max');
    expect(parseBytesText('max\n')).toBe('max');
    expect(parseBytesText('-1')).toBe('max');
    expect(parseBytesText('67108864\n')).toBe(67108864);
  });

  it('tolerates page rounding of byte limits, nothing more', () => {
    expect(checkReadBack({ kind: 'bytes', value: 100_000_000 }, '99999744\n').ok).toBe(true);
    expect(checkReadBack({ kind: 'bytes', value: 100_000_000 }, '100003840\n').ok).toBe(false);
    expect(checkReadBack({ kind: 'bytes', value: 'max' }, '9223372036854771712\n').ok).toBe(true);
  });

  it('compares lists by members and device lines by field', () => {
    expect(checkReadBack({ kind: 'list', value: '0,1' }, '0-1\n').ok).toBe(true);
    expect(deviceFields('254:0 rbps=52428800 wbps=max riops=max wiops=100')).toEqual({ rbps: 52428800, wbps: 'max', riops: 'max', wiops: 100 });
    expect(checkReadBack({ kind: 'device', device: '254:0', fields: { rbps: 52428800 } }, '8:0 rbps=1\n254:0 rbps=52428800 wbps=max riops=max wiops=max\n'))
      .toEqual({ ok: true, effective: '254:0 rbps=52428800 wbps=max riops=max wiops=max' });
    expect(checkReadBack({ kind: 'device', device: '254:0', fields: { value: 'max' } }, '').ok).toBe(true);
    expect(checkReadBack({ kind: 'cpu.max', quotaUs: 'max', periodUs: 100000 }, 'max 100000\n').ok).toBe(true);
  });
});
