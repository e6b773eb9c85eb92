export * from './metric.js';
export * from './format.js';
export * from './labels.js';
export * from './filter.js';
export * from './render.js';
export * from './exporter.js';
export * from './self-metrics.js';
export * from './flags.js';
export { CONTAINER_METRICS, cpuListCount, deviceLabel } from './table/container-metrics.js';
