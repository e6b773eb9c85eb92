// Builds every board of grafana/src to JSON under grafana/dashboards/<flavour>/ (committed, so that
// `grafana/` mounts straight into a Grafana). `--check` writes nothing and fails when a committed
// file differs from what the code builds, so that the JSON cannot drift from its source.
//   npx tsx grafana/build.ts [--check]

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BOARDS } from './src/boards.js';

export const DASHBOARDS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'dashboards');

/** The JSON text of every board, keyed by its path relative to grafana/dashboards/. */
export function renderBoards(): Map<string, string> {
  const out = new Map<string, string>();
  for (const board of BOARDS) {
    // Grafana assigns panel ids when it saves; provisioned files need them stable and unique.
    const model = board.build().build() as unknown as { panels?: Array<{ id?: number }> };
    (model.panels ?? []).forEach((panel, index) => { panel.id = index + 1; });
    out.set(`${board.flavour}/${board.file}`, `${JSON.stringify(model, null, 2)}\n`);
  }
  return out;
}

function main(check: boolean): number {
  const stale: string[] = [];
  for (const [path, text] of renderBoards()) {
    const file = join(DASHBOARDS_DIR, path);
    if (check) {
      let committed = '';
      try { committed = readFileSync(file, 'utf8'); } catch { /* missing counts as stale */ }
      if (committed !== text) stale.push(path);
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      console.log(`wrote grafana/dashboards/${path}`);
    }
  }
  if (stale.length > 0) {
    console.error(`out of date (run: npx tsx grafana/build.ts): ${stale.join(', ')}`);
    return 1;
  }
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.includes('--check'));
