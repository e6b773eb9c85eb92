// --from / --to: ISO times (`2026-03-01`, `2026-03-01T12:00Z`), `now`, and times relative to now
// (`-24h`, `now-7d`, `-90m`). `-24h` must be written `--from=-24h` (a value that starts with a dash
// is refused by the argument parser otherwise); `now-24h` needs no `=`.

import { ReportInputError } from './pricing.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseTimeMs(text: string, nowMs: number, flag: string): number {
  const t = text.trim();
  if (t === 'now') return nowMs;
  const relative = /^(?:now)?([+-])(\d+(?:\.\d+)?)(s|m|h|d|w)$/.exec(t);
  if (relative) {
    const offset = Number(relative[2]) * UNIT_MS[relative[3]!]!;
    return relative[1] === '-' ? nowMs - offset : nowMs + offset;
  }
  // Date.parse reads many forms loosely; only ISO 8601 dates and date-times are accepted.
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(t)) {
    const ms = Date.parse(t.replace(' ', 'T'));
    if (Number.isFinite(ms)) return ms;
  }
  throw new ReportInputError(`${flag} ${JSON.stringify(text)}: use an ISO time (2026-03-01, 2026-03-01T12:00:00Z), now, or a time relative to now (${flag}=-24h, now-7d)`);
}

export interface TimeRange {
  readonly fromMs: number;
  readonly toMs: number;
}

export function parseTimeRange(from: string | undefined, to: string | undefined, nowMs: number): TimeRange {
  const toMs = parseTimeMs(to ?? 'now', nowMs, '--to');
  const fromMs = parseTimeMs(from ?? '-24h', nowMs, '--from');
  if (!(fromMs < toMs)) throw new ReportInputError(`--from (${new Date(fromMs).toISOString()}) must be before --to (${new Date(toMs).toISOString()})`);
  return { fromMs, toMs };
}
