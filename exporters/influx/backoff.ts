// How long to wait before the next try: exponential with "equal jitter" (half fixed, half random,
// so a fleet of nodes that lost the same sink does not come back in lockstep), and the server's
// Retry-After when it gave one.

export interface BackoffOptions {
  readonly minRetryDelayMs: number;
  readonly maxRetryDelayMs: number;
}

/** A Retry-After beyond this is treated as this: a wrong header must not stall writes for hours. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** Delay before try number `attempt + 1`, after `attempt` (≥ 1) consecutive failures. */
export function retryDelayMs(attempt: number, options: BackoffOptions, retryAfterMs?: number, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined) {
    // Honoured as asked, plus up to 10% so that clients told the same instant do not all return in it.
    const asked = Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
    return Math.round(asked + random() * Math.min(asked * 0.1, 1000));
  }
  const ceiling = Math.min(options.maxRetryDelayMs, options.minRetryDelayMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
