// The write side of cgmeter: validated, ordered, read-back, audited changes of cgroup limits. Its
// Prometheus counter (metrics.ts, prom-client) is imported from there by serve alone: `cgmeter limit`
// does not load prom-client.
export { LimitError, httpStatusOf, type LimitErrorKind } from './errors.js';
export { parseLimitRequest, LIMIT_KNOBS, type LimitKnob, type LimitRequest, type IoLimitRequest, type IoField } from './request.js';
export { parseSizeBytes, parseCpus, parsePeriodUs } from './values.js';
export { resolveTarget, knownCgroups, type Target, type KnownCgroup, type ControllerHome } from './target.js';
export { planLimits, type Plan, type PlannedWrite, type PlanOptions, type LimitAction } from './plan.js';
export { planFreeze, DEFAULT_FREEZE_TIMEOUT_MS } from './freeze.js';
export { applyPlan, type ApplyResult, type WriteResult } from './apply.js';
export { AuditLog, DEFAULT_AUDIT_LOG, cliActor, targetOf, type Actor, type AuditEntry, type AuditOutcome } from './audit.js';
export { ALLOWED_FILES, type AllowedFile } from './files.js';
export { readHostFacts, type HostFacts } from './host-facts.js';
