// One place for the fuzz suite's budget: a fixed seed so CI failures replay exactly, and a run
// count that `npm run fuzz` raises (FUZZ_RUNS=20000) without touching the tests.

import type { Parameters } from 'fast-check';

/** Seed of the default suite; FUZZ_SEED overrides it to explore (print it when a run fails). */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_141_114);

/** Runs per property: `base` in CI and locally, FUZZ_RUNS (scaled by the property's weight) when asked. */
export function fuzzRuns(base: number): number {
  const wanted = Number(process.env.FUZZ_RUNS);
  if (!Number.isFinite(wanted) || wanted <= 0) return base;
  // Properties whose cases cost a file write or a whole collector keep their ratio to the cheap ones.
  return Math.max(base, Math.round((wanted * base) / 200));
}

export function fuzzParams<T>(base: number): Parameters<T> {
  return { seed: FUZZ_SEED, numRuns: fuzzRuns(base), endOnFailure: true };
}

/**
 * Per-case time bound. A sync parser that loops forever cannot be interrupted from JS, so the
 * vitest timeout is the last guard; this bound catches the super-linear cases (a 1 MiB file that
 * takes seconds) that would not hang but would stall a 1 s sampling tick. Generous: 2 shared cores.
 */
export const CASE_BUDGET_MS = Number(process.env.FUZZ_CASE_BUDGET_MS ?? 1500);

/** Vitest timeout of one property, scaled with the run count. */
export function propertyTimeoutMs(base: number, perRunMs = 20): number {
  return 60_000 + fuzzRuns(base) * perRunMs;
}

export function timed<T>(fn: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = fn();
  return { value, ms: performance.now() - started };
}
