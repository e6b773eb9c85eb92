// LimitActions on the limits library (collector/limits): the selected row's cgroup path is
// resolved among the cgroups discovery knows, planned, applied with read-back and rollback, and
// audited — the same path `cgmeter limit/freeze/thaw` takes. The dashboard writes no file itself.

import type { Collector } from '../../collector/poller.js';
import {
  AuditLog, DEFAULT_FREEZE_TIMEOUT_MS, LimitError, applyPlan, cliActor, knownCgroups, parseLimitRequest,
  planFreeze, planLimits, resolveTarget, targetOf, type Actor, type LimitAction, type Plan,
  type Target as LimitTarget,
} from '../../collector/limits/index.js';
import type { LimitResource, Target } from '../model/ui-state.js';
import type { ActionResult, LimitActions } from './limit-actions.js';
import { describeResult, KNOB, vocabularyValue } from './result-text.js';

export interface KernelLimitActionsOptions {
  /** The running collector: its hierarchy and the cgroups it discovered are the only valid targets. */
  readonly collector: Collector;
  readonly auditLogPath: string;
  readonly actor?: Actor;
  readonly freezeTimeoutMs?: number;
}

export class KernelLimitActions implements LimitActions {
  private readonly audit: AuditLog;
  private readonly actor: Actor;

  constructor(private readonly options: KernelLimitActionsOptions) {
    this.audit = new AuditLog(options.auditLogPath);
    this.actor = options.actor ?? cliActor();
  }

  setLimit(target: Target, resource: LimitResource, value: number): Promise<ActionResult> {
    return this.run('limit', target, (resolved) =>
      planLimits(resolved, parseLimitRequest({ [KNOB[resource]]: vocabularyValue(value) }), { force: false }));
  }

  freeze(target: Target): Promise<ActionResult> {
    return this.run('freeze', target, (resolved) => planFreeze(resolved, 'freeze', this.options.freezeTimeoutMs ?? DEFAULT_FREEZE_TIMEOUT_MS));
  }

  thaw(target: Target): Promise<ActionResult> {
    return this.run('thaw', target, (resolved) => planFreeze(resolved, 'thaw', this.options.freezeTimeoutMs ?? DEFAULT_FREEZE_TIMEOUT_MS));
  }

  private async run(action: LimitAction, target: Target, plan: (resolved: LimitTarget) => Plan): Promise<ActionResult> {
    const { collector } = this.options;
    let resolved: LimitTarget | undefined;
    try {
      // By path: the row is a cgroup discovery listed; names can be ambiguous, paths cannot.
      resolved = resolveTarget(collector.hierarchy, knownCgroups(collector), target.key, { allowRoot: false });
      const result = await applyPlan(plan(resolved), { audit: this.audit, actor: this.actor });
      // Limits are read on the slow cadence: read this cgroup's again now, so the next frame shows the change.
      collector.refreshSlowFiles(resolved.path);
      return { ok: result.ok, message: describeResult(action, target.name, result) };
    } catch (err) {
      if (!(err instanceof LimitError)) throw err;
      // Refusals are audited like the CLI's; a log that cannot be written does not hide the refusal.
      const unlogged = this.audit.recordRefusal(this.actor, action, targetOf(resolved, target.key), err.message);
      return { ok: false, message: `${action} ${target.name}: ${err.message}${unlogged ? ` (not logged: ${unlogged})` : ''}` };
    }
  }
}
