// The work of `cgmeter limit`, `freeze` and `thaw` (flags and help: limit.ts): resolve among discovered
// cgroups → plan → dry run or apply with read-back and rollback → report → audit.

import type { ParsedArgs } from '../command.js';
import { collectorOptionsFrom } from '../common-flags.js';
import { metadataFromArgs } from '../metadata-flags.js';
import { parseDurationMs, toJson, UsageError } from '../units.js';
import { Collector } from '../../collector/poller.js';
import { HierarchyError } from '../../collector/hierarchy/hierarchy.js';
import { EngineMetadataCache } from '../../collector/metadata/index.js';
import {
  AuditLog, DEFAULT_AUDIT_LOG, DEFAULT_FREEZE_TIMEOUT_MS, LIMIT_KNOBS, LimitError, applyPlan, cliActor,
  knownCgroups, parseLimitRequest, planFreeze, planLimits, resolveTarget, targetOf,
  type ApplyResult, type KnownCgroup, type LimitAction, type LimitRequest, type Plan, type Target,
} from '../../collector/limits/index.js';

/**
 * What changes kernel files, or widens what may be changed, must be typed by the user: a config file
 * (--config, CGMETER_CONFIG) shared with serve must never set a limit, --force or --allow-root.
 */
const COMMAND_LINE_ONLY = [...LIMIT_KNOBS, 'unset', 'force', 'allow-root'];

function refuseConfigFileLimits(args: ParsedArgs): void {
  if (args.argv === undefined) return; // built by hand (tests): every value is the caller's
  for (const name of COMMAND_LINE_ONLY) {
    if (args.values[name] === undefined) continue;
    if (!args.argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`))) {
      throw new LimitError('input', `--${name} comes from the config file; limits, --unset, --force and --allow-root are taken from the command line only`);
    }
  }
}

function vocabularyFrom(args: ParsedArgs): Record<string, unknown> {
  const vocabulary: Record<string, unknown> = {};
  for (const key of [...LIMIT_KNOBS, 'unset']) if (args.values[key] !== undefined) vocabulary[key] = args.values[key];
  return vocabulary;
}

function describeTarget(t: ApplyResult['target'] | Target): string {
  const id = 'identity' in t ? t.identity : t;
  const short = /^[0-9a-f]{64}$/.test(id.id) ? id.id.slice(0, 12) : id.id;
  return short === t.path ? t.path : `${id.name === short ? short : `${id.name} (${short})`} at ${t.path}`;
}

function printPlan(plan: Plan, json: boolean): void {
  if (json) {
    process.stdout.write(`${toJson({
      ok: true, dryRun: true, action: plan.action,
      target: { query: plan.target.query, id: plan.target.identity.id, name: plan.target.identity.name, path: plan.target.path, mode: plan.target.mode },
      writes: plan.writes.map((w) => ({ knob: w.knob, file: `${w.dir}/${w.file}`, old: w.old, new: w.text.trim(), rollback: w.rollbackText.trim(), expect: w.expect })),
      warnings: plan.warnings,
    })}\n`);
    return;
  }
  const lines = [`dry run: ${plan.action} ${describeTarget(plan.target)} (${plan.target.mode}); nothing written`];
  plan.writes.forEach((w, i) => lines.push(`  ${i + 1}. ${w.dir}/${w.file}: ${JSON.stringify(w.old)} → ${JSON.stringify(w.text.trim())}   (${w.knob}; on failure restore ${JSON.stringify(w.rollbackText.trim())})`));
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printResult(result: ApplyResult, json: boolean): void {
  if (json) {
    const { error, ...rest } = result;
    process.stdout.write(`${toJson({ ...rest, ...(error ? { error: { kind: error.kind, message: error.message, file: error.file, code: error.code } } : {}) })}\n`);
    return;
  }
  const lines = [`${result.action} ${describeTarget(result.target)}: ${result.ok ? 'done' : 'failed, nothing left changed'}`];
  for (const w of result.writes) {
    // v1 says "unlimited" as 9223372036854771712: say it in words too.
    const words = w.effective !== undefined && /^\d{19}$/.test(w.effective) ? ' (no limit)' : '';
    const now = w.effective !== undefined ? `, reads ${JSON.stringify(w.effective)}${words}` : '';
    lines.push(`  ${w.knob}: ${w.file} ${JSON.stringify(w.old)} → ${JSON.stringify(w.new)} ${w.outcome}${now}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** How long a one-shot command waits for the engines' container lists (names). */
const ENGINE_WAIT_MS = 3000;

/** Discovery's cgroups with engine names, so that `cgmeter limit web` finds docker's "web". */
async function discovered(args: ParsedArgs, collector: Collector): Promise<KnownCgroup[]> {
  collector.discover();
  const known = knownCgroups(collector);
  const engines = new EngineMetadataCache(metadataFromArgs(args));
  engines.start();
  try {
    await engines.ready(ENGINE_WAIT_MS);
    return known.map((k) => ({ path: k.path, identity: engines.enrich(k.identity, k.path) }));
  } finally {
    engines.stop();
  }
}

/** The shared path of the three commands: resolve, plan, dry-run or apply, report, audit. */
async function execute(args: ParsedArgs, action: LimitAction, plan: (target: Target, request?: LimitRequest) => Plan): Promise<number> {
  const actor = cliActor();
  const audit = new AuditLog((args.values['audit-log'] as string | undefined) ?? DEFAULT_AUDIT_LOG);
  const dryRun = args.values['dry-run'] === true;
  const json = args.values.json === true;
  const query = args.positionals[0] ?? '';
  let target: Target | undefined;
  try {
    if (args.positionals.length !== 1) throw new LimitError('input', `${action} takes exactly one container (id, id prefix, name) or cgroup path`);
    refuseConfigFileLimits(args);
    // Values are checked before the host is even looked at: a typo costs nothing.
    const request = action === 'limit' ? parseLimitRequest(vocabularyFrom(args)) : undefined;
    const options = collectorOptionsFrom(args);
    // Discovery only: no counter file is opened (empty metric groups).
    const collector = new Collector({ ...options, groups: new Set() });
    try {
      target = resolveTarget(collector.hierarchy, await discovered(args, collector), query, { allowRoot: args.values['allow-root'] === true });
    } finally {
      collector.close();
    }
    const planned = plan(target, request);
    for (const warning of planned.warnings) process.stderr.write(`cgmeter ${action}: warning: ${warning}\n`);
    if (dryRun) {
      printPlan(planned, json);
      return 0;
    }
    const result = await applyPlan(planned, { audit, actor });
    printResult(result, json);
    if (result.error) process.stderr.write(`cgmeter ${action}: ${result.error.message}\n`);
    return result.ok ? 0 : 2;
  } catch (err) {
    if (!(err instanceof LimitError || err instanceof UsageError || err instanceof HierarchyError)) throw err;
    // Refusals are audited too (not dry runs: they never change anything).
    const auditProblem = dryRun ? undefined : audit.recordRefusal(actor, action, targetOf(target, query), err.message);
    if (json) process.stdout.write(`${toJson({ ok: false, action, error: { kind: err instanceof LimitError ? err.kind : 'input', message: err.message } })}\n`);
    process.stderr.write(`cgmeter ${action}: ${err.message}\n`);
    if (auditProblem) process.stderr.write(`cgmeter ${action}: warning: refusal not logged: ${auditProblem}\n`);
    return 2;
  }
}

export function runLimit(args: ParsedArgs): Promise<number> {
  return execute(args, 'limit', (target, request) => planLimits(target, request!, { force: args.values.force === true }));
}

export function runFreeze(args: ParsedArgs, action: 'freeze' | 'thaw'): Promise<number> {
  const timeoutText = args.values.timeout as string | undefined;
  return execute(args, action, (target) => planFreeze(target, action, timeoutText ? parseDurationMs(timeoutText, '--timeout') : DEFAULT_FREEZE_TIMEOUT_MS));
}
