// The JSON API over the latest Snapshots: the same objects `cgmeter ls --json` prints (unlimited
// values are "max"), for scripts and dashboards that want more than Prometheus series.
//   GET /api/v1/containers            containers and pods (?all=1: every cgroup)
//   GET /api/v1/containers/:key       one, by id, a unique id prefix (≥ 3 characters), name, or
//                                     cgroup path (URL-encoded: %2Fdocker%2F5aac…)

import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Snapshot } from '../../collector/model/derive.js';
import type { SnapshotSource } from '../../collector/service.js';
import { toJson } from '../../cli/units.js';

/** Shortest id prefix that can name a container (docker's rule of thumb is 12; 3 avoids accidents). */
export const MIN_ID_PREFIX = 3;

export function isContainerLike(s: Snapshot): boolean {
  return s.sample.identity.kind === 'container' || s.sample.identity.kind === 'pod';
}

export type Lookup =
  | { readonly found: Snapshot }
  | { readonly error: string; readonly matches?: readonly string[] };

/** Exact id, exact name, cgroup path, then a unique id prefix; in that order, first hit wins. */
export function findSnapshot(snapshots: readonly Snapshot[], key: string): Lookup {
  const byId = snapshots.filter((s) => s.sample.identity.id === key);
  if (byId.length === 1) return { found: byId[0]! };
  const byName = snapshots.filter((s) => s.sample.identity.name === key);
  if (byName.length === 1) return { found: byName[0]! };
  if (key.startsWith('/')) {
    const byPath = snapshots.find((s) => s.sample.path === key);
    if (byPath) return { found: byPath };
  }
  const ambiguous = [...byId, ...byName];
  if (ambiguous.length > 1) return { error: `${JSON.stringify(key)} names ${ambiguous.length} cgroups; use the cgroup path`, matches: ambiguous.map((s) => s.sample.path) };
  if (key.length >= MIN_ID_PREFIX) {
    const byPrefix = snapshots.filter((s) => s.sample.identity.id.startsWith(key));
    if (byPrefix.length === 1) return { found: byPrefix[0]! };
    if (byPrefix.length > 1) {
      return { error: `id prefix ${JSON.stringify(key)} matches ${byPrefix.length} cgroups; give more of the id`, matches: byPrefix.map((s) => s.sample.identity.id) };
    }
  }
  const hint = key.length < MIN_ID_PREFIX ? ` (id prefixes need at least ${MIN_ID_PREFIX} characters)` : '';
  return { error: `no cgroup with id, name or path ${JSON.stringify(key)}${hint}` };
}

function jsonResponse(value: unknown, status = 200): Response {
  return new Response(toJson(value, 0), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

export function containersApi(source: SnapshotSource): Hono {
  const api = new Hono();
  api.get('/', (c) => {
    const all = c.req.query('all');
    const everything = all !== undefined && all !== '0' && all !== 'false';
    const snapshots = source.latest();
    return jsonResponse(everything ? snapshots : snapshots.filter(isContainerLike));
  });
  api.get('/:key', (c) => {
    const result = findSnapshot(source.latest(), c.req.param('key'));
    if ('found' in result) return jsonResponse(result.found);
    throw new HTTPException(404, { res: jsonResponse({ error: result.error, ...(result.matches ? { matches: result.matches } : {}) }, 404) });
  });
  return api;
}
