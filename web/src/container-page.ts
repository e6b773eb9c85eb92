// One container (or any cgroup): identity, the row top shows, limits (editable only when serve has the
// limits API), and live charts fed by /api/v1/events?key=<path>, one point per sample.

import { MAIN_COLUMNS } from '../../dashboard/model/columns.js';
import * as fmt from '../../dashboard/text/format.js';
import { followEvents, type Snapshot, type UiConfig } from './api.js';
import { CHARTS, LiveChart } from './charts.js';
import { h, setStatus } from './dom.js';
import { LimitsPanel } from './limits-panel.js';
import type { Cleanup } from './main.js';

function identityList(s: Snapshot): HTMLElement {
  const id = s.sample.identity;
  const rows: Array<[string, string | undefined]> = [
    ['name', id.name], ['image', id.image], ['runtime', id.runtime], ['kind', id.kind], ['id', id.id],
    ['cgroup', s.sample.path], ['pod', id.pod && `${id.namespace ?? ''}/${id.pod}`], ['cpuset', s.sample.cpusetCpus],
    ['created', s.sample.createdMs === undefined ? undefined : new Date(s.sample.createdMs).toLocaleString()],
    ['labels', Object.entries(id.labels).map(([k, v]) => `${k}=${v}`).join(', ') || undefined],
  ];
  return h('dl', { class: 'identity' }, ...rows.filter(([, v]) => v !== undefined && v !== '').flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v!)]));
}

/** The same cells as the row in the table, as a strip of figures. */
function summary(s: Snapshot): HTMLElement {
  const row = { key: s.sample.path, snapshot: s, nowMs: Date.now() };
  return h('div', { class: 'summary', id: 'summary' }, ...MAIN_COLUMNS.slice(2).map((col) => {
    const cell = col.cell(row);
    return h('div', { class: `figure${cell.level ? ` lvl-${cell.level}` : ''}`, title: col.title, 'data-col': col.id },
      h('span', { class: 'label' }, col.header), h('span', { class: 'value' }, cell.text));
  }));
}

export function showContainer(main: HTMLElement, key: string, config: UiConfig): Cleanup {
  const title = h('h1', {}, key);
  const identity = h('div');
  const strip = h('div');
  const limits = new LimitsPanel(key, config.limitsApi);
  const charts = CHARTS.map((spec) => new LiveChart(spec));
  main.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/' }, '← containers')),
    title, h('div', { class: 'two' }, identity, limits.element), strip,
    h('section', { class: 'charts' }, ...charts.map((c) => c.element)),
  );
  let shownIdentity = '';
  const feed = followEvents<Snapshot>(`key=${encodeURIComponent(key)}`, 'snapshot', {
    onData(s) {
      setStatus(`sampled ${fmt.clock(s.sample.timestampMs)}`);
      title.textContent = s.sample.identity.name;
      // Identity changes rarely; rebuilding it every tick would reset a user's text selection.
      const identityKey = JSON.stringify([s.sample.identity, s.sample.cpusetCpus]);
      if (identityKey !== shownIdentity) {
        shownIdentity = identityKey;
        identity.replaceChildren(identityList(s));
      }
      strip.replaceChildren(summary(s));
      limits.update(s);
      for (const chart of charts) chart.push(s);
    },
    onGone: (message) => setStatus(`${message} (it may have stopped)`, 'error'),
    onError: (message) => { if (message) setStatus(message, 'error'); },
  });
  const onResize = () => charts.forEach((c) => c.resize());
  window.addEventListener('resize', onResize);
  return () => {
    feed.close();
    window.removeEventListener('resize', onResize);
    charts.forEach((c) => c.destroy());
  };
}
