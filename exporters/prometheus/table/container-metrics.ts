// The whole container metric table, in exposition order.
import type { ContainerMetric } from '../metric.js';
import { CPU_METRICS } from './cpu.js';
import { MEMORY_METRICS } from './memory.js';
import { BLKIO_METRICS, NETWORK_METRICS } from './io.js';
import { SPEC_METRICS, TASK_METRICS } from './spec.js';
import { PRESSURE_AVERAGE_METRICS, PRESSURE_METRICS } from './pressure.js';
import { IDENTITY_METRICS } from './identity.js';
import { FILESYSTEM_METRICS, TASKS_STATE_METRICS } from './filesystem.js';

export { cpuListCount } from './spec.js';
export { deviceLabel } from './io.js';

export const CONTAINER_METRICS: readonly ContainerMetric[] = [
  ...CPU_METRICS,
  ...MEMORY_METRICS,
  ...BLKIO_METRICS,
  ...FILESYSTEM_METRICS,
  ...NETWORK_METRICS,
  ...TASK_METRICS,
  ...TASKS_STATE_METRICS,
  ...SPEC_METRICS,
  ...PRESSURE_METRICS,
  ...PRESSURE_AVERAGE_METRICS,
  ...IDENTITY_METRICS,
];
