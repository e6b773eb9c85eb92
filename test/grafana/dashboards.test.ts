// The committed dashboard JSON: built from grafana/src (no drift), shaped as Grafana needs it
// (schema), laid out without overlaps, with unique panel ids and refIds, and every variable a
// query uses defined on the board. Needs no server.

import { describe, expect, it } from 'vitest';
import { renderBoards } from '../../grafana/build.js';
import { boardQueries, loadBoards } from './board-queries.js';
import { DASHBOARD_SCHEMA, validate } from './dashboard-schema.js';

const MACROS = new Set(['__rate_interval', '__interval', '__interval_ms', '__range', '__range_s', 'timeFilter', 'tag_name', 'tag_host', 'tag_resource', 'col']);

describe.each(['prometheus', 'influxdb'] as const)('%s dashboards', (flavour) => {
  const boards = loadBoards(flavour);

  it('are what grafana/build.ts builds now (run `npx tsx grafana/build.ts` after editing grafana/src)', () => {
    const built = renderBoards();
    for (const [path] of boards) expect(JSON.parse(built.get(path)!), path).toEqual(boards.get(path));
    expect([...built.keys()].filter((p) => p.startsWith(`${flavour}/`)).sort()).toEqual([...boards.keys()].sort());
  });

  it.each([...boards.keys()])('%s passes the dashboard schema', (path) => {
    expect(validate(boards.get(path), DASHBOARD_SCHEMA)).toEqual([]);
  });

  it('have unique uids, panel ids and refIds per panel, and panels that do not overlap', () => {
    const uids = [...boards.values()].map((b) => b.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const [path, board] of boards) {
      const panels = board.panels as unknown as Array<{ id: number; gridPos: { x: number; y: number; w: number; h: number }; targets?: Array<{ refId: string }> }>;
      expect(new Set(panels.map((p) => p.id)).size, path).toBe(panels.length);
      const cells = new Set<string>();
      for (const p of panels) {
        expect(p.gridPos.x + p.gridPos.w, `${path} panel ${p.id}`).toBeLessThanOrEqual(24);
        const refs = (p.targets ?? []).map((t) => t.refId);
        expect(new Set(refs).size, `${path} panel ${p.id} refIds`).toBe(refs.length);
        for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
          for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
            expect(cells.has(`${x},${y}`), `${path} panel ${p.id} overlaps at ${x},${y}`).toBe(false);
            cells.add(`${x},${y}`);
          }
        }
      }
    }
  });

  it('use only variables their board defines (or Grafana macros)', () => {
    for (const q of boardQueries(flavour)) {
      const defined = new Set(boards.get(q.board)!.templating.list.map((v) => String(v.name)));
      for (const [, name] of q.raw.matchAll(/\$\{?(\w+)/g)) {
        expect(defined.has(name!) || MACROS.has(name!), `${q.board} › "${q.panel}": $${name}`).toBe(true);
      }
    }
  });
});
