// Time sources. Rates use CLOCK_MONOTONIC (process.hrtime), which is system-wide on Linux, so
// two samples taken by different cgmeter processes on one boot still give a true interval.

export function monotonicMs(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1000;
}
