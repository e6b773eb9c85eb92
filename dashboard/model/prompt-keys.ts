// Keys while a prompt is open: the filter line (live, Esc restores), the sort menu, the replay
// jump line, and the two steps of the limit form followed by a y/N confirmation.

import { parseLimitInput } from '../actions/limit-input.js';
import { columnsOf } from './columns.js';
import type { KeyContext, KeyPress, KeyResult } from './keys.js';
import { columnSetOf, type LimitResource, type Prompt, type UiState } from './ui-state.js';

const RESOURCE_KEYS: Readonly<Record<string, LimitResource>> = { c: 'cpu', m: 'memory', p: 'pids' };

/** Printable text a key adds to an input line (space included), or undefined. */
function typed(key: KeyPress): string | undefined {
  if (key.name === 'space') return ' ';
  return key.name.length === 1 && key.name >= ' ' ? key.name : undefined;
}

function edit(text: string, key: KeyPress): string | undefined {
  if (key.name === 'backspace') return text.slice(0, -1);
  const ch = typed(key);
  return ch === undefined ? undefined : text + ch;
}

export function handlePromptKey(state: UiState, key: KeyPress, _ctx: KeyContext): KeyResult {
  const prompt = state.prompt!;
  const close = (extra: Partial<UiState> = {}): UiState => ({ ...state, prompt: undefined, ...extra });
  switch (prompt.kind) {
    case 'filter': {
      if (key.name === 'escape') return { state: close({ filter: prompt.previous }), effects: [] };
      if (key.name === 'enter') return { state: close({ scrollTop: 0 }), effects: [] };
      const text = edit(prompt.text, key);
      if (text === undefined) return { state, effects: [] };
      // Live: the list narrows with every key, as in ctop.
      return { state: { ...state, filter: text, scrollTop: 0, prompt: { ...prompt, text } }, effects: [] };
    }
    case 'sort': {
      const set = columnSetOf(state);
      const columns = columnsOf(set);
      if (key.name === 'escape' || key.name === 's') return { state: close(), effects: [] };
      if (key.name === 'up' || key.name === 'down') {
        const cursor = (prompt.cursor + (key.name === 'up' ? -1 : 1) + columns.length) % columns.length;
        return { state: { ...state, prompt: { kind: 'sort', cursor } }, effects: [] };
      }
      const chosen = key.name === 'enter' ? columns[prompt.cursor] : columns.find((c) => c.sortKey === key.name);
      if (chosen === undefined) return { state, effects: [] };
      const current = state.sort[set];
      // Choosing the column already sorted on flips its direction, the way a table header click does.
      const reversed = current.columnId === chosen.id ? !current.reversed : false;
      return { state: close({ sort: { ...state.sort, [set]: { columnId: chosen.id, reversed } }, scrollTop: 0 }), effects: [] };
    }
    case 'jump': {
      if (key.name === 'escape') return { state: close(), effects: [] };
      if (key.name === 'enter') {
        return prompt.text.trim() === '' ? { state: close(), effects: [] } : { state: close(), effects: [{ kind: 'jump', spec: prompt.text.trim() }] };
      }
      const text = edit(prompt.text, key);
      return { state: text === undefined ? state : { ...state, prompt: { ...prompt, text } }, effects: [] };
    }
    case 'limit-resource': {
      if (key.name === 'escape') return { state: close({ status: { text: 'edit cancelled', level: 'info' } }), effects: [] };
      const resource = RESOURCE_KEYS[key.name];
      if (resource === undefined) return { state, effects: [] };
      return { state: { ...state, prompt: { kind: 'limit-value', target: prompt.target, resource, text: '' } }, effects: [] };
    }
    case 'limit-value': return limitValueKey(state, prompt, key, close);
    case 'confirm': {
      if (key.name === 'y' || key.name === 'Y') return { state: close(), effects: [prompt.effect] };
      return { state: close({ status: { text: 'cancelled', level: 'info' } }), effects: [] };
    }
  }
}

function limitValueKey(state: UiState, prompt: Extract<Prompt, { kind: 'limit-value' }>, key: KeyPress,
  close: (extra?: Partial<UiState>) => UiState): KeyResult {
  if (key.name === 'escape') return { state: close({ status: { text: 'edit cancelled', level: 'info' } }), effects: [] };
  if (key.name === 'enter') {
    const parsed = parseLimitInput(prompt.resource, prompt.text);
    if (!parsed.ok) return { state: { ...state, status: { text: parsed.error, level: 'error' } }, effects: [] };
    const shown = prompt.text.trim();
    return {
      state: {
        ...state,
        prompt: {
          kind: 'confirm',
          question: `Set the ${prompt.resource} limit of ${prompt.target.name} to ${shown}?`,
          effect: { kind: 'set-limit', target: prompt.target, resource: prompt.resource, value: parsed.value, text: shown },
        },
      },
      effects: [],
    };
  }
  const text = edit(prompt.text, key);
  return { state: text === undefined ? state : { ...state, prompt: { ...prompt, text } }, effects: [] };
}
