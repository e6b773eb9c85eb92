// The server writes unlimited values as "max" (cli/units.ts toJson); the page's numbers want Infinity
// back, as the dashboard's formatters expect. No DOM here: tests import it under Node.

/** Fields that may hold "max" (unlimited); elsewhere "max" is text, e.g. a container named max. */
const UNLIMITED_FIELDS = new Set([
  'limitBytes', 'highBytes', 'reservationBytes', 'swapLimitBytes', 'quotaUs', 'max', 'limitCores',
  'memoryBytes', 'cpuCores', 'pidsMax', 'percentOfLimit',
]);

export function parseJson<T>(text: string): T {
  return JSON.parse(text, (key, value: unknown) => (value === 'max' && UNLIMITED_FIELDS.has(key) ? Infinity : value)) as T;
}
