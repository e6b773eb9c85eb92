// Test support: poll until a condition holds, instead of sleeping a guessed time.
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Said in the timeout error, e.g. 'stress-ng to reach 180 MiB'. */
  what?: string;
  /**
   * Checked before each try: a message means waiting longer cannot help (the process that should
   * answer has exited), and waitFor throws it at once instead of polling until the deadline.
   */
  giveUp?: () => string | undefined;
}

/**
 * Calls `predicate` every `intervalMs` until it returns a value other than false/undefined/null
 * and resolves with that value. A throwing predicate counts as "not yet"; on timeout the error
 * names `what`, the last value seen and the last error.
 */
export async function waitFor<T>(
  predicate: () => T | false | undefined | null | Promise<T | false | undefined | null>,
  { timeoutMs = 5_000, intervalMs = 50, what = 'condition', giveUp }: WaitForOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let lastValue: unknown;
  for (;;) {
    const hopeless = giveUp?.();
    if (hopeless !== undefined) throw new Error(`gave up waiting for ${what}: ${hopeless}`);
    try {
      const value = await predicate();
      if (value !== false && value !== undefined && value !== null) return value;
      lastValue = value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await sleep(intervalMs);
  }
  const detail = lastError !== undefined ? `last error: ${String(lastError)}` : `last value: ${String(lastValue)}`;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${detail})`);
}
