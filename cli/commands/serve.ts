// `cgmeter serve`: its flags and help. What it runs (the collector on its cadence and the HTTP endpoint
// over its Snapshots) is serve-run.ts, imported only when serve runs, so that `cgmeter --help` and the
// other commands do not load the HTTP server, prom-client, the InfluxDB client or SQLite.

import type { Command } from '../command.js';
import { COLLECTOR_FLAGS } from '../common-flags.js';
import { METADATA_FLAGS } from '../metadata-flags.js';
import { PROMETHEUS_FLAGS } from '../../exporters/prometheus/flags.js';
import { INFLUX_FLAGS } from '../../exporters/influx/flags.js';
import { LEDGER_FLAGS } from '../../collector/ledger/flags.js';
import { LIMITS_API_FLAGS } from '../../exporters/http/limits-flags.js';

/**
 * Outside the exporters' allocation list (9100–9999 is full, and allocations continue at 10000+),
 * below Linux's ephemeral range (32768–60999), and in no /etc/services entry.
 */
export const DEFAULT_PORT = 19338;
/** --quiet-refresh: a quiet cgroup's files other than its CPU time are read at least this often (cAdvisor's housekeeping reads an idle container every 1–15 s). */
export const DEFAULT_QUIET_REFRESH = '10s';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Collect continuously and serve /metrics (Prometheus text or OpenMetrics, cAdvisor-compatible names), a JSON API and health checks.\n'
    + `Default address 0.0.0.0:${DEFAULT_PORT}. SIGTERM/SIGINT stop it cleanly.`,
  usage: `cgmeter serve [--listen HOST:PORT] [--interval 1s] [--discovery-interval 30s] [--web-config FILE] [--export all|containers] ...`,
  flags: {
    listen: { type: 'string', placeholder: 'HOST:PORT', env: 'CGMETER_LISTEN', default: `0.0.0.0:${DEFAULT_PORT}`, description: 'address to serve on (port 0: any free port)' },
    interval: { type: 'string', placeholder: 'DURATION', env: 'CGMETER_INTERVAL', default: '1s', description: 'time between samples (500ms, 1s, 10s)' },
    'discovery-interval': { type: 'string', placeholder: 'DURATION', default: '30s', description: 'time between full cgroup tree walks (new cgroups are also seen at once through inotify)' },
    'quiet-refresh': {
      type: 'string', placeholder: 'DURATION', env: 'CGMETER_QUIET_REFRESH', default: DEFAULT_QUIET_REFRESH,
      description: 'a cgroup that used no CPU since its last full read has only its CPU counter read at each sample, and its other files at least this often '
        + '(memory given back by reclaim can show this late); 0 reads every file of every cgroup at every sample',
    },
    'web-config': {
      type: 'string', placeholder: 'FILE', env: 'CGMETER_WEB_CONFIG',
      description: 'TLS and basic auth, in Prometheus exporter-toolkit form (tls_server_config, basic_auth_users); off by default',
    },
    'hash-password': { type: 'boolean', description: 'read a password from stdin, print its scrypt hash for basic_auth_users, and exit' },
    ...PROMETHEUS_FLAGS,
    ...INFLUX_FLAGS,
    ...LEDGER_FLAGS,
    'rate-card': { type: 'string', placeholder: 'FILE', env: 'CGMETER_RATE_CARD', description: 'prices (YAML or JSON, see docs/billing.md) for GET /api/v1/billing' },
    ...LIMITS_API_FLAGS,
    ...METADATA_FLAGS,
    ...COLLECTOR_FLAGS,
  },
  examples: [
    'cgmeter serve',
    'cgmeter serve --listen 127.0.0.1:19338 --export containers --label-allowlist com.docker.compose.service',
    'printf %s "$PASSWORD" | cgmeter serve --hash-password',
  ],
  run: async (args) => (await import('./serve-run.js')).runServe(args),
};
