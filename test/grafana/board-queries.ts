// Test support: every query of every generated board (read from the committed JSON, which is what a
// Grafana loads), with the variables and Grafana's macros replaced the way Grafana would for one
// chosen value of each variable.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DASHBOARDS = fileURLToPath(new URL('../../grafana/dashboards/', import.meta.url));

export interface BoardQuery {
  readonly board: string;
  readonly panel: string;
  readonly description: string;
  readonly refId: string;
  readonly flavour: 'prometheus' | 'influxdb';
  /** As in the JSON, variables unreplaced. */
  readonly raw: string;
  readonly instant: boolean;
}

interface PanelJson { title?: string; description?: string; type: string; targets?: Array<Record<string, unknown>>; panels?: PanelJson[] }
export interface BoardJson { uid: string; title: string; panels: PanelJson[]; templating: { list: Array<Record<string, unknown>> } }

export function loadBoards(flavour: 'prometheus' | 'influxdb'): Map<string, BoardJson> {
  const dir = join(DASHBOARDS, flavour);
  return new Map(readdirSync(dir).filter((f) => f.endsWith('.json'))
    .map((f) => [`${flavour}/${f}`, JSON.parse(readFileSync(join(dir, f), 'utf8')) as BoardJson]));
}

export function boardQueries(flavour: 'prometheus' | 'influxdb'): BoardQuery[] {
  const out: BoardQuery[] = [];
  for (const [board, json] of loadBoards(flavour)) {
    // Collapsed rows keep their panels inside; ours are open, but read both.
    const panels = json.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
    for (const p of panels) {
      for (const t of p.targets ?? []) {
        const raw = String(flavour === 'prometheus' ? t.expr : t.query);
        out.push({ board, panel: p.title ?? '', description: p.description ?? '', refId: String(t.refId), flavour, raw, instant: t.instant === true });
      }
    }
  }
  return out;
}

/** Replaces `$name`, `${name}` and Grafana's `$__…` macros; longest names first so `$__interval_ms` wins over `$__interval`. */
export function substitute(text: string, values: Record<string, string>): string {
  const names = Object.keys(values).sort((a, b) => b.length - a.length);
  let out = text;
  for (const name of names) {
    out = out.split(`\${${name}}`).join(values[name]!).split(`$${name}`).join(values[name]!);
  }
  const left = /\$\{?[A-Za-z_]\w*/.exec(out);
  if (left) throw new Error(`unreplaced variable ${left[0]} in: ${out}`);
  return out;
}

/** A value for a Prometheus regex matcher `=~"…"` that matches exactly these strings. */
export function promRegex(values: readonly string[]): string {
  return `(${values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&')).join('|')})`;
}

/** A value for an InfluxQL regex `/^…$/` that matches exactly these strings (Grafana escapes `/` too). */
export function influxRegex(values: readonly string[]): string {
  return `(${values.map((v) => v.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})`;
}
