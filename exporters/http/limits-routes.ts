// The write side of the HTTP API, off unless `--enable-limits-api`:
//   PUT  /api/v1/containers/:id/limits   JSON body in the CLI's vocabulary ({"memory": "512M", "cpus": 1.5,
//                                        "io-read-bps": ["vda=50M"], "unset": ["pids"], "force": true})
//   POST /api/v1/containers/:id/freeze   and  /thaw
// Every request needs the bearer token of --api-token-file (compared in constant time); a refusal
// writes nothing. Without the flag the routes do not exist (404, like any unknown path). The flags
// and their checks at start-up: limits-flags.ts.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { toJson } from '../../cli/units.js';
import type { Hierarchy } from '../../collector/hierarchy/hierarchy.js';
import type { Snapshot } from '../../collector/model/derive.js';
import {
  AuditLog, LimitError, applyPlan, cliActor, httpStatusOf, parseLimitRequest, planFreeze,
  planLimits, resolveTarget, targetOf, type Actor, type ApplyResult, type HostFacts, type KnownCgroup,
  type LimitAction, type Plan, type Target,
} from '../../collector/limits/index.js';
import type { OutcomeCounter } from '../../collector/limits/audit.js';
import type { LimitsApiOptions } from './limits-flags.js';

export { LIMITS_API_FLAGS, limitsApiOptionsFrom, type LimitsApiOptions } from './limits-flags.js';

export interface LimitsRoutesDeps {
  readonly options: LimitsApiOptions;
  readonly hierarchy: Hierarchy;
  /** The cgroups discovery knows now, with engine names (serve: from its latest Snapshots). */
  readonly known: () => readonly KnownCgroup[];
  /** cgmeter_limit_changes_total, from registerLimitMetrics(registry). */
  readonly counter?: OutcomeCounter;
  /** Tests on copied fixture trees only. */
  readonly requireCgroupFs?: boolean;
  readonly facts?: HostFacts;
  /** Called with the cgroup path after a change reached the kernel (serve: re-read its limit files now). */
  readonly onApplied?: (cgroupPath: string) => void;
}

/** serve's `known`: every cgroup of the latest Snapshots. */
export function knownFromSnapshots(snapshots: readonly Snapshot[]): KnownCgroup[] {
  return snapshots.map((s) => ({ path: s.sample.path, identity: s.sample.identity }));
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Bearer token from Authorization, or X-Cgmeter-Token when Authorization carries basic auth. */
function presentedToken(c: Context): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
  return bearer ?? c.req.header('x-cgmeter-token')?.trim();
}

function json(value: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(toJson(value, 0), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
}

export function registerLimitsRoutes(app: Hono, deps: LimitsRoutesDeps): void {
  if (!deps.options.enabled) return; // absent, not forbidden: the app's 404 answers
  if (deps.options.token === undefined) throw new Error('bug: limits API enabled without a token');
  const expected = digest(deps.options.token);
  const audit = new AuditLog(deps.options.auditLogPath, deps.counter);
  const local = cliActor();
  // One change at a time: two clients must not interleave writes (or rollbacks) of one cgroup.
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined); // the next change runs whatever this one did
    return run;
  };

  const handle = async (c: Context, action: LimitAction): Promise<Response> => {
    const given = presentedToken(c);
    // Hashing both sides gives equal lengths, so the comparison time says nothing about the token.
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      return json({ error: given === undefined ? 'bearer token required' : 'invalid token' }, 401, { 'www-authenticate': 'Bearer realm="cgmeter"' });
    }
    const actor: Actor = { ...local, via: 'http', remote: remoteAddress(c) };
    const query = c.req.param('id') ?? '';
    let target: Target | undefined;
    let dryRun = false;
    try {
      let body: Record<string, unknown> = {};
      if (action === 'limit' || (c.req.header('content-length') ?? '0') !== '0') {
        const parsed: unknown = await c.req.json().catch(() => undefined);
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new LimitError('input', 'the body must be a JSON object, e.g. {"memory": "512M", "cpus": 1.5}');
        body = parsed as Record<string, unknown>;
      }
      const { force, 'dry-run': dry, ...vocabulary } = body;
      dryRun = dry === true;
      if (action !== 'limit' && Object.keys(vocabulary).length > 0) throw new LimitError('input', `${action} takes no body fields but dry-run`);
      const request = action === 'limit' ? parseLimitRequest(vocabulary) : undefined;
      // The root cgroup is never a target over HTTP (no allowRoot here).
      target = resolveTarget(deps.hierarchy, deps.known(), query, { allowRoot: false, requireCgroupFs: deps.requireCgroupFs ?? true });
      const plan: Plan = action === 'limit'
        ? planLimits(target, request!, { force: force === true, ...(deps.facts ? { facts: deps.facts } : {}) })
        : planFreeze(target, action);
      if (dryRun) return json({ ok: true, dryRun: true, action, target: summary(target), writes: plan.writes.map((w) => ({ knob: w.knob, file: `${w.dir}/${w.file}`, old: w.old, new: w.text.trim() })), warnings: plan.warnings }, 200);
      const result = await serialized(() => applyPlan(plan, { audit, actor }));
      deps.onApplied?.(target.path); // also after a rollback: the files may differ from what was cached
      return json(resultBody(result), result.ok ? 200 : httpStatusOf(result.error!));
    } catch (err) {
      if (!(err instanceof LimitError)) throw err; // a bug: the app's onError answers 500
      if (!dryRun) audit.recordRefusal(actor, action, targetOf(target, query), err.message);
      return json({ error: err.message, kind: err.kind }, httpStatusOf(err));
    }
  };

  app.put('/api/v1/containers/:id/limits', (c) => handle(c, 'limit'));
  app.post('/api/v1/containers/:id/freeze', (c) => handle(c, 'freeze'));
  app.post('/api/v1/containers/:id/thaw', (c) => handle(c, 'thaw'));
}

function summary(t: Target): Record<string, string> {
  return { query: t.query, id: t.identity.id, name: t.identity.name, path: t.path, mode: t.mode };
}

function resultBody(result: ApplyResult): Record<string, unknown> {
  const { error, ...rest } = result;
  return error ? { ...rest, error: error.message, kind: error.kind } : rest;
}

/** The peer of @hono/node-server's request, when there is one (in-process tests have none). */
function remoteAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}
