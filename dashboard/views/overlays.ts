// What covers the body for a moment: the sort menu (`s`) and the help screen (`?`).

import { columnsOf, type ColumnSet } from '../model/columns.js';
import type { SortState } from '../model/rows.js';
import { CRIT_PERCENT, WARN_PERCENT } from '../model/row.js';
import { fitLine, padRight, restyle, span, type Line } from '../text/line.js';

export function renderSortMenu(set: ColumnSet, sort: SortState, cursor: number, width: number, height: number): Line[] {
  const columns = columnsOf(set);
  const lines: Line[] = [fitLine([span('Sort by', 'title'), span('   numbers high→low, text A→Z; r reverses', 'dim')], width)];
  const room = Math.max(0, height - 1);
  const start = Math.max(0, Math.min(cursor - Math.floor(room / 2), columns.length - room));
  columns.slice(start, start + room).forEach((c, i) => {
    const current = c.id === sort.columnId ? (sort.reversed ? ' (current, reversed)' : ' (current)') : '';
    const line = fitLine([span(` [${c.sortKey}] `, 'accent'), span(padRight(c.header, 8), 'bold'), span(`${c.title}${current}`)], width);
    lines.push(start + i === cursor ? restyle(line, 'selected', true) : line);
  });
  while (lines.length < height) lines.push(fitLine([], width));
  return lines.slice(0, height);
}

const HELP: readonly (readonly [string, string])[] = [
  ['↑↓ j k PgUp PgDn g G', 'move the selection'],
  ['⏎', 'detail of the selected container: limits, namespaces, labels, charts'],
  ['esc ⌫ ←', 'back to the list; in the list, clear the filter'],
  ['/', 'filter by name, image, id, path or label (key=value); live, ⏎ keeps, esc cancels'],
  ['s  < >  r', 'sort menu; previous/next sort column; reverse the order'],
  ['t', 'cgroup tree (space or ←/→ fold and open a node; ◆ marks containers)'],
  ['m', 'memory view: LRU lists, refaults, reclaim, pressure, failcnt/OOM'],
  ['a', 'every cgroup instead of containers and pods only'],
  ['p', 'pause (replay: play / stop)'],
  ['+ -', 'sampling interval up / down'],
  ['e', 'edit a limit of the selected container (cpu, memory, pids), with confirmation'],
  ['f u', 'freeze / thaw the selected container, with confirmation'],
  ['[ ] { } J', 'replay: one step back / forward, ten steps, jump to a time'],
  ['q  Ctrl-C', 'quit'],
];

export function renderHelp(width: number, height: number): Line[] {
  const keyWidth = Math.max(...HELP.map(([k]) => k.length)) + 2;
  const lines: Line[] = [
    fitLine([span('cgmeter top — keys', 'title')], width),
    ...HELP.map(([k, what]) => fitLine([span(padRight(` ${k}`, keyWidth + 1), 'accent'), span(what)], width)),
    fitLine([], width),
    fitLine([span(` Colours: `, 'accent'), span(`${WARN_PERCENT}% of a limit `), span('warn', 'warn'), span(`, ${CRIT_PERCENT}% `), span('critical', 'crit'),
      span('. %L columns are a share of the container\'s own limit; PSI is "some avg10" (c cpu, m memory, i io).')], width),
    fitLine([span(' Any key closes this help.', 'dim')], width),
  ];
  while (lines.length < height) lines.push(fitLine([], width));
  return lines.slice(0, height);
}
