// Compact numbers for narrow cells: at most 6 columns for any size or rate, so that a table column
// has one width for every row. `-` means unknown (undefined from the kernel), never zero.

export const UNKNOWN = '-';

const IEC = ['B', 'K', 'M', 'G', 'T', 'P'];

/** 1024-based size in ≤ 6 columns: `512B`, `1.5K`, `213M`, `12.0G`; `max` for unlimited. */
export function shortBytes(bytes: number | undefined): string {
  if (bytes === undefined || Number.isNaN(bytes)) return UNKNOWN;
  if (bytes === Infinity) return 'max';
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < IEC.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)}B`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value).toString()}${IEC[unit]}`;
}

/** A byte rate per second in ≤ 6 columns (`1.2M`; the column header says /s). */
export function shortRate(bytesPerSecond: number | undefined): string {
  return shortBytes(bytesPerSecond);
}

/** CPU cores used: `0.00`…`9.99`, then `12.3`, `123`. */
export function cores(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return UNKNOWN;
  if (value === Infinity) return 'max';
  if (value < 10) return value.toFixed(2);
  if (value < 100) return value.toFixed(1);
  return Math.round(value).toString();
}

/** A percentage in ≤ 5 columns: `0.5%`, `86%`, `100%`, `999%+`. */
export function percent(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return UNKNOWN;
  if (value < 10) return `${value.toFixed(1)}%`;
  if (value < 1000) return `${Math.round(value)}%`;
  return '999%+';
}

/** An event rate per second (refaults, scans): `0`, `12`, `1.2k`, `34M`. */
export function shortCount(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return UNKNOWN;
  if (value === Infinity) return 'max';
  const units = ['', 'k', 'M', 'G', 'T'];
  let v = Math.max(0, value);
  let unit = 0;
  while (v >= 1000 && unit < units.length - 1) {
    v /= 1000;
    unit++;
  }
  if (unit === 0) return v < 10 && v !== Math.round(v) ? v.toFixed(1) : Math.round(v).toString();
  return `${v < 10 ? v.toFixed(1) : Math.round(v).toString()}${units[unit]}`;
}

/** Age in ≤ 6 columns: `45s`, `12m03s`, `3h04m`, `12d03h`. */
export function duration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return UNKNOWN;
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  const days = Math.floor(s / 86_400);
  return days < 100 ? `${days}d${String(Math.floor((s % 86_400) / 3600)).padStart(2, '0')}h` : `${days}d`;
}

/** Interval for the header: `500ms`, `1s`, `2.5s`. */
export function interval(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${Number((ms / 1000).toFixed(1))}s`;
}

/** Wall-clock time of a frame, local time, for the header and replay: `14:03:07`. */
export function clock(timeMs: number): string {
  const d = new Date(timeMs);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** Date and time for replay positions: `2026-11-23 14:03:07`. */
export function dateTime(timeMs: number): string {
  const d = new Date(timeMs);
  const date = [d.getFullYear(), d.getMonth() + 1, d.getDate()].map((n, i) => String(n).padStart(i === 0 ? 4 : 2, '0')).join('-');
  return `${date} ${clock(timeMs)}`;
}
