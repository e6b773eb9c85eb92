// Test support: cgmeter's sampling + Influx writer in a process of its own, so that an outage test
// can kill it with SIGKILL. Samples the real host every second and writes through the v2 API with
// a disk spool. After each tick, once the exporter has taken the tick's points, it appends the
// root cgroup's timestamp to a ledger file (the record of what was sampled) and reports to the
// parent. SIGTERM stops sampling and closes the exporter, as `cgmeter serve` does.
//
// Run: fork(this file, [JSON config], { execArgv: ['--import', 'tsx'] })

import { appendFileSync } from 'node:fs';
import { CollectorService } from '../../../../collector/service.js';
import { ALL_GROUPS } from '../../../../collector/poller.js';
import { attachInfluxExporter } from '../../../../exporters/influx/attach.js';
import { DEFAULT_INFLUX_OPTIONS } from '../../../../exporters/influx/options.js';

export interface ChildConfig {
  readonly url: string;
  readonly spoolDir: string;
  readonly ledger: string;
  readonly hostTag: string;
}

export type ChildMessage =
  | { type: 'tick'; pid: number; timestampMs: number; state: string; spoolPoints: number }
  | { type: 'closed'; metrics: unknown };

const config = JSON.parse(process.argv[2]!) as ChildConfig;
const send = (message: ChildMessage, then?: () => void) => process.send!(message, undefined, {}, () => then?.());
const log = {
  info: (m: string) => process.stderr.write(`[child ${process.pid}] ${m}\n`),
  warn: (m: string) => process.stderr.write(`[child ${process.pid}] WARN ${m}\n`),
  error: (m: string) => process.stderr.write(`[child ${process.pid}] ERROR ${m}\n`),
};

const service = new CollectorService({ collector: { hostRoot: '/', reader: 'auto', groups: ALL_GROUPS }, intervalMs: 1000, discoveryIntervalMs: 10_000 }, (err) => log.error(String(err)));
const exporter = attachInfluxExporter(service, {
  ...DEFAULT_INFLUX_OPTIONS,
  url: config.url,
  api: { version: 'v2', org: 'cgmeter', bucket: 'outage' },
  host: config.hostTag,
  flushIntervalMs: 1000,
  // The shipped timeout (see outage.test.ts: a shorter one resends a slow replay VictoriaMetrics stored).
  timeoutMs: 10_000,
  maxRetryDelayMs: 2000,
  spoolDir: config.spoolDir,
}, log);
// Registered after the exporter: by the time a timestamp is in the ledger, its points are in the
// writer (and, while the sink is down, in the spool file).
service.onSnapshots((snapshots) => {
  const root = snapshots.find((s) => s.sample.path === '/');
  if (!root) return;
  appendFileSync(config.ledger, `${root.sample.timestampMs}\n`);
  const m = exporter.metrics;
  send({ type: 'tick', pid: process.pid, timestampMs: root.sample.timestampMs, state: m.state, spoolPoints: m.spoolPoints });
});

process.once('SIGTERM', () => {
  service.stop();
  exporter.close().then(
    () => send({ type: 'closed', metrics: exporter.metrics }, () => process.exit(0)),
    (err) => { log.error(String(err)); process.exit(1); },
  );
});
service.start();
// The service's timers are unref()'d (they must not keep `serve` alive while it shuts down); here
// nothing else would hold the process open between ticks.
const keepAlive = setInterval(() => {}, 1 << 30);
process.once('SIGTERM', () => clearInterval(keepAlive));
