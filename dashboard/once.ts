// `cgmeter top --once`: one frame for scripts, like `docker stats --no-stream` — the same rows,
// sort and filter as the live table, every column, names never cut; or the frame as JSON.

import { columnsOf } from './model/columns.js';
import { tableRows, treeRows } from './model/rows.js';
import type { UiState } from './model/ui-state.js';
import type { Frame } from './sources/source.js';
import { lineText } from './text/line.js';
import { layoutColumns, type PlacedColumn } from './views/layout.js';
import { headerLine, rowLine } from './views/table-view.js';
import type { Snapshot } from '../collector/model/derive.js';
import type { HostStats } from './sources/host-stats.js';

/** The rows --once prints, in screen order. */
export function onceRows(frame: Frame, state: UiState) {
  const set = state.view === 'memory' ? 'memory' : 'main';
  const query = { set, sort: state.sort[set], filter: state.filter, showAll: state.showAll, nowMs: frame.timeMs } as const;
  return state.view === 'tree' ? treeRows(frame.snapshots, query, state.folded) : tableRows(frame.snapshots, query);
}

export function onceText(frame: Frame, state: UiState): string {
  const set = state.view === 'memory' ? 'memory' : 'main';
  const rows = onceRows(frame, state);
  const all = columnsOf(set);
  // Every column, and the name column as wide as the longest name: a script splits on whitespace.
  const nameWidth = Math.max(all[0]!.header.length, ...rows.map((r) => all[0]!.cell(r).text.length));
  const placed: PlacedColumn[] = layoutColumns(all, Number.MAX_SAFE_INTEGER).map((p) =>
    p.column.flexMaxWidth !== undefined ? { column: p.column, width: nameWidth } : p);
  const width = placed.reduce((sum, p) => sum + p.width + 1, -1);
  const sort = state.sort[set];
  // No sort marker: a header word glued to ▼ would not split cleanly.
  const lines = [headerLine(placed, sort.columnId, sort.reversed, width, false), ...rows.map((r) => rowLine(r, placed, width))];
  return lines.map((l) => lineText(l).trimEnd()).join('\n');
}

export interface OnceJson {
  readonly timeMs: number;
  readonly host?: HostStats;
  readonly containers: readonly Snapshot[];
}

/** The JSON form: the shown rows' full Snapshots, in screen order. */
export function onceJson(frame: Frame, state: UiState): OnceJson {
  return { timeMs: frame.timeMs, ...(frame.host ? { host: frame.host } : {}), containers: onceRows(frame, state).map((r) => r.snapshot) };
}
