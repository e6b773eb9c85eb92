// cgmeter_limit_changes_total{outcome}: every audit entry counted by its outcome, for `cgmeter serve`'s
// /metrics (the CLI is one process per change; its counter dies with it, the audit log does not).

import { Counter, type Registry } from 'prom-client';
import { AUDIT_OUTCOMES, type AuditOutcome, type OutcomeCounter } from './audit.js';

export const LIMIT_CHANGES_METRIC = 'cgmeter_limit_changes_total';

/**
 * Registers the counter in `registry` and returns the handle the AuditLog increments. Every outcome
 * starts at 0 so that rate() and alerts work before the first change.
 */
export function registerLimitMetrics(registry: Registry): OutcomeCounter {
  const counter = new Counter({
    name: LIMIT_CHANGES_METRIC,
    help: 'Kernel limit file changes attempted through cgmeter (CLI or API), and refused requests, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  for (const outcome of AUDIT_OUTCOMES) counter.labels(outcome).inc(0);
  return { inc: (outcome: AuditOutcome) => counter.labels(outcome).inc() };
}
