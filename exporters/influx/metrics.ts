// The writer's self-metrics: plain counters on an object (cheap to bump on the hot path, easy to
// assert in tests), exposed to Prometheus by registerInfluxMetrics at scrape time.

import { Counter, Gauge, type Registry } from 'prom-client';
import type { SinkErrorKind } from './sink.js';
import type { SpoolDropReason } from './spool.js';

/**
 * spool_full: oldest points dropped to keep the spool within --spool-max-bytes.
 * rejected: the sink refused the batch as bad data (400, 413, other 4xx); retrying cannot help.
 * corrupt: a spool record torn by a crash mid-write, found when the spool was opened.
 * shutdown: points still in memory at close() with no disk spool to keep them.
 * spool_error: the spool could not be written (disk full, I/O error).
 */
export type DropReason = SpoolDropReason | 'rejected' | 'shutdown' | 'spool_error';
export const DROP_REASONS: readonly DropReason[] = ['spool_full', 'rejected', 'corrupt', 'shutdown', 'spool_error'];
export const ERROR_KINDS: readonly SinkErrorKind[] = ['network', 'timeout', 'throttled', 'server', 'unauthorized', 'not-found', 'rejected'];

/** direct: batches go from memory to the sink; spooling: the sink failed, points go through the spool. */
export type WriterState = 'direct' | 'spooling';

export interface InfluxWriterMetrics {
  /** Points the sink accepted (2xx), from memory or replayed from the spool. */
  pointsWritten: number;
  /** Of pointsWritten, those that had waited in the spool. */
  pointsReplayed: number;
  /** Points in failed attempts that were kept for another try (counted per attempt). */
  pointsRetried: number;
  pointsSpooled: number;
  pointsDropped: Record<DropReason, number>;
  batchesWritten: number;
  writeErrors: Record<SinkErrorKind, number>;
  /** Wall time of the last accepted batch, ms since the epoch; 0 before the first. */
  lastSuccessMs: number;
  state: WriterState;
  /** Filled in by the writer from its spool when read. */
  spoolBytes: number;
  spoolPoints: number;
}

export function newInfluxMetrics(): InfluxWriterMetrics {
  return {
    pointsWritten: 0,
    pointsReplayed: 0,
    pointsRetried: 0,
    pointsSpooled: 0,
    pointsDropped: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>,
    batchesWritten: 0,
    writeErrors: Object.fromEntries(ERROR_KINDS.map((k) => [k, 0])) as Record<SinkErrorKind, number>,
    lastSuccessMs: 0,
    state: 'direct',
    spoolBytes: 0,
    spoolPoints: 0,
  };
}

/** Anything that can hand out the current metrics (the writer refreshes spool figures on read). */
export interface MetricsSource {
  readonly metrics: InfluxWriterMetrics;
}

/** Registers `cgmeter_influx_*` families that read `source.metrics` at scrape time. */
export function registerInfluxMetrics(registry: Registry, source: MetricsSource): void {
  const registers = [registry];
  const counter = (name: string, help: string, read: (m: InfluxWriterMetrics) => number) =>
    new Counter({ name, help, registers, collect() { this.reset(); this.inc(read(source.metrics)); } });
  const gauge = (name: string, help: string, read: (m: InfluxWriterMetrics) => number) =>
    new Gauge({ name, help, registers, collect() { this.set(read(source.metrics)); } });

  counter('cgmeter_influx_points_written_total', 'Points InfluxDB accepted', (m) => m.pointsWritten);
  counter('cgmeter_influx_points_replayed_total', 'Points accepted after waiting in the spool', (m) => m.pointsReplayed);
  counter('cgmeter_influx_points_retried_total', 'Points in failed writes kept for another try, per attempt', (m) => m.pointsRetried);
  counter('cgmeter_influx_points_spooled_total', 'Points put in the spool while InfluxDB failed', (m) => m.pointsSpooled);
  counter('cgmeter_influx_batches_written_total', 'Write requests InfluxDB accepted', (m) => m.batchesWritten);
  new Counter({
    name: 'cgmeter_influx_points_dropped_total', help: 'Points given up, by reason (spool_full, rejected, corrupt, shutdown, spool_error)',
    labelNames: ['reason'], registers,
    collect() {
      this.reset();
      for (const r of DROP_REASONS) this.inc({ reason: r }, source.metrics.pointsDropped[r]);
    },
  });
  new Counter({
    name: 'cgmeter_influx_write_errors_total', help: 'Failed write requests, by kind of failure',
    labelNames: ['kind'], registers,
    collect() {
      this.reset();
      for (const k of ERROR_KINDS) this.inc({ kind: k }, source.metrics.writeErrors[k]);
    },
  });
  gauge('cgmeter_influx_last_success_timestamp_seconds', 'When InfluxDB last accepted a batch, seconds since the epoch (0: never)', (m) => m.lastSuccessMs / 1000);
  gauge('cgmeter_influx_spool_bytes', 'Bytes waiting in the spool', (m) => m.spoolBytes);
  gauge('cgmeter_influx_spool_points', 'Points waiting in the spool', (m) => m.spoolPoints);
  gauge('cgmeter_influx_spooling', '1 while writes go through the spool because InfluxDB failed, else 0', (m) => (m.state === 'spooling' ? 1 : 0));
}
