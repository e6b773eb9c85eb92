// Wires the Influx exporter to a running collector: Snapshots → lines → writer → sink, with the
// spool the options ask for. What `cgmeter serve` calls.

import type { CollectorService } from '../../collector/service.js';
import { UsageError } from '../../cli/units.js';
import { DiskSpool } from './disk-spool.js';
import { SnapshotEncoder } from './encode.js';
import type { InfluxLog } from './log-throttle.js';
import { MemorySpool } from './memory-spool.js';
import type { InfluxWriterMetrics } from './metrics.js';
import type { InfluxOptions } from './options.js';
import type { LineSink } from './sink.js';
import { V1Sink } from './sink-v1.js';
import { V2Sink } from './sink-v2.js';
import type { Spool, SpoolDropListener } from './spool.js';
import { InfluxWriter } from './writer.js';

export interface InfluxExporter {
  readonly writer: InfluxWriter;
  /** The writer's counters, with current spool figures. */
  readonly metrics: InfluxWriterMetrics;
  /** Flushes to the sink, or to the spool when it is down, within options.closeTimeoutMs. */
  close(): Promise<void>;
}

export function createSink(options: InfluxOptions): LineSink {
  const { url, precision, timeoutMs, gzip, api } = options;
  return api.version === 'v2'
    ? new V2Sink({ url, precision, timeoutMs, gzip, org: api.org, bucket: api.bucket, token: api.token, maxLines: options.batchSize })
    : new V1Sink({ url, precision, timeoutMs, gzip, database: api.database, user: api.user, password: api.password });
}

export function openSpool(options: InfluxOptions, onDrop: SpoolDropListener, log: InfluxLog): Spool {
  if (options.spoolDir === undefined) return new MemorySpool(options.spoolMaxBytes, onDrop);
  try {
    return new DiskSpool({ dir: options.spoolDir, maxBytes: options.spoolMaxBytes }, onDrop, (m) => log.warn(m));
  } catch (err) {
    // A spool that cannot be opened is a setting to fix (permissions, another process), not a crash.
    throw new UsageError(`--spool-dir ${options.spoolDir}: ${(err as Error).message}`);
  }
}

/** Starts writing every Snapshot the service produces. Throws UsageError when the spool cannot be opened. */
export function attachInfluxExporter(service: Pick<CollectorService, 'onSnapshots'>, options: InfluxOptions, log: InfluxLog): InfluxExporter {
  const sink = createSink(options);
  // The spool reports drops found while opening (torn records), before the writer exists.
  let report: SpoolDropListener = () => {};
  const early: Array<Parameters<SpoolDropListener>> = [];
  const spool = openSpool(options, (points, reason) => (early.push([points, reason]), report(points, reason)), log);
  const writer = new InfluxWriter(sink, spool, options, log);
  report = (points, reason) => writer.countDropped(points, reason);
  for (const [points, reason] of early) writer.countDropped(points, reason);
  early.length = 0;
  const encoder = new SnapshotEncoder({ precision: options.precision, host: options.host, labelAllowlist: options.labelAllowlist });
  let closed = false;
  service.onSnapshots((snapshots) => {
    // CollectorService has no unsubscribe: after close() the listener stays, and does nothing.
    if (!closed) writer.write(encoder.encode(snapshots));
  });
  writer.start();
  log.info(`influx: writing to ${sink.description}, up to ${options.batchSize} points per request every ${options.flushIntervalMs / 1000} s; ` +
    `spool: ${options.spoolDir === undefined ? 'in memory' : options.spoolDir}, at most ${options.spoolMaxBytes} bytes`);
  return {
    writer,
    get metrics() {
      return writer.metrics;
    },
    async close() {
      closed = true;
      await writer.close();
    },
  };
}
