// Times a user types for `--from` and the replay jump prompt: relative (`-10m`, `+1h30m`,
// `10m ago`), a clock time today (`14:03`, `14:03:07`), a date and time (`2026-11-23T14:03`,
// `2026-11-23 14:03:07`, local unless it says Z or an offset), epoch seconds or ms, or `now`.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export class TimeSpecError extends Error {
  override readonly name = 'TimeSpecError';
}

/** `1h30m`, `90s`, `500ms` → ms; undefined when it is not a duration. */
export function parseDurationSpec(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
}

/**
 * A time in ms since the epoch. `relativeTo` is what `+`/`-` count from (the replay position, or
 * now for --from); `nowMs` anchors clock times and `ago`.
 */
export function parseTimeSpec(spec: string, relativeTo: number, nowMs = Date.now()): number {
  const text = spec.trim();
  if (text === 'now') return nowMs;
  const relative = /^([+-])\s*(\S+)$/.exec(text);
  if (relative) {
    const ms = parseDurationSpec(relative[2]!);
    if (ms === undefined) throw bad(spec);
    return relative[1] === '+' ? relativeTo + ms : relativeTo - ms;
  }
  const ago = /^(\S+)\s+ago$/.exec(text);
  if (ago) {
    const ms = parseDurationSpec(ago[1]!);
    if (ms === undefined) throw bad(spec);
    return nowMs - ms;
  }
  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (clock) {
    const d = new Date(nowMs);
    d.setHours(Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0), 0);
    // A clock time later than now means that time yesterday: replay looks back.
    if (d.getTime() > nowMs) d.setDate(d.getDate() - 1);
    return d.getTime();
  }
  if (/^\d{9,13}$/.test(text)) {
    const n = Number(text);
    return text.length >= 12 ? n : n * 1000;
  }
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(text)) {
    // Date-only ISO strings parse as UTC in JS; say midnight local, as a person means it.
    const normalised = text.length === 10 ? `${text}T00:00` : text.replace(' ', 'T');
    const ms = Date.parse(normalised);
    if (Number.isFinite(ms)) return ms;
  }
  throw bad(spec);
}

function bad(spec: string): TimeSpecError {
  return new TimeSpecError(`${JSON.stringify(spec)} is not a time; use -10m, +1h, "10m ago", 14:03, 2026-11-23T14:03, epoch seconds, or now`);
}
