// `cgmeter limit`, `cgmeter freeze`, `cgmeter thaw`: change a container's cgroup limits through
// collector/limits (resolve among discovered cgroups → plan → apply with read-back and rollback),
// print what the kernel now says, and log every change and refusal to the audit log.
// Every refusal (bad input, unknown or unsafe target, kernel refusal) is exit code 2.

import type { Command, FlagSpec, ParsedArgs } from '../command.js';
import { COLLECTOR_FLAGS, collectorOptionsFrom } from '../common-flags.js';
import { METADATA_FLAGS, metadataFromArgs } from '../metadata-flags.js';
import { parseDurationMs, toJson, UsageError } from '../units.js';
import { Collector } from '../../collector/poller.js';
import { HierarchyError } from '../../collector/hierarchy/hierarchy.js';
import { EngineMetadataCache } from '../../collector/metadata/index.js';
import {
  AuditLog, DEFAULT_AUDIT_LOG, DEFAULT_FREEZE_TIMEOUT_MS, LIMIT_KNOBS, LimitError, applyPlan, cliActor,
  knownCgroups, parseLimitRequest, planFreeze, planLimits, resolveTarget, targetOf,
  type ApplyResult, type KnownCgroup, type LimitAction, type LimitRequest, type Plan, type Target,
} from '../../collector/limits/index.js';

const SHARED_FLAGS: Record<string, FlagSpec> = {
  'dry-run': { type: 'boolean', description: 'print the files that would be written and their order; write nothing' },
  json: { type: 'boolean', description: 'print the result (files, old, new and effective values) as JSON' },
  'allow-root': { type: 'boolean', description: 'allow changing the root cgroup (the whole host)' },
  'audit-log': {
    type: 'string', placeholder: 'PATH', env: 'CGMETER_AUDIT_LOG', default: DEFAULT_AUDIT_LOG,
    description: 'JSON-lines log of every change and refusal',
  },
};

const LIMIT_FLAGS: Record<string, FlagSpec> = {
  memory: { type: 'string', placeholder: 'SIZE', description: 'memory limit (512M, 1G, 1.5GiB, bytes): v1 memory.limit_in_bytes, v2 memory.max' },
  'memory-high': { type: 'string', placeholder: 'SIZE', description: 'throttling limit: v1 memory.soft_limit_in_bytes, v2 memory.high' },
  'memory-swap': { type: 'string', placeholder: 'SIZE', description: 'memory plus swap, as docker: v1 memory.memsw.limit_in_bytes, v2 memory.swap.max (= this − memory)' },
  cpus: { type: 'string', placeholder: 'N', description: 'CPU cores (1.5): v1 cpu.cfs_quota_us, v2 cpu.max quota' },
  'cpu-period': { type: 'string', placeholder: 'DURATION', description: 'CFS period (100ms; 1ms–1s; bare number = µs): v1 cpu.cfs_period_us, v2 cpu.max period' },
  'cpu-weight': { type: 'string', placeholder: 'N', description: 'relative weight 1–10000: v2 cpu.weight, v1 cpu.shares (converted)' },
  'cpu-shares': { type: 'string', placeholder: 'N', description: 'relative shares 2–262144: v1 cpu.shares, v2 cpu.weight (converted)' },
  'cpuset-cpus': { type: 'string', placeholder: 'LIST', description: 'CPUs allowed (0-1, 0,2): cpuset.cpus' },
  'cpuset-mems': { type: 'string', placeholder: 'LIST', description: 'memory nodes allowed (0): cpuset.mems' },
  'io-read-bps': { type: 'string', multiple: true, placeholder: 'DEV=SIZE', description: 'read bytes/s per device (vda=50M, 254:0=50M): v1 blkio.throttle.read_bps_device, v2 io.max rbps' },
  'io-write-bps': { type: 'string', multiple: true, placeholder: 'DEV=SIZE', description: 'write bytes/s per device: v1 blkio.throttle.write_bps_device, v2 io.max wbps' },
  'io-read-iops': { type: 'string', multiple: true, placeholder: 'DEV=N', description: 'read IO/s per device: v1 blkio.throttle.read_iops_device, v2 io.max riops' },
  'io-write-iops': { type: 'string', multiple: true, placeholder: 'DEV=N', description: 'write IO/s per device: v1 blkio.throttle.write_iops_device, v2 io.max wiops' },
  pids: { type: 'string', placeholder: 'N', description: 'most tasks: pids.max' },
  unset: { type: 'string', multiple: true, placeholder: 'NAME', description: `restore "no limit" (max / -1) or the default: ${LIMIT_KNOBS.join(', ')} (io ones take =DEV)` },
  force: { type: 'boolean', description: 'allow a memory limit below the current usage (the kernel reclaims, may OOM-kill or refuse)' },
};

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

export const limitCommand: Command = {
  name: 'limit',
  summary: 'Set or remove memory, CPU, cpuset, block I/O and pids limits of a container or cgroup (cgroup v1 or v2), validated, read back and audited.',
  usage: 'cgmeter limit <container|cgroup> [--memory 512M] [--memory-high 400M] [--memory-swap 1G] [--cpus 1.5] [--cpu-period 100ms] [--cpu-weight N | --cpu-shares N] [--cpuset-cpus 0-1] [--cpuset-mems 0] [--io-read-bps DEV=50M] [--io-write-bps DEV=50M] [--io-read-iops DEV=N] [--io-write-iops DEV=N] [--pids 256] [--unset NAME] [--dry-run] [--json] [--force] [--allow-root] [--audit-log PATH]',
  flags: { ...LIMIT_FLAGS, ...SHARED_FLAGS, ...COLLECTOR_FLAGS, ...METADATA_FLAGS },
  examples: [
    'cgmeter limit web --memory 512M --cpus 1.5',
    'cgmeter limit 5aacd01bb995 --io-read-bps vda=50M --pids 256 --dry-run',
    'cgmeter limit /docker/5aacd01bb995… --unset memory --unset cpus',
  ],
  run: (args) => execute(args, 'limit', (target, request) => planLimits(target, request!, { force: args.values.force === true })),
};

function freezeLike(action: 'freeze' | 'thaw'): Command {
  return {
    name: action,
    summary: action === 'freeze'
      ? 'Freeze every process of a container or cgroup (v1 freezer.state FROZEN, v2 cgroup.freeze 1), waiting until the kernel reports it frozen.'
      : 'Thaw a frozen container or cgroup (v1 freezer.state THAWED, v2 cgroup.freeze 0).',
    usage: `cgmeter ${action} <container|cgroup> [--timeout 10s] [--dry-run] [--json] [--allow-root] [--audit-log PATH]`,
    flags: {
      timeout: { type: 'string', placeholder: 'DURATION', default: `${DEFAULT_FREEZE_TIMEOUT_MS / 1000}s`, description: `how long to wait for the kernel to report it ${action === 'freeze' ? 'frozen' : 'thawed'}` },
      ...SHARED_FLAGS,
      ...COLLECTOR_FLAGS,
      ...METADATA_FLAGS,
    },
    examples: [`cgmeter ${action} web`, `cgmeter ${action} /docker/5aacd01bb995…`],
    run: (args) => {
      const timeoutText = args.values.timeout as string | undefined;
      return execute(args, action, (target) => planFreeze(target, action, timeoutText ? parseDurationMs(timeoutText, '--timeout') : DEFAULT_FREEZE_TIMEOUT_MS));
    },
  };
}

export const freezeCommand: Command = freezeLike('freeze');
export const thawCommand: Command = freezeLike('thaw');
