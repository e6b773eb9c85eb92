// The Influx exporter: line protocol of Snapshots, v1/v2 sinks, the spool, self-metrics, flags.
export { INFLUX_FLAGS, influxFromArgs, parseSizeBytes } from './flags.js';
export { attachInfluxExporter, createSink, openSpool, type InfluxExporter } from './attach.js';
export { registerInfluxMetrics, type InfluxWriterMetrics, type DropReason } from './metrics.js';
export { DEFAULT_INFLUX_OPTIONS, type InfluxOptions, type InfluxApi } from './options.js';
export { SnapshotEncoder, type EncodeOptions } from './encode.js';
export { MEASUREMENTS } from './measurements.js';
export { InfluxWriter, type WriterOptions } from './writer.js';
export type { InfluxLog } from './log-throttle.js';
export { SinkError, type LineSink, type SinkErrorKind } from './sink.js';
export { startInfluxForServe } from './serve-integration.js';
