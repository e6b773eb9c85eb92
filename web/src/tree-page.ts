// The cgroup tree: every cgroup the collector tracks, nested as the kernel nests them, with top's columns
// (dashboard treeRows: siblings sorted by the sort column, a filter keeps matches and their ancestors).

import { MAIN_COLUMNS } from '../../dashboard/model/columns.js';
import { treeRows } from '../../dashboard/model/rows.js';
import * as fmt from '../../dashboard/text/format.js';
import { followEvents, type Snapshot } from './api.js';
import { h, setStatus } from './dom.js';
import type { Cleanup } from './main.js';
import { bodyRow, headerRow, loadSettings } from './table-page.js';

const SETTINGS_KEY = 'cgmeter.tree';

export function showTree(main: HTMLElement): Cleanup {
  const settings = loadSettings(SETTINGS_KEY, { sort: { columnId: 'name', reversed: false }, filter: '', showAll: true });
  const folded = new Set<string>(JSON.parse(sessionStorage.getItem(`${SETTINGS_KEY}.folded`) ?? '[]') as string[]);
  let snapshots: readonly Snapshot[] = [];
  const save = () => {
    sessionStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
    sessionStorage.setItem(`${SETTINGS_KEY}.folded`, JSON.stringify([...folded]));
  };
  const filter = h('input', {
    type: 'search', id: 'tree-filter', placeholder: 'filter (ancestors of matches stay)', value: settings.filter, 'aria-label': 'filter',
    oninput: () => { settings.filter = filter.value; save(); render(); },
  });
  const thead = h('thead');
  const tbody = h('tbody');
  main.append(
    h('section', { class: 'toolbar' }, filter, h('span', { class: 'hint' }, '▾/▸ folds a subtree')),
    h('table', { class: 'grid tree', id: 'tree' }, thead, tbody),
  );
  const onSort = (id: string) => {
    settings.sort = { columnId: id, reversed: settings.sort.columnId === id ? !settings.sort.reversed : false };
    save();
    render();
  };
  function render(): void {
    const rows = treeRows(snapshots, { set: 'main', sort: settings.sort, filter: settings.filter, showAll: true, nowMs: Date.now() }, folded);
    thead.replaceChildren(headerRow(MAIN_COLUMNS, settings.sort, onSort));
    tbody.replaceChildren(...rows.map((row) => {
      const tr = bodyRow(MAIN_COLUMNS, { ...row, treePrefix: '' });
      const first = tr.firstElementChild!;
      // The drawing (│ ├─▾) is its own element so that a click on the marker folds instead of navigating.
      const marker = h('span', { class: 'tree-prefix', onclick: () => {
        if (!folded.delete(row.key)) folded.add(row.key);
        save();
        render();
      } }, row.treePrefix ?? '');
      first.prepend(marker);
      return tr;
    }));
  }
  const feed = followEvents<Snapshot[]>('all=1', 'snapshots', {
    onData: (list) => {
      snapshots = list;
      // With thousands of cgroups serve sends list events less often than it samples: say how fresh it is.
      if (list[0]) setStatus(`sampled ${fmt.clock(list[0].sample.timestampMs)}`);
      render();
    },
    onError: (message) => setStatus(message, message ? 'error' : 'info'),
  });
  render();
  return () => feed.close();
}
