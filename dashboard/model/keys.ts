// Keys → new UI state plus effects, as a pure function, so every binding is unit-tested without a
// terminal. Bindings follow the anchors where they agree: ctop (`/` filter, `s` sort menu, `r`
// reverse, `a` all, `q`), systemd-cgtop (`+`/`-` interval), below (tree folding, stepping through
// time in replay), htop (`<`/`>` sort column). Where they clash, the letters win (`p`
// pause, `t` tree, `m` memory), so replay steps with `[` `]` `{` `}` and jumps with `J`.

import { columnsOf } from './columns.js';
import { handlePromptKey } from './prompt-keys.js';
import {
  INTERVAL_STEPS_MS, columnSetOf, effectiveScrollTop, effectiveSelection,
  type Effect, type ListView, type UiState,
} from './ui-state.js';

export interface KeyPress {
  /** Normalised name: a printable character itself, or enter, escape, backspace, up, down, left, right, pageup, pagedown, home, end, space, tab, C-c. */
  readonly name: string;
}

export interface KeyContext {
  /** Keys of the rows of the current list, in screen order. */
  readonly rowKeys: readonly string[];
  /** List rows that fit on screen (for paging and scrolling). */
  readonly pageRows: number;
  readonly replay: boolean;
  readonly nameOf: (key: string) => string | undefined;
  readonly isContainer: (key: string) => boolean;
  readonly hasChildren: (key: string) => boolean;
  /** Why `e`/`f`/`u` cannot act here, if they cannot. */
  readonly actionsUnavailable?: string;
}

export interface KeyResult {
  readonly state: UiState;
  readonly effects: readonly Effect[];
}

const none = (state: UiState): KeyResult => ({ state, effects: [] });

export function handleKey(input: UiState, key: KeyPress, ctx: KeyContext): KeyResult {
  if (key.name === 'C-c') return { state: input, effects: [{ kind: 'quit' }] };
  // Any key dismisses the last message; a new one may be set below.
  const state: UiState = input.status === undefined ? input : { ...input, status: undefined };
  if (state.prompt !== undefined) return handlePromptKey(state, key, ctx);
  if (state.help) return none({ ...state, help: false }); // any key closes the help screen
  const list = state.view === 'detail' ? state.listView : state.view;
  const selection = effectiveSelection(state, ctx.rowKeys);
  switch (key.name) {
    case 'q': return { state, effects: [{ kind: 'quit' }] };
    case '?': case 'h': return none({ ...state, help: true });
    case 'up': case 'k': return moveSelection(state, ctx, selection.index - 1);
    case 'down': case 'j': return moveSelection(state, ctx, selection.index + 1);
    case 'pageup': return moveSelection(state, ctx, selection.index - Math.max(1, ctx.pageRows - 1));
    case 'pagedown': return moveSelection(state, ctx, selection.index + Math.max(1, ctx.pageRows - 1));
    case 'home': case 'g': return moveSelection(state, ctx, 0);
    case 'end': case 'G': return moveSelection(state, ctx, ctx.rowKeys.length - 1);
    case 'enter':
      if (state.view === 'detail' || selection.key === undefined) return none(state);
      return none({ ...state, view: 'detail', listView: list, selectedKey: selection.key });
    case 'escape': case 'backspace':
      if (state.view === 'detail') return none({ ...state, view: state.listView });
      if (state.filter !== '') return none({ ...state, filter: '', status: { text: 'filter cleared', level: 'info' } });
      if (state.view !== 'table') return switchList(state, 'table');
      return none(state);
    case 'left':
      if (state.view === 'detail') return none({ ...state, view: state.listView });
      return fold(state, ctx, selection.key, true);
    case 'right': return fold(state, ctx, selection.key, false);
    case 'space': return fold(state, ctx, selection.key, selection.key === undefined ? false : !state.folded.has(selection.key));
    case 't': return switchList(state, list === 'tree' ? 'table' : 'tree');
    case 'm': return switchList(state, list === 'memory' && state.view !== 'detail' ? 'table' : 'memory');
    case '/': return none({ ...state, prompt: { kind: 'filter', text: state.filter, previous: state.filter } });
    case 's': {
      const columns = columnsOf(columnSetOf(state));
      const current = columns.findIndex((c) => c.id === state.sort[columnSetOf(state)].columnId);
      return none({ ...state, prompt: { kind: 'sort', cursor: Math.max(0, current) } });
    }
    case '<': case '>': return shiftSort(state, key.name === '<' ? -1 : 1);
    case 'r': {
      const set = columnSetOf(state);
      return none({ ...state, sort: { ...state.sort, [set]: { ...state.sort[set], reversed: !state.sort[set].reversed } } });
    }
    case 'a': return none({ ...state, showAll: !state.showAll, status: { text: state.showAll ? 'showing containers and pods' : 'showing every cgroup', level: 'info' } });
    case 'p': return { state: { ...state, paused: !state.paused }, effects: [{ kind: 'pause', paused: !state.paused }] };
    case '+': case '=': return changeInterval(state, 1);
    case '-': case '_': return changeInterval(state, -1);
    case 'e': case 'f': case 'u': return startAction(state, ctx, key.name, selection.key);
    case ']': case '[': case '}': case '{':
      if (!ctx.replay) return none({ ...state, status: { text: 'stepping in time needs --replay', level: 'info' } });
      return { state, effects: [{ kind: 'step', rounds: { ']': 1, '[': -1, '}': 10, '{': -10 }[key.name]! }] };
    case 'J':
      if (!ctx.replay) return none({ ...state, status: { text: 'jumping in time needs --replay', level: 'info' } });
      return none({ ...state, prompt: { kind: 'jump', text: '' } });
    default: return none(state);
  }
}

function moveSelection(state: UiState, ctx: KeyContext, index: number): KeyResult {
  if (ctx.rowKeys.length === 0) return none(state);
  const clamped = Math.max(0, Math.min(ctx.rowKeys.length - 1, index));
  const scrollTop = effectiveScrollTop(state.scrollTop, clamped, ctx.pageRows, ctx.rowKeys.length);
  return none({ ...state, selectedKey: ctx.rowKeys[clamped], scrollTop });
}

function switchList(state: UiState, list: ListView): KeyResult {
  return none({ ...state, view: list, listView: list, scrollTop: 0 });
}

function fold(state: UiState, ctx: KeyContext, key: string | undefined, folded: boolean): KeyResult {
  if (state.view !== 'tree' || key === undefined || !ctx.hasChildren(key)) return none(state);
  const next = new Set(state.folded);
  if (folded) next.add(key);
  else next.delete(key);
  return none({ ...state, folded: next });
}

function shiftSort(state: UiState, by: number): KeyResult {
  const set = columnSetOf(state);
  const columns = columnsOf(set);
  const current = Math.max(0, columns.findIndex((c) => c.id === state.sort[set].columnId));
  const next = columns[(current + by + columns.length) % columns.length]!;
  return none({ ...state, sort: { ...state.sort, [set]: { columnId: next.id, reversed: false } } });
}

function changeInterval(state: UiState, direction: 1 | -1): KeyResult {
  const steps = INTERVAL_STEPS_MS;
  const next = direction > 0
    ? steps.find((ms) => ms > state.intervalMs) ?? steps[steps.length - 1]!
    : [...steps].reverse().find((ms) => ms < state.intervalMs) ?? steps[0]!;
  if (next === state.intervalMs) return none(state);
  return { state: { ...state, intervalMs: next }, effects: [{ kind: 'set-interval', intervalMs: next }] };
}

function startAction(state: UiState, ctx: KeyContext, key: string, selected: string | undefined): KeyResult {
  const what = { e: 'edit a limit', f: 'freeze', u: 'thaw' }[key]!;
  if (ctx.actionsUnavailable !== undefined) return none({ ...state, status: { text: `cannot ${what}: ${ctx.actionsUnavailable}`, level: 'error' } });
  const targetKey = state.view === 'detail' ? state.selectedKey : selected;
  if (targetKey === undefined) return none({ ...state, status: { text: `nothing selected to ${what}`, level: 'error' } });
  if (!ctx.isContainer(targetKey)) {
    return none({ ...state, status: { text: `${targetKey} is not a container; ${what} works on containers and pods`, level: 'error' } });
  }
  const target = { key: targetKey, name: ctx.nameOf(targetKey) ?? targetKey };
  if (key === 'e') return none({ ...state, prompt: { kind: 'limit-resource', target } });
  const verb = key === 'f' ? 'Freeze' : 'Thaw';
  return none({ ...state, prompt: { kind: 'confirm', question: `${verb} ${target.name}?`, effect: { kind: key === 'f' ? 'freeze' : 'thaw', target } } });
}
