// Every binding as a pure state change: no terminal, no source.
import { describe, expect, it } from 'vitest';
import { handleKey, type KeyContext } from '../../dashboard/model/keys.js';
import { initialState, type UiState } from '../../dashboard/model/ui-state.js';

const ctx = (over: Partial<KeyContext> = {}): KeyContext => ({
  rowKeys: ['/a', '/b', '/c', '/d'],
  pageRows: 2,
  replay: false,
  nameOf: (k) => ({ '/a': 'web', '/b': 'db' } as Record<string, string>)[k],
  isContainer: (k) => k !== '/d',
  hasChildren: (k) => k === '/a',
  ...over,
});

function press(state: UiState, keys: string[], context = ctx()) {
  let s = state;
  const effects = [];
  for (const name of keys) {
    const r = handleKey(s, { name }, context);
    s = r.state;
    effects.push(...r.effects);
  }
  return { state: s, effects };
}

describe('navigation', () => {
  it('moves the selection and scrolls it into view', () => {
    const { state } = press(initialState(), ['down', 'down', 'down']);
    expect(state.selectedKey).toBe('/d');
    expect(state.scrollTop).toBe(2);
    expect(press(state, ['home']).state.selectedKey).toBe('/a');
    expect(press(state, ['down', 'j']).state.selectedKey).toBe('/d');
    expect(press(initialState(), ['pagedown']).state.selectedKey).toBe('/b');
  });
  it('Enter opens the detail of the selection; esc returns to the list it came from', () => {
    const { state } = press(initialState(), ['t', 'down', 'enter']);
    expect(state.view).toBe('detail');
    expect(state.listView).toBe('tree');
    expect(state.selectedKey).toBe('/b');
    expect(press(state, ['escape']).state.view).toBe('tree');
  });
  it('t and m switch views and back', () => {
    expect(press(initialState(), ['t']).state.view).toBe('tree');
    expect(press(initialState(), ['t', 't']).state.view).toBe('table');
    expect(press(initialState(), ['m']).state.view).toBe('memory');
    expect(press(initialState(), ['m', 'm']).state.view).toBe('table');
    expect(press(initialState(), ['m', 'escape']).state.view).toBe('table');
  });
  it('folds and opens tree nodes that have children', () => {
    const tree = press(initialState(), ['t']).state;
    expect([...press(tree, ['space']).state.folded]).toEqual(['/a']);
    expect([...press(tree, ['space', 'space']).state.folded]).toEqual([]);
    expect([...press(tree, ['left', 'right']).state.folded]).toEqual([]);
    expect([...press(tree, ['down', 'space']).state.folded]).toEqual([]); // /b has no children
  });
  it('q and Ctrl-C quit; Ctrl-C even in a prompt', () => {
    expect(press(initialState(), ['q']).effects).toEqual([{ kind: 'quit' }]);
    expect(press(initialState(), ['/', 'q']).effects).toEqual([]);
    expect(press(initialState(), ['/', 'C-c']).effects).toEqual([{ kind: 'quit' }]);
  });
});

describe('sort and filter', () => {
  it('s opens the menu; a column key sorts by it; the same column again reverses', () => {
    const menu = press(initialState(), ['s']).state;
    expect(menu.prompt).toEqual({ kind: 'sort', cursor: 2 }); // cpu is the third column
    const byMem = press(menu, ['m']).state;
    expect(byMem.sort.main).toEqual({ columnId: 'mem', reversed: false });
    expect(byMem.prompt).toBeUndefined();
    expect(press(byMem, ['s', 'm']).state.sort.main).toEqual({ columnId: 'mem', reversed: true });
    expect(press(initialState(), ['s', 'down', 'enter']).state.sort.main.columnId).toBe('cpuPercent');
    expect(press(initialState(), ['s', 'escape']).state.sort.main.columnId).toBe('cpu');
  });
  it('r reverses, < > move the sort column; the memory view has its own sort', () => {
    expect(press(initialState(), ['r']).state.sort.main.reversed).toBe(true);
    expect(press(initialState(), ['>']).state.sort.main.columnId).toBe('cpuPercent');
    expect(press(initialState(), ['<']).state.sort.main.columnId).toBe('image');
    const memory = press(initialState(), ['m', 's', 'F']).state;
    expect(memory.sort.memory.columnId).toBe('inactiveFile');
    expect(memory.sort.main.columnId).toBe('cpu');
  });
  it('/ filters live; enter keeps, esc restores, backspace edits', () => {
    const typing = press(initialState(), ['/', 'w', 'e', 'x', 'backspace']).state;
    expect(typing.filter).toBe('we');
    expect(typing.prompt).toEqual({ kind: 'filter', text: 'we', previous: '' });
    expect(press(typing, ['enter']).state).toMatchObject({ filter: 'we', prompt: undefined });
    expect(press(typing, ['escape']).state).toMatchObject({ filter: '', prompt: undefined });
    expect(press(press(typing, ['enter']).state, ['escape']).state.filter).toBe('');
    expect(press(initialState(), ['/', 'a', 'space', 'b']).state.filter).toBe('a b');
  });
});

describe('pause, interval, all', () => {
  it('p pauses and resumes', () => {
    const { state, effects } = press(initialState(), ['p']);
    expect(state.paused).toBe(true);
    expect(effects).toEqual([{ kind: 'pause', paused: true }]);
    expect(press(state, ['p']).effects).toEqual([{ kind: 'pause', paused: false }]);
  });
  it('+ and - step through the intervals and stop at the ends', () => {
    expect(press(initialState(), ['+']).effects).toEqual([{ kind: 'set-interval', intervalMs: 2000 }]);
    expect(press(initialState(), ['-', '-']).state.intervalMs).toBe(250);
    expect(press(initialState(), ['-', '-', '-']).effects).toEqual([{ kind: 'set-interval', intervalMs: 500 }, { kind: 'set-interval', intervalMs: 250 }]);
    expect(press(initialState({ intervalMs: 1500 }), ['+']).state.intervalMs).toBe(2000);
  });
  it('a shows every cgroup and says so', () => {
    const { state } = press(initialState(), ['a']);
    expect(state.showAll).toBe(true);
    expect(state.status?.text).toBe('showing every cgroup');
    expect(press(state, ['down']).state.status).toBeUndefined();
  });
});

describe('actions', () => {
  it('e asks which limit, then the value, then confirms, then emits set-limit', () => {
    const edit = press(initialState(), ['e']).state;
    expect(edit.prompt).toEqual({ kind: 'limit-resource', target: { key: '/a', name: 'web' } });
    const value = press(edit, ['m', '2', '5', '6', 'M']).state;
    expect(value.prompt).toEqual({ kind: 'limit-value', target: { key: '/a', name: 'web' }, resource: 'memory', text: '256M' });
    const confirm = press(value, ['enter']).state;
    expect(confirm.prompt).toMatchObject({ kind: 'confirm', question: 'Set the memory limit of web to 256M?' });
    expect(press(confirm, ['y']).effects).toEqual([{ kind: 'set-limit', target: { key: '/a', name: 'web' }, resource: 'memory', value: 256 * 1024 ** 2, text: '256M' }]);
    expect(press(confirm, ['n'])).toMatchObject({ effects: [], state: { prompt: undefined, status: { text: 'cancelled' } } });
  });
  it('a bad value keeps the prompt open and says what would be right', () => {
    const { state, effects } = press(initialState(), ['e', 'c', 'x', 'enter']);
    expect(effects).toEqual([]);
    expect(state.prompt?.kind).toBe('limit-value');
    expect(state.status).toEqual({ text: '"x" is not a number of cores; give cores, e.g. 0.5, 2, or max', level: 'error' });
  });
  it('f and u confirm before freezing or thawing', () => {
    const freeze = press(initialState(), ['down', 'f']).state;
    expect(freeze.prompt).toEqual({ kind: 'confirm', question: 'Freeze db?', effect: { kind: 'freeze', target: { key: '/b', name: 'db' } } });
    expect(press(freeze, ['y']).effects).toEqual([{ kind: 'freeze', target: { key: '/b', name: 'db' } }]);
    expect(press(initialState(), ['u', 'Y']).effects).toEqual([{ kind: 'thaw', target: { key: '/a', name: 'web' } }]);
  });
  it('refuses on plain cgroups and where actions are unavailable', () => {
    expect(press(initialState(), ['end', 'f']).state.status?.text).toMatch(/^\/d is not a container/);
    const remote = press(initialState(), ['e'], ctx({ actionsUnavailable: 'read-only source' })).state;
    expect(remote.prompt).toBeUndefined();
    expect(remote.status).toEqual({ text: 'cannot edit a limit: read-only source', level: 'error' });
  });
});

describe('replay keys', () => {
  it('[ ] { } step and J jumps, only in replay', () => {
    const replay = ctx({ replay: true });
    expect(press(initialState(), [']', '[', '}', '{'], replay).effects.map((e) => (e as { rounds: number }).rounds)).toEqual([1, -1, 10, -10]);
    expect(press(initialState(), ['J', '-', '5', 'm', 'enter'], replay).effects).toEqual([{ kind: 'jump', spec: '-5m' }]);
    expect(press(initialState(), [']']).effects).toEqual([]);
    expect(press(initialState(), [']']).state.status?.text).toBe('stepping in time needs --replay');
  });
});

describe('help', () => {
  it('? opens help and any key closes it', () => {
    const help = press(initialState(), ['?']).state;
    expect(help.help).toBe(true);
    expect(press(help, ['x']).state.help).toBe(false);
  });
});
