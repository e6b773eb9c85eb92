// What a user types in the `e` form, turned into a limit value: CPU in cores, memory in bytes,
// pids as a count; `max` (unlimited) is Infinity, as everywhere in cgmeter. A bad value gets a
// message saying what would be right; the limits library validates again before writing.

import type { LimitResource } from '../model/ui-state.js';

export type ParsedLimit = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly error: string };

const MEMORY_UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1024, kb: 1024, ki: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mi: 1024 ** 2, mib: 1024 ** 2,
  g: 1024 ** 3, gb: 1024 ** 3, gi: 1024 ** 3, gib: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4, ti: 1024 ** 4, tib: 1024 ** 4,
};

export const LIMIT_EXAMPLES: Readonly<Record<LimitResource, string>> = {
  cpu: 'cores, e.g. 0.5, 2, or max',
  memory: 'bytes with a unit, e.g. 256M, 1.5G, or max',
  pids: 'a whole number, e.g. 100, or max',
};

export function parseLimitInput(resource: LimitResource, text: string): ParsedLimit {
  const raw = text.trim().toLowerCase();
  if (raw === 'max' || raw === 'unlimited') return { ok: true, value: Infinity };
  const bad = (why: string): ParsedLimit => ({ ok: false, error: `${why}; give ${LIMIT_EXAMPLES[resource]}` });
  if (raw === '') return bad('no value');
  if (resource === 'cpu') {
    // Kubernetes-style millicores are common enough in muscle memory to accept.
    const milli = /^(\d+)m$/.exec(raw);
    const value = milli ? Number(milli[1]) / 1000 : Number(raw);
    if (!Number.isFinite(value) || !/^(\d+(\.\d*)?|\.\d+|\d+m)$/.test(raw)) return bad(`${JSON.stringify(text)} is not a number of cores`);
    // The kernel's least CFS quota is 1 ms per 100 ms period.
    if (value < 0.01) return bad(`${value} cores is below the kernel's least quota (0.01)`);
    return { ok: true, value };
  }
  if (resource === 'memory') {
    const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/.exec(raw);
    const unit = m ? MEMORY_UNITS[m[2]!] : undefined;
    if (!m || unit === undefined) return bad(`${JSON.stringify(text)} is not a size`);
    const value = Math.floor(Number(m[1]) * unit);
    // Below a few pages the kernel refuses (EBUSY) or OOM-kills at once: certainly a typo.
    if (value < 4 * 1024 * 1024) return bad(`${value} bytes is too small a memory limit (at least 4M)`);
    return { ok: true, value };
  }
  if (!/^\d+$/.test(raw) || Number(raw) < 1) return bad(`${JSON.stringify(text)} is not a count of at least 1`);
  return { ok: true, value: Number(raw) };
}
