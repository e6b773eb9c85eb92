// Bounds the fds cgmeter keeps open. Each cached fd costs ~4.5 KB of kernel memory and counts
// against RLIMIT_NOFILE; past the budget, cgroups are read by opening per read (slower, but
// never failing), and the collector says how many are in that state.

import { readFileSync } from 'node:fs';

/** fds kept free for sockets (scrapes, engine clients), the ledger, the spool and logs. */
export const FD_RESERVE = 2048;

/** Soft RLIMIT_NOFILE of this process (Node raises it to the hard limit at start). */
export function openFileLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'latin1').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line ? Number(line.split(/\s{2,}/)[1]) : NaN;
    if (Number.isFinite(soft) && soft > 0) return soft;
  } catch {
    // not Linux procfs: use a conservative default
  }
  return 1024;
}

export function defaultFdBudget(): number {
  return Math.max(64, openFileLimit() - FD_RESERVE);
}

export class FdBudget {
  used = 0;
  readonly limit: number;

  constructor(limit?: number) {
    this.limit = limit ?? defaultFdBudget();
    if (!Number.isInteger(this.limit) || this.limit < 0) throw new RangeError(`fd budget must be a non-negative integer, got ${limit}`);
  }

  /** Takes n fds from the budget; false (and nothing taken) when they do not fit. */
  reserve(n: number): boolean {
    if (this.used + n > this.limit) return false;
    this.used += n;
    return true;
  }

  release(n: number): void {
    this.used = Math.max(0, this.used - n);
  }
}
