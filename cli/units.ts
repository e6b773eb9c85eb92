// Parsing and printing of durations and sizes, shared by every command.

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * `500ms`, `1s`, `1.5s`, `10m`, `2h` → milliseconds. A bare number is seconds. Zero only where
 * `allowZero` says it means something (usually "off").
 */
export function parseDurationMs(text: string, flag: string, { allowZero = false }: { allowZero?: boolean } = {}): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${flag} ${JSON.stringify(text)} is not a duration; use forms like 500ms, 1s, 10s, 5m`);
  const ms = Number(m[1]) * DURATION_UNITS_MS[m[2] ?? 's']!;
  if (allowZero && ms === 0) return 0;
  if (!(ms > 0)) throw new UsageError(`${flag} must be greater than zero${allowZero ? ' (or 0 for off)' : ''}, got ${text}`);
  return ms;
}

/** docker-stats-like sizes: 113.4MiB, 1.5GiB, 512B. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || Number.isNaN(bytes)) return '-';
  if (bytes === Infinity) return 'max';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)}B` : `${value >= 100 ? value.toFixed(0) : value.toFixed(1)}${units[unit]}`;
}

/** Decimal sizes as docker stats prints I/O: 41.9MB, 3.2kB. */
export function formatDecimalBytes(bytes: number | undefined): string {
  if (bytes === undefined || Number.isNaN(bytes)) return '-';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)}B` : `${value >= 100 ? value.toFixed(0) : value.toFixed(1)}${units[unit]}`;
}

export function formatPercent(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '--' : `${value.toFixed(2)}%`;
}

/** JSON with Infinity as "max" (the kernel's word for unlimited) instead of null. */
export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, (_key, v) => (v === Infinity ? 'max' : v === -Infinity ? '-max' : v), indent);
}

export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number> = new Set()): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('   ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
