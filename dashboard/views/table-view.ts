// A list of rows under a header line: the container table, the cgroup tree and the memory table
// all draw through here. Cells are padded to their column's width and joined by one space, so a
// line is never cut inside a cell; the sorted column is marked ▼ (high first / A→Z reversed) or ▲.

import type { Column } from '../model/columns.js';
import type { RowModel } from '../model/row.js';
import { effectiveScrollTop, effectiveSelection, type UiState } from '../model/ui-state.js';
import { ellipsize, fitLine, padLeft, padRight, restyle, span, type Line, type Span } from '../text/line.js';
import { COLUMN_GAP, type PlacedColumn } from './layout.js';

export interface ListRender {
  readonly lines: Line[];
  /** Row keys in screen order, for the key handler. */
  readonly rowKeys: string[];
  /** Data rows that fit. */
  readonly pageRows: number;
}

function sortMarker(column: Column, reversed: boolean): string {
  const textual = column.align === 'left';
  // Numbers sort high first by default (▼); text A→Z (▲).
  return textual !== reversed ? '▲' : '▼';
}

export function headerLine(columns: readonly PlacedColumn[], sortedId: string, reversed: boolean, width: number, marked = true): Line {
  const spans: Span[] = [];
  columns.forEach(({ column, width: w }, i) => {
    const sorted = marked && column.id === sortedId;
    const marker = sorted ? sortMarker(column, reversed) : ' ';
    if (i > 0) spans.push(span(sorted ? marker : ' '.repeat(COLUMN_GAP), sorted ? 'sorted' : 'header'));
    let text = column.align === 'right' ? padLeft(column.header, w) : padRight(column.header, w);
    // The first column has no gap before it: its marker goes after the header word.
    if (i === 0 && sorted) text = padRight(`${column.header}${marker}`, w);
    spans.push(span(text, sorted ? 'sorted' : 'header'));
  });
  return fitLine(spans, width, 'header');
}

export function rowLine(row: RowModel, columns: readonly PlacedColumn[], width: number): Span[] {
  const spans: Span[] = [];
  columns.forEach(({ column, width: w }, i) => {
    if (i > 0) spans.push(span(' '.repeat(COLUMN_GAP)));
    const cell = column.cell(row);
    const text = ellipsize(cell.text, w);
    spans.push(span(column.align === 'right' ? padLeft(text, w) : padRight(text, w), cell.level));
  });
  return fitLine(spans, width);
}

export interface ListOptions {
  readonly rows: readonly RowModel[];
  readonly columns: readonly PlacedColumn[];
  readonly sortedId: string;
  readonly reversed: boolean;
  readonly state: UiState;
  readonly width: number;
  /** Lines available, the header line included. */
  readonly height: number;
  /** Said when there are no rows. */
  readonly emptyText: string;
}

export function renderList(o: ListOptions): ListRender {
  const lines: Line[] = [headerLine(o.columns, o.sortedId, o.reversed, o.width)];
  const rowKeys = o.rows.map((r) => r.key);
  const pageRows = Math.max(0, o.height - 1);
  if (o.rows.length === 0) {
    if (pageRows > 0) lines.push(fitLine([span(o.emptyText, 'dim')], o.width));
  } else {
    const selection = effectiveSelection(o.state, rowKeys);
    const top = effectiveScrollTop(o.state.scrollTop, selection.index, pageRows, o.rows.length);
    for (let i = top; i < Math.min(o.rows.length, top + pageRows); i++) {
      const line = rowLine(o.rows[i]!, o.columns, o.width);
      lines.push(i === selection.index ? restyle(line, 'selected', true) : line);
    }
  }
  while (lines.length < o.height) lines.push(fitLine([], o.width));
  return { lines: lines.slice(0, Math.max(0, o.height)), rowKeys, pageRows };
}
