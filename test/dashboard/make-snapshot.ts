// Test support: hand-made Snapshots with only the figures a test cares about.
import type { Snapshot } from '../../collector/model/derive.js';
import type { ContainerIdentity } from '../../collector/model/identity.js';
import type { CgroupSample } from '../../collector/model/sample.js';

export interface SnapshotSpec {
  path: string;
  name?: string;
  kind?: ContainerIdentity['kind'];
  runtime?: ContainerIdentity['runtime'];
  image?: string;
  labels?: Record<string, string>;
  coresUsed?: number;
  limitCores?: number;
  usageBytes?: number;
  limitBytes?: number;
  pids?: number;
  pidsMax?: number;
  psiCpu?: number;
  psiMemory?: number;
  rxBps?: number;
  createdMs?: number;
  timestampMs?: number;
  memory?: Partial<CgroupSample['memory']>;
}

export function makeSnapshot(spec: SnapshotSpec): Snapshot {
  const limitCores = spec.limitCores;
  const identity: ContainerIdentity = {
    runtime: spec.runtime ?? 'docker', id: spec.path, name: spec.name ?? spec.path, labels: spec.labels ?? {},
    kind: spec.kind ?? 'container', ...(spec.image ? { image: spec.image } : {}),
  };
  const sample: CgroupSample = {
    path: spec.path, inode: 1, timestampMs: spec.timestampMs ?? 0, monotonicMs: 1000, createdMs: spec.createdMs, identity,
    cpu: limitCores === undefined ? {} : { quotaUs: limitCores === Infinity ? Infinity : limitCores * 100_000, periodUs: 100_000 },
    memory: { usageBytes: spec.usageBytes, limitBytes: spec.limitBytes, ...spec.memory },
    blockIo: [],
    pids: { current: spec.pids, max: spec.pidsMax },
    pressure: {
      ...(spec.psiCpu !== undefined ? { cpu: { some: { avg10: spec.psiCpu } } } : {}),
      ...(spec.psiMemory !== undefined ? { memory: { some: { avg10: spec.psiMemory } } } : {}),
    },
  };
  const percent = (used?: number, limit?: number) =>
    used !== undefined && limit !== undefined && Number.isFinite(limit) && limit > 0 ? (used / limit) * 100 : undefined;
  return {
    sample,
    intervalSeconds: 1,
    cpu: { coresUsed: spec.coresUsed, limitCores, percentOfLimit: percent(spec.coresUsed, limitCores) },
    memory: { workingSetBytes: spec.usageBytes, percentOfLimit: percent(spec.usageBytes, spec.limitBytes) },
    blockIo: { readBps: 0, writeBps: 0 },
    network: spec.rxBps === undefined ? {} : { rxBps: spec.rxBps, txBps: 0 },
  };
}
