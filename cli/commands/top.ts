// `cgmeter top`: the live terminal dashboard, or with --once one frame for scripts. Reads the
// flags once, builds the source (local collector, --remote, --replay) and runs the dashboard.
// Here: its flags and help; what it runs is top-run.ts, imported when it runs.

import type { Command } from '../command.js';
import { COLLECTOR_FLAGS } from '../common-flags.js';
import { METADATA_FLAGS } from '../metadata-flags.js';
import { MAIN_COLUMNS } from '../../dashboard/model/columns.js';
import { DEFAULT_AUDIT_LOG } from '../../collector/limits/audit.js';
import { DEFAULT_LEDGER_PATH } from '../../collector/ledger/flags.js';

/** The columns --sort accepts. */
export const SORT_IDS = MAIN_COLUMNS.map((c) => c.id);

/**
 * Full re-walks of the tree (which also re-read limits and process counts). New containers are
 * seen at once through inotify, and limits changed with `e` are re-read right away, so the walk
 * only catches what those miss: slower than serve's 10 s, for a dashboard's small budget.
 */
export const DEFAULT_DISCOVERY_INTERVAL = '30s';

export const topCommand: Command = {
  name: 'top',
  summary: 'Live dashboard of containers (CPU, memory, network, block I/O, pids, pressure), with a cgroup tree, a detail view with charts, a memory view, and limit actions. --once prints one frame.',
  usage: 'cgmeter top [--interval 1s] [--sort cpu] [--filter TEXT] [--all] [--view table|tree|memory] [--remote URL | --replay [--from TIME] [--ledger PATH]] [--once [--json]]',
  flags: {
    interval: { type: 'string', placeholder: 'DURATION', default: '1s', description: 'time between samples (+/- change it while running)' },
    'discovery-interval': {
      type: 'string', placeholder: 'DURATION', default: DEFAULT_DISCOVERY_INTERVAL,
      description: 'time between full walks of the cgroup tree, which also re-read limits (new containers show at once through inotify)',
    },
    sort: { type: 'string', placeholder: 'COLUMN', default: 'cpu', description: `column to sort by: ${SORT_IDS.join(', ')}` },
    reverse: { type: 'boolean', description: 'reverse the sort order' },
    filter: { type: 'string', placeholder: 'TEXT', description: 'show only rows whose name, image, id, path or label contains TEXT' },
    all: { type: 'boolean', short: 'a', description: 'show every cgroup, not only containers and pods' },
    view: { type: 'string', placeholder: 'VIEW', default: 'table', description: 'view to start in: table, tree or memory' },
    remote: { type: 'string', placeholder: 'URL', description: 'show a remote `cgmeter serve` (polls URL/api/v1/containers?all=1)' },
    'api-token-file': {
      type: 'string', placeholder: 'PATH', env: 'CGMETER_API_TOKEN_FILE',
      description: 'with --remote: the bearer token of the node\'s limits API (serve --enable-limits-api), for e/f/u',
    },
    replay: {
      type: 'boolean',
      description: 'replay the Samples `cgmeter serve` recorded in its ledger (every --record-interval) instead of live data; [ ] step a round, { } ten, J jumps, p plays',
    },
    from: {
      type: 'string', placeholder: 'TIME',
      description: 'where --replay starts: "10m ago", --from=-10m, 14:03, 2026-11-23T14:03 (default: 10 minutes before the last recorded round)',
    },
    ledger: {
      type: 'string', placeholder: 'PATH', env: 'CGMETER_LEDGER', default: DEFAULT_LEDGER_PATH,
      description: 'with --replay: the ledger `cgmeter serve` writes (opened read-only; serve may keep writing it)',
    },
    once: { type: 'boolean', description: 'print one frame as a table and exit (for scripts; also what happens without a terminal)' },
    json: { type: 'boolean', description: 'with --once: print the frame\'s Snapshots as JSON (unlimited values are "max")' },
    'no-color': { type: 'boolean', description: 'no colours (also when NO_COLOR is set)' },
    'audit-log': {
      type: 'string', placeholder: 'PATH', env: 'CGMETER_AUDIT_LOG', default: DEFAULT_AUDIT_LOG,
      description: 'JSON-lines log of every limit change, freeze and thaw made with e/f/u (as cgmeter limit writes)',
    },
    ...COLLECTOR_FLAGS,
    ...METADATA_FLAGS,
  },
  examples: [
    'cgmeter top', 'cgmeter top --sort mem --filter web', 'cgmeter top --once --json | jq ".containers[].sample.identity.name"', 'cgmeter top --remote http://node1:9917',
    'cgmeter top --replay --from "30m ago"', 'cgmeter top --replay --from 14:03 --once --json',
  ],
  run: async (args) => (await import('./top-run.js')).runTop(args),
};
