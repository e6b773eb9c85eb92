// One whole screen from a frame and the UI state: header, the current view, footer. Exactly
// `height` lines of exactly `width` columns, so the terminal layer only paints. Also returns the
// list's row keys, which the key handler needs to move the selection.

import { columnsOf } from '../model/columns.js';
import { sortColumn, tableRows, treeRows, type RowQuery } from '../model/rows.js';
import { columnSetOf, type UiState } from '../model/ui-state.js';
import type { RowModel } from '../model/row.js';
import { fitLine, span, type Line } from '../text/line.js';
import { renderDetail } from './detail-view.js';
import { renderFooter } from './footer.js';
import { renderHeader } from './header.js';
import { layoutColumns } from './layout.js';
import { renderMemoryDetail } from './memory-view.js';
import { renderHelp, renderSortMenu } from './overlays.js';
import { renderList } from './table-view.js';
import type { Size, ViewModel } from './view-model.js';

/** Room for three levels of tree drawing and a short container id. */
const TREE_NAME_MIN_WIDTH = 26;

export interface ScreenRender {
  readonly lines: Line[];
  readonly rowKeys: string[];
  readonly pageRows: number;
}

/** The rows of the list the state points at (the detail view's list, for ↑↓ between containers). */
export function listRows(model: ViewModel, state: UiState): RowModel[] {
  const set = columnSetOf(state);
  const list = state.view === 'detail' ? state.listView : state.view;
  const query: RowQuery = {
    set,
    sort: state.sort[set],
    filter: state.filter,
    showAll: state.showAll,
    nowMs: model.timeMs,
    ...(set === 'memory' ? { memoryRates: (key: string) => model.history.memoryRates(key) } : {}),
  };
  return list === 'tree' ? treeRows(model.snapshots, query, state.folded) : tableRows(model.snapshots, query);
}

function emptyText(state: UiState): string {
  if (state.filter !== '') return `nothing matches "${state.filter}" (esc clears the filter)`;
  return state.showAll || state.view === 'tree' ? 'no cgroups yet' : 'no containers found (a shows every cgroup, t the cgroup tree)';
}

export function renderScreen(model: ViewModel, state: UiState, size: Size): ScreenRender {
  const width = Math.max(1, size.width);
  const height = Math.max(1, size.height);
  const bodyHeight = Math.max(0, height - 2);
  const rows = listRows(model, state);
  const set = columnSetOf(state);
  const sort = state.sort[set];
  let body: Line[];
  let rowKeys = rows.map((r) => r.key);
  let pageRows = bodyHeight - 1;
  if (state.help) {
    body = renderHelp(width, bodyHeight);
  } else if (state.prompt?.kind === 'sort') {
    body = renderSortMenu(set, sort, state.prompt.cursor, width, bodyHeight);
  } else if (state.view === 'detail') {
    body = renderDetail(model, state, { width, height: bodyHeight });
  } else {
    // The memory view gives the list the upper part and the selected container the rest.
    const listHeight = state.view === 'memory' ? Math.max(Math.min(bodyHeight, 4), Math.floor(bodyHeight * 0.4)) : bodyHeight;
    const columns = layoutColumns(columnsOf(set), width, state.view === 'tree' ? TREE_NAME_MIN_WIDTH : undefined);
    const list = renderList({
      rows, columns, sortedId: sortColumn(set, sort).id, reversed: sort.reversed, state, width, height: listHeight, emptyText: emptyText(state),
    });
    body = list.lines;
    rowKeys = list.rowKeys;
    pageRows = list.pageRows;
    if (state.view === 'memory') {
      const selected = list.rowKeys.includes(state.selectedKey ?? '') ? state : { ...state, selectedKey: list.rowKeys[0] };
      body = [...body, ...renderMemoryDetail(model.history, selected, model.snapshots, { width, height: bodyHeight - listHeight })];
    }
  }
  const lines = [renderHeader(model, state, width), ...body, renderFooter(model, state, width)];
  while (lines.length < height) lines.splice(lines.length - 1, 0, fitLine([span('')], width));
  return { lines: lines.slice(0, height), rowKeys, pageRows: Math.max(1, pageRows) };
}
