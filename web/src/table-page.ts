// The containers table: `cgmeter top`'s columns, sort and filter (the dashboard's own column table and
// row functions, bundled), fed by /api/v1/events. Click a header to sort, again to reverse.

import { MAIN_COLUMNS, type Column } from '../../dashboard/model/columns.js';
import { tableRows, type SortState } from '../../dashboard/model/rows.js';
import type { RowModel } from '../../dashboard/model/row.js';
import * as fmt from '../../dashboard/text/format.js';
import { followEvents, type Snapshot } from './api.js';
import { containerHref, h, setStatus } from './dom.js';
import type { Cleanup } from './main.js';

/** Survives navigation within the page (and reloads, per tab): the user's last sort and filter. */
interface TableSettings { sort: SortState; filter: string; showAll: boolean }

export function loadSettings(key: string, fallback: TableSettings): TableSettings {
  try {
    return { ...fallback, ...(JSON.parse(sessionStorage.getItem(key) ?? '{}') as Partial<TableSettings>) };
  } catch {
    return fallback;
  }
}

const SETTINGS_KEY = 'cgmeter.table';

export function headerRow(columns: readonly Column[], sort: SortState, onSort: (id: string) => void): HTMLTableRowElement {
  return h('tr', {}, ...columns.map((col) => {
    const active = col.id === sort.columnId;
    // ▼ = high first (top's default for numbers), ▲ = reversed, as in the terminal.
    const arrow = active ? (sort.reversed ? '▲' : '▼') : '';
    return h('th', {
      class: `${col.align}${active ? ' sorted' : ''}`, title: col.title, 'data-col': col.id,
      'aria-sort': active ? (sort.reversed ? 'ascending' : 'descending') : undefined,
      onclick: () => onSort(col.id),
    }, h('button', { type: 'button' }, arrow, col.header));
  }));
}

export function bodyRow(columns: readonly Column[], row: RowModel): HTMLTableRowElement {
  return h('tr', { 'data-key': row.key }, ...columns.map((col, i) => {
    const cell = col.cell(row);
    const attrs = { class: `${col.align}${cell.level ? ` lvl-${cell.level}` : ''}`, 'data-col': col.id };
    if (i > 0) return h('td', attrs, cell.text);
    return h('td', attrs, h('a', { href: containerHref(row.key), title: row.key }, cell.text));
  }));
}

export function showTable(main: HTMLElement): Cleanup {
  const settings = loadSettings(SETTINGS_KEY, { sort: { columnId: 'cpu', reversed: false }, filter: '', showAll: false });
  let snapshots: readonly Snapshot[] = [];
  const save = () => sessionStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));

  const filter = h('input', {
    type: 'search', placeholder: 'filter: name, image, id, path, label=value', value: settings.filter, id: 'filter',
    'aria-label': 'filter', oninput: () => { settings.filter = filter.value; save(); render(); },
  });
  const showAll = h('input', { type: 'checkbox', id: 'show-all', checked: settings.showAll, onchange: () => {
    settings.showAll = showAll.checked;
    save();
    feed.close();
    feed = follow(); // the server sends every cgroup only to pages that ask
  } });
  const count = h('span', { class: 'count' });
  const thead = h('thead');
  const tbody = h('tbody');
  main.append(
    h('section', { class: 'toolbar' }, filter, h('label', {}, showAll, ' every cgroup'), count),
    h('table', { class: 'grid', id: 'containers' }, thead, tbody),
  );

  const onSort = (id: string) => {
    settings.sort = { columnId: id, reversed: settings.sort.columnId === id ? !settings.sort.reversed : false };
    save();
    render();
  };
  function render(): void {
    const rows = tableRows(snapshots, { set: 'main', sort: settings.sort, filter: settings.filter, showAll: settings.showAll, nowMs: Date.now() });
    thead.replaceChildren(headerRow(MAIN_COLUMNS, settings.sort, onSort));
    tbody.replaceChildren(...rows.map((row) => bodyRow(MAIN_COLUMNS, row)));
    if (rows.length === 0) {
      tbody.append(h('tr', {}, h('td', { colspan: MAIN_COLUMNS.length, class: 'empty' },
        settings.showAll ? 'no cgroups match' : 'no containers found (tick "every cgroup" to see plain cgroups)')));
    }
    count.textContent = `${rows.length} shown`;
  }
  const follow = () => followEvents<Snapshot[]>(settings.showAll ? 'all=1' : '', 'snapshots', {
    onData: (list) => {
      snapshots = list;
      // With thousands of cgroups serve sends list events less often than it samples: say how fresh it is.
      if (list[0]) setStatus(`sampled ${fmt.clock(list[0].sample.timestampMs)}`);
      render();
    },
    onError: (message) => setStatus(message, message ? 'error' : 'info'),
  });
  let feed = follow();
  render();
  return () => feed.close();
}
