// Which columns fit a width, and how wide each one is. Columns are dropped whole, lowest priority
// first, so a narrow terminal loses columns rather than showing half of one.

import type { Column } from '../model/columns.js';

export interface PlacedColumn {
  readonly column: Column;
  readonly width: number;
}

export const COLUMN_GAP = 1;

function totalWidth(columns: readonly Column[]): number {
  return columns.reduce((sum, c) => sum + c.width, 0) + COLUMN_GAP * Math.max(0, columns.length - 1);
}

/**
 * `nameMinWidth` raises the flexible column's least width (the tree's indented names need more
 * room than a flat list's), so that other columns give way before the names do.
 */
export function layoutColumns(input: readonly Column[], width: number, nameMinWidth?: number): PlacedColumn[] {
  const all = nameMinWidth === undefined ? input : input.map((c) => (c.flexMaxWidth !== undefined ? { ...c, width: Math.max(c.width, nameMinWidth) } : c));
  let kept = [...all];
  const priorities = [...new Set(all.map((c) => c.priority))].sort((a, b) => a - b);
  for (const priority of priorities) {
    if (totalWidth(kept) <= width) break;
    const without = kept.filter((c) => c.priority !== priority);
    if (without.length === 0) break;
    kept = without;
  }
  const spare = Math.max(0, width - totalWidth(kept));
  return kept.map((column) => {
    if (column.flexMaxWidth === undefined) return { column, width: column.width };
    // A terminal too narrow for even the least widths still gets whole cells: the flexible column
    // shrinks (its text ellipsized) rather than letting a later cell run past the edge.
    const over = totalWidth(kept) - width;
    const grown = Math.min(column.flexMaxWidth, column.width + spare);
    return { column, width: over > 0 ? Math.max(1, column.width - over) : grown };
  });
}
