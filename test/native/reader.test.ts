// The batch reader's contract, run against both implementations: exact values on real kernel
// files (v1 and v2), then the edges — malformed bytes, big files, sentinels, bad fds, and a
// cgroup removed while its file is open.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, rmdirSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { FileFormat, deviceNumber, formatSpec, type FormatSpec } from '../../native/index.js';
import { READERS, TempFiles, readFds, readPaths } from './harness.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'native');
const { EBADF, EFBIG, EISDIR, ENODEV } = constants.errno;
const DISK = deviceNumber(254, 0);

const single = formatSpec(FileFormat.Single);
const pair = formatSpec(FileFormat.Pair);
const lineCount = formatSpec(FileFormat.LineCount);
const pressure = formatSpec(FileFormat.Pressure);
const keyed = (...keys: string[]) => formatSpec(FileFormat.Keyed, keys);
const list = (maxRows: number) => formatSpec(FileFormat.List, [], maxRows);
const deviceLines = (maxRows: number, ...keys: string[]) => formatSpec(FileFormat.DeviceLines, keys, maxRows);
const deviceKeyed = (maxRows: number, ...keys: string[]) => formatSpec(FileFormat.DeviceKeyed, keys, maxRows);
const N = NaN;

// [file under test/fixtures/native, spec, exact slots] — values from the fixture READMEs.
type Case = readonly [string, FormatSpec, readonly number[]];
const KERNEL_CASES: Record<'v1' | 'v2', readonly Case[]> = {
  v1: [
    ['v1/docker-a/memory.stat', keyed('rss', 'cache', 'hierarchical_memory_limit', 'total_rss', 'absent'), [108163072, 3862528, 268435456, 108163072, N]],
    ['v1/docker-a/cpu.stat', keyed('nr_periods', 'nr_throttled', 'throttled_time'), [159, 155, 22347128110]],
    ['v1/docker-a/cpuacct.stat', keyed('user', 'system'), [745, 35]],
    ['v1/docker-a/cpuacct.usage', single, [7808045373]],
    ['v1/docker-a/memory.usage_in_bytes', single, [113426432]],
    ['v1/docker-a/cpuacct.usage_percpu', list(4), [2, 4246452252, 3561593121, N, N]],
    ['v1/docker-a/cpuacct.usage_percpu', list(1), [1, 4246452252]],
    ['v1/docker-a/blkio.throttle.io_service_bytes', deviceLines(2, 'Read', 'Write', 'Sync', 'Async', 'Total'),
      [1, DISK, 43507712, 41943040, 85450752, 0, 85450752, N, N, N, N, N, N]],
    ['v1/docker-b/blkio.throttle.io_service_bytes', deviceLines(1, 'Read', 'Total'), [0, N, N, N]],
    ['v1/docker-a/cgroup.procs', lineCount, [5]],
    ['v1/docker-b/memory.oom_control', keyed('oom_kill_disable', 'under_oom', 'oom_kill'), [0, 0, 41]],
    ['v1/docker-b/pids.events', keyed('max'), [1]],
    ['v1/docker-b/pids.max', single, [20]],
    ['v1/docker-b/cpu.cfs_quota_us', single, [-1]],
    ['v1/docker/pids.max', single, [Infinity]],
    // 9223372036854771712 = 2^63 − 4096: "unlimited", never a rounded byte count.
    ['v1/root/memory.limit_in_bytes', single, [Infinity]],
  ],
  v2: [
    ['v2/docker-a/io.stat', deviceKeyed(2, 'rbytes', 'wbytes', 'rios', 'wios', 'dbytes', 'dios'),
      [1, DISK, 25165824, 25165824, 26, 26, 0, 0, N, N, N, N, N, N, N]],
    ['v2/libpod/io.stat', deviceKeyed(1, 'wios', 'rbytes'), [1, DISK, 16, 8388608]],
    ['v2/docker-b/io.stat', deviceKeyed(1, 'rbytes'), [0, N, N]],
    ['v2/libpod/io.max', deviceKeyed(1, 'rbps', 'wbps', 'riops', 'wiops'), [1, DISK, Infinity, 10485760, 1000, Infinity]],
    ['v2/docker-a/cpu.pressure', pressure, [30.17, 16.58, 4.37, 13802466, 29.34, 15.38, 4.01, 12693052]],
    ['v2/libpod/memory.pressure', pressure, [2.39, 6.65, 2.15, 7111009, 2.32, 6.43, 2.07, 6906126]],
    ['v2/root/cpu.pressure', pressure, [39.35, 22.86, 6.11, 19215490, 0, 0, 0, 0]],
    ['v2/docker-a/cpu.max', pair, [50000, 100000]],
    ['v2/docker-b/cpu.max', pair, [Infinity, 100000]],
    ['v2/burstable-app/memory.events', keyed('low', 'high', 'max', 'oom', 'oom_kill', 'oom_group_kill'), [0, 0, 182, 1, 1, 0]],
    ['v2/docker-a/cpu.stat', keyed('usage_usec', 'nr_throttled', 'throttled_usec'), [14940880, 279, 10994608]],
    ['v2/docker-a/cgroup.procs', lineCount, [3]],
    ['v2/docker-a/memory.current', single, [139776000]],
    ['v2/docker-b/memory.max', single, [Infinity]],
  ],
};

describe.each(READERS)('$name reader', ({ name, skip, create }) => {
  if (skip !== undefined) {
    it.skip(`skipped: ${skip}`, () => {});
    return;
  }
  let temp: TempFiles; // made in beforeAll: a filtered-out suite runs no afterAll to clean up
  beforeAll(() => {
    temp = new TempFiles();
  });
  afterAll(() => temp.remove());
  /** Reads texts written to temp files, one spec each, in one batch. */
  const readTexts = (...files: Array<readonly [string | Uint8Array, FormatSpec]>) =>
    readPaths(create, files.map(([text, spec]) => [temp.write(text), spec] as const));
  const readOne = (text: string | Uint8Array, spec: FormatSpec) => readTexts([text, spec]).slots[0];

  describe.each(['v1', 'v2'] as const)('kernel files, cgroup %s', (version) => {
    const cases = KERNEL_CASES[version];
    it.each(cases)('%s', (file, spec, expected) => {
      const result = readPaths(create, [[join(FIXTURES, file), spec]]);
      expect(result.errnos).toEqual([0]);
      expect(result.slots[0]).toEqual(expected);
    });

    it('reads the whole set in one call, each file into its own slots', () => {
      const result = readPaths(create, cases.map(([file, spec]) => [join(FIXTURES, file), spec] as const));
      expect(result.failures).toBe(0);
      expect(result.errnos).toEqual(cases.map(() => 0));
      expect(result.slots).toEqual(cases.map(([, , expected]) => expected));
    });
  });

  it('covers every FileFormat with kernel text', () => {
    const used = new Set([...KERNEL_CASES.v1, ...KERNEL_CASES.v2].map(([, spec]) => spec.format));
    const all = Object.values(FileFormat).filter((v): v is FileFormat => typeof v === 'number');
    expect([...used].sort()).toEqual(all.sort());
  });

  describe('number tokens', () => {
    it.each([
      ['42\n', 42], ['  42 \t\n', 42], ['', N], ['\n\n', N], ['max\n', Infinity], ['MAX', N], ['-max', N],
      ['-1', -1], ['-0', -0], ['0.25', 0.25], ['-0.5', -0.5], ['30.17', 30.17], ['1.', N], ['.5', N],
      ['1.5.2', N], ['+5', N], ['0x10', N], ['1e5', N], ['12abc', N], ['-', N], ['42\r\n', N],
      ['000000000000000000000000042', 42],
      // Past 15 digits: correctly rounded, like (double)strtoull and Number().
      ['9007199254740993', 9007199254740992], ['4611686018427387392', 4611686018427387392],
      // At or above 2^62 (after rounding): the kernel's unlimited sentinels.
      ['4611686018427387903', Infinity], ['4611686018427387904', Infinity], ['9223372036854771712', Infinity],
      ['18446744073709551615', Infinity], ['123456789012345678901234567890', Infinity], ['-9223372036854775808', -Infinity],
      // Fractions are never sentinels, and overflow/underflow like Number().
      ['9223372036854771712.0', 9223372036854771712], [`1${'0'.repeat(400)}.5`, Infinity], [`-0.${'0'.repeat(400)}1`, -0],
    ] as const)('%j -> %s', (text, expected) => {
      expect(readOne(text, single)).toEqual([expected]);
    });
  });

  describe('malformed, truncated and binary input', () => {
    it('keeps what parses and leaves the rest NaN', () => {
      const spec = keyed('rss', 'cache', 'swap');
      expect(readOne('rss 1081', spec)).toEqual([1081, N, N]); // truncated mid-number, no newline
      expect(readOne('rss\ncache', spec)).toEqual([N, N, N]); // keys without values
      expect(readOne('rss 12\x00\x01\ncache\t\t 7 trailing words\nswap 1 \n', spec)).toEqual([N, 7, 1]);
      expect(readOne('rss 1\nrss 2\n', spec)).toEqual([2, N, N]); // a repeated key: the last line wins
      expect(readOne('  rss   5  \n', spec)).toEqual([5, N, N]);
    });

    it('truncated device and pressure rows', () => {
      const io = deviceKeyed(2, 'rbytes', 'wbytes', 'rios');
      expect(readOne('254:0 rbytes=25165824 wbytes=251', io)).toEqual([1, DISK, 25165824, 251, N, N, N, N, N]);
      expect(readOne('254:0 rbytes=1 =5 rios wbytes=2=3\n254:', io)).toEqual([1, DISK, 1, N, N, N, N, N, N]);
      expect(readOne('some avg10=30.17 avg60=', pressure)).toEqual([30.17, N, N, N, N, N, N, N]);
      expect(readOne('full total=9\nsome\n', pressure)).toEqual([N, N, N, N, N, N, N, 9]);
    });

    it('device tables: rows by first appearance, merged, capped at maxRows, bad devnos skipped', () => {
      const spec = deviceLines(2, 'Read', 'Write');
      const text = '8:0 Read 1\n8:16 Read 2\n8:0 Write 3\n9:0 Read 4\n8:1048576 Read 5\n1234567890:0 Read 6\n8:x Read 7\n';
      expect(readOne(text, spec)).toEqual([2, deviceNumber(8, 0), 1, 3, deviceNumber(8, 16), 2, N]);
      expect(readOne('Total 85450752\n', spec)).toEqual([0, N, N, N, N, N, N]);
    });

    it('binary bytes never throw and parse to NaN or counts', () => {
      const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 167 + 13) & 0xff);
      const result = readTexts([bytes, keyed('a', 'b')], [bytes, deviceKeyed(2, 'a')], [bytes, pressure], [bytes, list(3)], [bytes, lineCount]);
      expect(result.errnos).toEqual([0, 0, 0, 0, 0]);
      expect(result.slots[0]).toEqual([N, N]);
      expect(result.slots[1]).toEqual([0, N, N, N, N]);
      expect(result.slots[2]).toEqual(Array(8).fill(N));
      expect(result.slots[3]![0]).toBe(3);
      expect(result.slots[4]).toEqual([17]); // (167 * i + 13) & 0xff hits '\n' 16 times, plus the last line
    });
  });

  describe('file sizes', () => {
    it('reads a file larger than 64 KiB whole (20k-line cgroup.procs)', () => {
      const pids = Array.from({ length: 20_000 }, (_, i) => 100_000 + i);
      const text = pids.join('\n') + '\n';
      expect(text.length).toBeGreaterThan(64 * 1024);
      const result = readTexts([text, lineCount], [text, list(20_000)], ['42\n', single]);
      expect(result.slots[0]).toEqual([20_000]);
      expect(result.slots[1]).toEqual([20_000, ...pids]);
      expect(result.slots[2]).toEqual([42]); // the grown buffer serves small files as well
    });

    it('finds a key past the first 64 KiB', () => {
      const text = 'filler 1\n'.repeat(10_000) + 'wanted 77\n';
      expect(readOne(text, keyed('wanted'))).toEqual([77]);
    });

    it('refuses a file of 16 MiB or more with EFBIG, and goes on with the next', () => {
      const big = temp.write('');
      const fd = openSync(big, 'r+');
      const small = openSync(temp.write('5\n'), 'r');
      try {
        // A sparse file: 17 MiB of zeros costs no disk.
        ftruncateSync(fd, 17 * 1024 * 1024);
        const result = readFds(create, [fd, small], [keyed('a', 'b'), single]);
        expect(result.failures).toBe(1);
        expect(result.errnos).toEqual([EFBIG, 0]);
        expect(result.slots).toEqual([[N, N], [5]]);
      } finally {
        closeSync(fd);
        closeSync(small);
      }
    });
  });

  describe('failed reads', () => {
    it('a closed fd and a never-opened fd: EBADF, NaN slots, neighbours unaffected', () => {
      // Open the good file first: the closed fd's number must not be handed out again.
      const good = openSync(temp.write('some avg10=1.5 avg60=2 avg300=3 total=4\n'), 'r');
      const closed = openSync(temp.write('1\n'), 'r');
      closeSync(closed);
      try {
        const result = readFds(create, [closed, good, 1_000_000], [keyed('x', 'y'), pressure, list(2)]);
        expect(result.failures).toBe(2);
        expect(result.errnos).toEqual([EBADF, 0, EBADF]);
        expect(result.slots).toEqual([[N, N], [1.5, 2, 3, 4, N, N, N, N], [N, N, N]]);
      } finally {
        closeSync(good);
      }
    });

    // Node refuses fd -1 before the system call; the fallback answers what the kernel would.
    it('a negative fd: EBADF', () => {
      const result = readFds(create, [-1], [single]);
      expect(result.errnos).toEqual([EBADF]);
      expect(result.slots).toEqual([[N]]);
    });

    it('a directory: EISDIR', () => {
      const fd = openSync(temp.dir, 'r');
      try {
        expect(readFds(create, [fd], [single]).errnos).toEqual([EISDIR]);
      } finally {
        closeSync(fd);
      }
    });

    const PIDS_ROOT = '/sys/fs/cgroup/pids';
    const canMakeCgroups = process.getuid?.() === 0 && existsSync(join(PIDS_ROOT, 'cgroup.procs'));
    it.skipIf(!canMakeCgroups)('a cgroup removed while its file is open: ENODEV', () => {
      const dir = join(PIDS_ROOT, `cgmeter-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
      mkdirSync(dir);
      let fd = -1;
      try {
        fd = openSync(join(dir, 'pids.current'), 'r');
        expect(readFds(create, [fd], [single]).slots).toEqual([[0]]);
        rmdirSync(dir);
        const result = readFds(create, [fd], [single]);
        expect(result.errnos).toEqual([ENODEV]);
        expect(result.slots).toEqual([[N]]);
      } finally {
        if (fd >= 0) closeSync(fd);
        if (existsSync(dir)) rmdirSync(dir);
      }
    });
  });
});
