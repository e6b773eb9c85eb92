// One sentence for the status line from the limits library's result (local ApplyResult, or the
// same object as the HTTP API returns it): what file changed from what to what, and what the
// kernel reads back, in words a person uses (`max`, `48M`).

import { basename } from 'node:path';
import { shortBytes } from '../text/format.js';

export type ActionName = 'limit' | 'freeze' | 'thaw';

/** The parts of an ApplyResult the sentence needs (the API's JSON has the same fields). */
export interface ResultLike {
  readonly ok: boolean;
  readonly writes: readonly { readonly file: string; readonly old: string; readonly new: string; readonly effective?: string; readonly outcome: string }[];
  /** A message (the API) or an error whose message it is (the library). */
  readonly error?: string | { readonly message: string };
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

export function describeResult(action: ActionName, name: string, result: ResultLike): string {
  if (!result.ok) {
    const why = typeof result.error === 'string' ? result.error : result.error?.message ?? 'unknown error';
    return `${action} ${name} failed, nothing left changed: ${why}`;
  }
  if (action !== 'limit') return `${name} ${action === 'freeze' ? 'frozen' : 'thawed'}`;
  const shown = result.writes.filter((w) => w.outcome === 'applied').map((w) => {
    const file = basename(w.file);
    const now = w.effective === undefined ? '' : `, reads ${kernelValueText(file, w.effective)}`;
    return `${file} ${kernelValueText(file, w.old)} → ${kernelValueText(file, w.new)}${now}`;
  });
  return `${name}: ${shown.join('; ')}`;
}

/** The limits library's word for each resource of the `e` form. */
export const KNOB = { cpu: 'cpus', memory: 'memory', pids: 'pids' } as const;

/** The library's vocabulary is text (`512M`, `1.5`, `max`); the form already checked the value. */
export function vocabularyValue(value: number): string {
  return value === Infinity ? 'max' : String(Number.isInteger(value) ? value : Number(value.toPrecision(6)));
}
