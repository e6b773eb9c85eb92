// Logging of write failures: a sink that is down fails every few seconds for as long as it is
// down, and one line per failure would bury everything else. A message is logged when its kind
// changes, and again at most once a minute with the count of repeats in between.

export interface InfluxLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const REPEAT_EVERY_MS = 60_000;

export class LogThrottle {
  private lastKey?: string;
  private lastAtMs = 0;
  private repeats = 0;

  constructor(private readonly log: InfluxLog, private readonly now: () => number = Date.now) {}

  /** `key` names the kind of failure (e.g. `server:503`); the message says what and what happens next. */
  note(level: 'warn' | 'error', key: string, message: () => string): void {
    const now = this.now();
    if (key === this.lastKey && now - this.lastAtMs < REPEAT_EVERY_MS) {
      this.repeats++;
      return;
    }
    const suffix = key === this.lastKey && this.repeats > 0 ? ` (${this.repeats} more like this since the last report)` : '';
    this.log[level](message() + suffix);
    this.lastKey = key;
    this.lastAtMs = now;
    this.repeats = 0;
  }

  /** After a success: the next failure is news again. */
  reset(): void {
    this.lastKey = undefined;
    this.repeats = 0;
  }
}
