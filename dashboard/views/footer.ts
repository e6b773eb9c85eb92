// The bottom line: an open prompt, else the last message, else the keys of the current view (as
// many as fit, most used first).

import type { Snapshot } from '../../collector/model/derive.js';
import { LIMIT_EXAMPLES } from '../actions/limit-input.js';
import type { LimitResource, UiState } from '../model/ui-state.js';
import * as fmt from '../text/format.js';
import { fitLine, joinFitting, span, type Line } from '../text/line.js';
import type { ViewModel } from './view-model.js';

type KeyHelp = readonly [key: string, label: string];

const LIST_KEYS: readonly KeyHelp[] = [
  ['q', 'quit'], ['?', 'help'], ['⏎', 'detail'], ['/', 'filter'], ['s', 'sort'], ['r', 'reverse'], ['t', 'tree'], ['m', 'memory'],
  ['a', 'all'], ['p', 'pause'], ['+-', 'interval'], ['e', 'limit'], ['f', 'freeze'], ['u', 'thaw'],
];
const TREE_KEYS: readonly KeyHelp[] = [
  ['q', 'quit'], ['?', 'help'], ['⏎', 'detail'], ['space', 'fold'], ['←→', 'fold/open'], ['/', 'filter'], ['s', 'sort'], ['t', 'table'],
  ['m', 'memory'], ['p', 'pause'], ['+-', 'interval'],
];
const DETAIL_KEYS: readonly KeyHelp[] = [
  ['esc', 'back'], ['?', 'help'], ['↑↓', 'prev/next'], ['m', 'memory'], ['e', 'limit'], ['f', 'freeze'], ['u', 'thaw'], ['p', 'pause'],
  ['+-', 'interval'], ['q', 'quit'],
];
const REPLAY_KEYS: readonly KeyHelp[] = [['[ ]', 'step'], ['{ }', '×10'], ['J', 'jump'], ['p', 'play']];

export function keysFor(state: UiState, replay: boolean): readonly KeyHelp[] {
  const base = state.view === 'detail' ? DETAIL_KEYS : state.view === 'tree' ? TREE_KEYS : LIST_KEYS;
  if (!replay) return base;
  // In replay the time keys matter most; actions do not apply to the past.
  return [...base.slice(0, 1), ...REPLAY_KEYS, ...base.slice(1).filter(([k]) => !['e', 'f', 'u', 'p', '+-'].includes(k))];
}

export function limitNow(s: Snapshot | undefined, resource: LimitResource): string {
  if (s === undefined) return '-';
  if (resource === 'cpu') return `${fmt.cores(s.cpu.limitCores)}${s.cpu.limitCores === Infinity || s.cpu.limitCores === undefined ? '' : ' cores'}`;
  if (resource === 'memory') return fmt.shortBytes(s.sample.memory.limitBytes);
  return s.sample.pids.max === undefined ? '-' : s.sample.pids.max === Infinity ? 'max' : String(s.sample.pids.max);
}

export function renderFooter(model: ViewModel, state: UiState, width: number): Line {
  const prompt = state.prompt;
  const find = (key: string) => model.snapshots.find((s) => s.sample.path === key);
  const cursor = span('▏', 'input');
  if (prompt !== undefined) {
    switch (prompt.kind) {
      case 'filter':
        return fitLine([span('Filter: ', 'accent'), span(prompt.text, 'input'), cursor, span('  ⏎ keep  esc cancel', 'dim')], width);
      case 'jump':
        return fitLine([span('Jump to: ', 'accent'), span(prompt.text, 'input'), cursor, span('  e.g. -5m, +1h, 14:03, 2026-11-23T14:03', 'dim')], width);
      case 'sort':
        return fitLine([span('Sort by: ', 'accent'), span('↑↓ ⏎ or the key in brackets; same column again reverses; esc cancel', 'dim')], width);
      case 'limit-resource': {
        const s = find(prompt.target.key);
        return fitLine(joinFitting([
          [span(`Edit a limit of ${prompt.target.name}:`, 'accent')],
          [span('[c]', 'accent'), span(` cpu (now ${limitNow(s, 'cpu')})`)],
          [span('[m]', 'accent'), span(` memory (now ${limitNow(s, 'memory')})`)],
          [span('[p]', 'accent'), span(` pids (now ${limitNow(s, 'pids')})`)],
          [span('esc cancel', 'dim')],
        ], width), width);
      }
      case 'limit-value':
        return fitLine([
          span(`New ${prompt.resource} limit of ${prompt.target.name}: `, 'accent'), span(prompt.text, 'input'), cursor,
          span(`  ${LIMIT_EXAMPLES[prompt.resource]}`, 'dim'),
        ], width);
      case 'confirm':
        return fitLine([span(prompt.question, 'warn'), span(' [y/N]', 'accent')], width);
    }
  }
  if (state.status !== undefined) {
    const style = state.status.level === 'error' ? 'crit' : state.status.level === 'ok' ? 'ok' : 'accent';
    return fitLine([span(state.status.text, style)], width);
  }
  if (model.source.error !== undefined) return fitLine([span(model.source.error, 'crit')], width);
  const keys = keysFor(state, model.source.kind === 'replay').map(([key, label]): Line => [span(key, 'accent'), span(` ${label}`)]);
  // The filter narrows lists; in the detail view it would only take room from the keys.
  const filter: Line[] = state.filter === '' || state.view === 'detail' ? [] : [[span('filter: ', 'dim'), span(state.filter, 'input')]];
  return fitLine(joinFitting([...filter, ...keys], width), width);
}
