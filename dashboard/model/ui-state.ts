// Everything the user chose (view, sort, filter, selection, folding, pause, interval, an open prompt)
// as plain data. Keys change it through keys.ts; views read it; nothing else holds UI state.

import type { ColumnSet } from './columns.js';
import type { SortState } from './rows.js';

export type ListView = 'table' | 'tree' | 'memory';
export type ViewName = ListView | 'detail';

export type LimitResource = 'cpu' | 'memory' | 'pids';

/** The cgroup an action is about: its path (the key) and the name shown to the user. */
export interface Target {
  readonly key: string;
  readonly name: string;
}

/** What a key asks the world outside the state to do; the app carries these out. */
export type Effect =
  | { readonly kind: 'quit' }
  | { readonly kind: 'set-interval'; readonly intervalMs: number }
  | { readonly kind: 'pause'; readonly paused: boolean }
  | { readonly kind: 'step'; readonly rounds: number }
  | { readonly kind: 'jump'; readonly spec: string }
  | { readonly kind: 'set-limit'; readonly target: Target; readonly resource: LimitResource; readonly value: number; readonly text: string }
  | { readonly kind: 'freeze'; readonly target: Target }
  | { readonly kind: 'thaw'; readonly target: Target };

export type Prompt =
  | { readonly kind: 'filter'; readonly text: string; readonly previous: string }
  | { readonly kind: 'sort'; readonly cursor: number }
  | { readonly kind: 'jump'; readonly text: string }
  | { readonly kind: 'limit-resource'; readonly target: Target }
  | { readonly kind: 'limit-value'; readonly target: Target; readonly resource: LimitResource; readonly text: string }
  | { readonly kind: 'confirm'; readonly question: string; readonly effect: Effect };

export interface Status {
  readonly text: string;
  readonly level: 'info' | 'ok' | 'error';
}

export interface UiState {
  readonly view: ViewName;
  /** The list the detail view returns to. */
  readonly listView: ListView;
  readonly help: boolean;
  readonly sort: Readonly<Record<ColumnSet, SortState>>;
  readonly filter: string;
  readonly showAll: boolean;
  readonly selectedKey?: string;
  /** Index of the first list row on screen; views clamp it so the selection stays visible. */
  readonly scrollTop: number;
  /** Tree nodes (cgroup paths) whose children are hidden. */
  readonly folded: ReadonlySet<string>;
  readonly paused: boolean;
  readonly intervalMs: number;
  readonly prompt?: Prompt;
  readonly status?: Status;
}

/** The +/- steps of the sampling interval. */
export const INTERVAL_STEPS_MS = [250, 500, 1000, 2000, 5000, 10_000] as const;

export interface InitialStateOptions {
  readonly intervalMs?: number;
  readonly sortColumn?: string;
  readonly reversed?: boolean;
  readonly filter?: string;
  readonly showAll?: boolean;
  readonly view?: ListView;
  readonly paused?: boolean;
}

export function initialState(options: InitialStateOptions = {}): UiState {
  return {
    view: options.view ?? 'table',
    listView: options.view ?? 'table',
    help: false,
    sort: {
      main: { columnId: options.sortColumn ?? 'cpu', reversed: options.reversed ?? false },
      memory: { columnId: 'mem', reversed: false },
    },
    filter: options.filter ?? '',
    showAll: options.showAll ?? false,
    scrollTop: 0,
    folded: new Set(),
    paused: options.paused ?? false,
    intervalMs: options.intervalMs ?? 1000,
  };
}

export function columnSetOf(state: UiState): ColumnSet {
  const list = state.view === 'detail' ? state.listView : state.view;
  return list === 'memory' ? 'memory' : 'main';
}

/** The row the selection is on: the chosen cgroup if still listed, else the first row. */
export function effectiveSelection(state: UiState, rowKeys: readonly string[]): { key?: string; index: number } {
  if (state.selectedKey !== undefined) {
    const index = rowKeys.indexOf(state.selectedKey);
    if (index >= 0) return { key: state.selectedKey, index };
  }
  return rowKeys.length > 0 ? { key: rowKeys[0], index: 0 } : { index: -1 };
}

/** First visible row so that the selected one is on screen. */
export function effectiveScrollTop(scrollTop: number, selectedIndex: number, pageRows: number, rowCount: number): number {
  if (pageRows <= 0) return 0;
  let top = Math.min(scrollTop, Math.max(0, rowCount - pageRows));
  if (selectedIndex >= 0) {
    if (selectedIndex < top) top = selectedIndex;
    if (selectedIndex >= top + pageRows) top = selectedIndex - pageRows + 1;
  }
  return Math.max(0, top);
}
