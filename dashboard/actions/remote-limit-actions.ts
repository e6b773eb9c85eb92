// LimitActions for `--remote`: the node's own cgmeter serve applies the change through its limits
// library, over its opt-in API (`--enable-limits-api`): PUT …/containers/<path>/limits with the
// CLI's vocabulary, POST …/freeze and …/thaw, each with the bearer token of --api-token-file.

import type { LimitResource, Target } from '../model/ui-state.js';
import type { ActionResult, LimitActions } from './limit-actions.js';
import { describeResult, KNOB, vocabularyValue, type ActionName, type ResultLike } from './result-text.js';

/** Freezing waits for the kernel on the node; give it more than the library's own timeout. */
const REQUEST_TIMEOUT_MS = 30_000;

export class RemoteLimitActions implements LimitActions {
  private readonly base: URL;

  /** `base`: the node's URL as given to --remote. */
  constructor(base: string, private readonly token: string, private readonly fetchImpl: typeof fetch = fetch) {
    this.base = new URL(base);
    if (!this.base.pathname.endsWith('/')) this.base.pathname += '/';
  }

  setLimit(target: Target, resource: LimitResource, value: number): Promise<ActionResult> {
    return this.call('limit', target, 'PUT', 'limits', { [KNOB[resource]]: vocabularyValue(value) });
  }

  freeze(target: Target): Promise<ActionResult> {
    return this.call('freeze', target, 'POST', 'freeze');
  }

  thaw(target: Target): Promise<ActionResult> {
    return this.call('thaw', target, 'POST', 'thaw');
  }

  private async call(action: ActionName, target: Target, method: string, verb: string, body?: unknown): Promise<ActionResult> {
    // By cgroup path (URL-encoded): names can be ambiguous on the node, paths cannot.
    const url = new URL(`api/v1/containers/${encodeURIComponent(target.key)}/${verb}`, this.base);
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json', accept: 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      return { ok: false, message: `${action} ${target.name}: ${url.host} did not answer (${(err as Error).message})` };
    }
    if (response.status === 404 && !(response.headers.get('content-type') ?? '').includes('json')) {
      return { ok: false, message: `${action} ${target.name}: ${url.host} does not serve the limits API (cgmeter serve --enable-limits-api there)` };
    }
    if (response.status === 401) return { ok: false, message: `${action} ${target.name}: ${url.host} refused the token of --api-token-file` };
    const answer = await response.json().catch(() => undefined) as (ResultLike & { error?: string }) | undefined;
    if (answer === undefined) return { ok: false, message: `${action} ${target.name}: HTTP ${response.status} without a JSON answer from ${url.host}` };
    if (!Array.isArray(answer.writes)) return { ok: false, message: `${action} ${target.name}: ${answer.error ?? `HTTP ${response.status}`}` };
    return { ok: answer.ok === true, message: describeResult(action, target.name, answer) };
  }
}
