// The few lines `cgmeter serve` needs: start the Influx exporter when its flags ask for it, put its
// self-metrics on serve's /metrics, and log like the rest of serve.

import type { Registry } from 'prom-client';
import type { CollectorService } from '../../collector/service.js';
import { attachInfluxExporter, type InfluxExporter } from './attach.js';
import { registerInfluxMetrics } from './metrics.js';
import type { InfluxOptions } from './options.js';

/**
 * Call after the CollectorService is made and before `service.start()` (so the first sample is
 * written too). Returns undefined when `options` is undefined (no --influx-url). Throws UsageError
 * when the spool directory cannot be used. On shutdown, `await exporter.close()` after
 * `service.stop()`; it returns within `options.closeTimeoutMs`.
 */
export function startInfluxForServe(
  service: Pick<CollectorService, 'onSnapshots'>,
  options: InfluxOptions | undefined,
  registry: Registry,
  logLine: (line: string) => void,
): InfluxExporter | undefined {
  if (!options) return undefined;
  const say = (message: string) => logLine(`cgmeter serve: ${message}`);
  const exporter = attachInfluxExporter(service, options, { info: say, warn: say, error: say });
  registerInfluxMetrics(registry, exporter);
  return exporter;
}
