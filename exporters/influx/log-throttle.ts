// Logging of write failures: a sink that is down fails every few seconds for as long as it is
// down, and one line per failure would bury everything else. Each kind of failure (its key) is
// logged the first time, then at most once a minute with the count of repeats in between. Kinds
// are throttled apart: an outage of the sink and a full spool disk interleave (every failed send
// tries to spool, every spool append fails), and throttling only the last kind would log both
// on every cycle.

export interface InfluxLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const REPEAT_EVERY_MS = 60_000;

interface Seen {
  lastAtMs: number;
  repeats: number;
}

export class LogThrottle {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly log: InfluxLog, private readonly now: () => number = Date.now) {}

  /** `key` names the kind of failure (e.g. `server:503`); the message says what and what happens next. */
  note(level: 'warn' | 'error', key: string, message: () => string): void {
    const now = this.now();
    const seen = this.seen.get(key);
    if (seen !== undefined && now - seen.lastAtMs < REPEAT_EVERY_MS) {
      seen.repeats++;
      return;
    }
    const suffix = seen !== undefined && seen.repeats > 0 ? ` (${seen.repeats} more like this since the last report)` : '';
    this.log[level](message() + suffix);
    this.seen.set(key, { lastAtMs: now, repeats: 0 });
  }

  /** True while `key` has been noted and not cleared: an episode of that failure is under way. */
  active(key: string): boolean {
    return this.seen.has(key);
  }

  /** The episode of `key` is over (or, without a key, of every kind after a successful write): the next failure is news again. */
  reset(key?: string): void {
    if (key === undefined) this.seen.clear();
    else this.seen.delete(key);
  }
}
