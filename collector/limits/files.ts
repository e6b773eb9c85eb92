// The allowlist of kernel files cgmeter may write, and how each one's text is checked after a
// write. Nothing outside this table is ever opened for writing: the writer asserts membership.

export type LimitController = 'memory' | 'cpu' | 'cpuset' | 'io' | 'pids' | 'freezer';

interface FileSpec {
  readonly controller: LimitController;
  readonly version: 1 | 2;
}

export const ALLOWED_FILES = {
  'memory.limit_in_bytes': { controller: 'memory', version: 1 },
  'memory.soft_limit_in_bytes': { controller: 'memory', version: 1 },
  'memory.memsw.limit_in_bytes': { controller: 'memory', version: 1 },
  'cpu.cfs_quota_us': { controller: 'cpu', version: 1 },
  'cpu.cfs_period_us': { controller: 'cpu', version: 1 },
  'cpu.shares': { controller: 'cpu', version: 1 },
  'cpuset.cpus': { controller: 'cpuset', version: 1 },
  'cpuset.mems': { controller: 'cpuset', version: 1 },
  'blkio.throttle.read_bps_device': { controller: 'io', version: 1 },
  'blkio.throttle.write_bps_device': { controller: 'io', version: 1 },
  'blkio.throttle.read_iops_device': { controller: 'io', version: 1 },
  'blkio.throttle.write_iops_device': { controller: 'io', version: 1 },
  'pids.max': { controller: 'pids', version: 1 },
  'freezer.state': { controller: 'freezer', version: 1 },
  'memory.max': { controller: 'memory', version: 2 },
  'memory.high': { controller: 'memory', version: 2 },
  'memory.swap.max': { controller: 'memory', version: 2 },
  'cpu.max': { controller: 'cpu', version: 2 },
  'cpu.weight': { controller: 'cpu', version: 2 },
  'io.max': { controller: 'io', version: 2 },
  'cgroup.freeze': { controller: 'freezer', version: 2 },
} as const satisfies Record<string, FileSpec>;
// cpuset.cpus, cpuset.mems and pids.max have the same names on v2; the table lists them once.

export type AllowedFile = keyof typeof ALLOWED_FILES;

export function isAllowedFile(name: string): name is AllowedFile {
  return Object.prototype.hasOwnProperty.call(ALLOWED_FILES, name);
}

/** v2 io.max keys; v1 blkio throttle files hold one bare value per device (`value`). */
export type DeviceKey = 'rbps' | 'wbps' | 'riops' | 'wiops' | 'value';

/** What a file must read after the write for the change to count as taken. Plain data (printed by --dry-run). */
export type Expectation =
  /** Bytes; the kernel rounds down to whole pages, so a read back up to 64 KiB lower is the same limit. */
  | { readonly kind: 'bytes'; readonly value: number | 'max' }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'text'; readonly value: string }
  /** A CPU or node list: the same members however the kernel writes them (`0,1` reads `0-1`). */
  | { readonly kind: 'list'; readonly value: string }
  | { readonly kind: 'device'; readonly device: string; readonly fields: Readonly<Partial<Record<DeviceKey, number | 'max'>>> }
  | { readonly kind: 'cpu.max'; readonly quotaUs: number | 'max'; readonly periodUs: number };

/** v1 memory files say "unlimited" as PAGE_COUNTER_MAX × page size (9223372036854771712 on x86-64). */
const V1_UNLIMITED_FLOOR = 2 ** 62;
const PAGE_ROUNDING_BYTES = 64 * 1024;

/** Bytes in a kernel file: `max`, v1's huge "unlimited" number and -1 all mean no limit. */
export function parseBytesText(text: string): number | 'max' | undefined {
  const t = text.trim();
  if (t === 'max' || t === '-1') return 'max';
  if (!/^\d+$/.test(t)) return undefined;
  const n = Number(t);
  return n >= V1_UNLIMITED_FLOOR ? 'max' : n;
}

/** The line of `MAJ:MIN` in a v1 throttle file or io.max, or undefined when it has none. */
export function deviceLine(text: string, device: string): string | undefined {
  return text.split('\n').map((l) => l.trim()).find((l) => l.split(/\s+/)[0] === device);
}

/** `254:0 rbps=1 wbps=max` → { rbps: 1, wbps: 'max' }; `254:0 1048576` → { value: 1048576 }. */
export function deviceFields(line: string | undefined): Partial<Record<DeviceKey, number | 'max'>> {
  if (line === undefined) return {};
  const fields: Partial<Record<DeviceKey, number | 'max'>> = {};
  for (const token of line.split(/\s+/).slice(1)) {
    const [key, raw] = token.includes('=') ? token.split('=') as [DeviceKey, string] : ['value' as DeviceKey, token];
    fields[key] = raw === 'max' ? 'max' : Number(raw);
  }
  return fields;
}

function sameList(a: string, b: string): boolean {
  const members = (t: string) => {
    const out = new Set<number>();
    for (const part of t.trim().split(',')) {
      if (part === '') continue;
      const [x, y] = part.split('-').map(Number);
      for (let i = x!; i <= (y ?? x)!; i++) out.add(i);
    }
    return [...out].sort((p, q) => p - q).join(',');
  };
  return members(a) === members(b);
}

/** Checks a file's text against what the write meant; `effective` is the relevant part of the text. */
export function checkReadBack(expect: Expectation, text: string): { ok: boolean; effective: string } {
  const trimmed = text.trim();
  switch (expect.kind) {
    case 'bytes': {
      const got = parseBytesText(trimmed);
      const ok = expect.value === 'max' ? got === 'max'
        : typeof got === 'number' && got <= expect.value && expect.value - got < PAGE_ROUNDING_BYTES;
      return { ok, effective: trimmed };
    }
    case 'number': return { ok: trimmed === String(expect.value), effective: trimmed };
    case 'text': return { ok: trimmed === expect.value, effective: trimmed };
    case 'list': return { ok: sameList(trimmed, expect.value), effective: trimmed };
    case 'cpu.max': {
      const [quota, period] = trimmed.split(/\s+/);
      const ok = quota === String(expect.quotaUs) && Number(period) === expect.periodUs;
      return { ok, effective: trimmed };
    }
    case 'device': {
      const line = deviceLine(trimmed, expect.device);
      const fields = deviceFields(line);
      // An absent line, and a v1 value of 0, both mean "no limit".
      const ok = Object.entries(expect.fields).every(([key, want]) => {
        const got = fields[key as DeviceKey];
        return want === 'max' ? got === undefined || got === 'max' || got === 0 : got === want;
      });
      return { ok, effective: line ?? `${expect.device} (no limit)` };
    }
  }
}
