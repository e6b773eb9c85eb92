// LimitActions on the limits library (collector/limits): the selected row's cgroup path is
// resolved among the cgroups discovery knows, planned, applied with read-back and rollback, and
// audited — the same path `cgmeter limit/freeze/thaw` takes. The dashboard writes no file itself.

import { basename } from 'node:path';
import type { Collector } from '../../collector/poller.js';
import { shortBytes } from '../text/format.js';
import {
  AuditLog, DEFAULT_FREEZE_TIMEOUT_MS, LimitError, applyPlan, cliActor, knownCgroups, parseLimitRequest,
  planFreeze, planLimits, resolveTarget, targetOf, type Actor, type ApplyResult, type LimitAction, type Plan,
  type Target as LimitTarget,
} from '../../collector/limits/index.js';
import type { LimitResource, Target } from '../model/ui-state.js';
import type { ActionResult, LimitActions } from './limit-actions.js';

export interface KernelLimitActionsOptions {
  /** The running collector: its hierarchy and the cgroups it discovered are the only valid targets. */
  readonly collector: Collector;
  readonly auditLogPath: string;
  readonly actor?: Actor;
  readonly freezeTimeoutMs?: number;
}

/** The limits library's word for each resource of the `e` form. */
const KNOB: Readonly<Record<LimitResource, 'cpus' | 'memory' | 'pids'>> = { cpu: 'cpus', memory: 'memory', pids: 'pids' };

/** The library's vocabulary is text (`512M`, `1.5`, `max`); the form already checked the value. */
function vocabularyValue(value: number): string {
  return value === Infinity ? 'max' : String(Number.isInteger(value) ? value : Number(value.toPrecision(6)));
}

/**
 * A kernel file's value as a person reads it: `max` for the unlimited spellings (v1's -1 and 2^63
 * rounded down to a page), sizes in memory files as `48M`; anything else as the kernel wrote it.
 */
export function kernelValueText(file: string, text: string): string {
  const t = text.trim();
  if (t === '-1' || t === 'max' || /^\d{19}$/.test(t)) return 'max';
  if (/(^|\/)memory\.[\w.]+$/.test(file) && /^\d+$/.test(t)) return shortBytes(Number(t));
  return t;
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
      return { ok: result.ok, message: describe(action, target.name, result) };
    } catch (err) {
      if (!(err instanceof LimitError)) throw err;
      // Refusals are audited like the CLI's; a log that cannot be written does not hide the refusal.
      const unlogged = this.audit.recordRefusal(this.actor, action, targetOf(resolved, target.key), err.message);
      return { ok: false, message: `${action} ${target.name}: ${err.message}${unlogged ? ` (not logged: ${unlogged})` : ''}` };
    }
  }
}

function describe(action: LimitAction, name: string, result: ApplyResult): string {
  if (!result.ok) return `${action} ${name} failed, nothing left changed: ${result.error?.message ?? 'unknown error'}`;
  if (action !== 'limit') return `${name} ${action === 'freeze' ? 'frozen' : 'thawed'}`;
  const writes = result.writes.filter((w) => w.outcome === 'applied');
  const shown = writes.map((w) => {
    const file = basename(w.file);
    const now = w.effective === undefined ? '' : `, reads ${kernelValueText(file, w.effective)}`;
    return `${file} ${kernelValueText(file, w.old)} → ${kernelValueText(file, w.new)}${now}`;
  });
  return `${name}: ${shown.join('; ')}`;
}
