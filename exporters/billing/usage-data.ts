// What a report is built from, whichever the source (the local ledger or Prometheus): containers,
// their usage per hour bucket, and the hosts' totals and capacity per hour bucket.

import type { UsageDelta } from '../../collector/ledger/integrate.js';

export interface ContainerInfo {
  /** Unique within one UsageData (ledger row key, or instance + cgroup id for Prometheus). */
  readonly key: string;
  readonly runtime: string;
  readonly containerId: string;
  readonly name: string;
  readonly image?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly pod?: string;
  readonly podUid?: string;
  readonly namespace?: string;
  readonly cgroupPath?: string;
  /** Node (Prometheus `instance`) the container ran on. */
  readonly instance?: string;
  readonly createdMs?: number;
  readonly firstSampleMs?: number;
  /** Time of its last reading, when it is known to have gone. */
  readonly endedMs?: number;
  /** Integrated from its creation (it was born while the ledger watched). */
  readonly fromCreation?: boolean;
  /** Counter resets seen (each contributed 0 for one interval). */
  readonly resets?: number;
  /** 'pod': the network of a pod whose containers share its namespace (no CPU or memory of its own). */
  readonly kind?: 'container' | 'pod';
}

export interface UsageRow {
  readonly containerKey: string;
  readonly bucketMs: number;
  readonly samples: number;
  readonly usage: UsageDelta;
}

export interface HostRow {
  readonly bucketMs: number;
  readonly instance?: string;
  readonly coveredSeconds: number;
  readonly cpuCapacityCoreSeconds: number;
  readonly memoryCapacityByteSeconds: number;
  /** What the whole host used (root cgroup): CPU, memory, I/O. Network is not known for the host. */
  readonly usage: UsageDelta;
  /** False when the host's I/O counters are not available (cgroup v2 root has no io.stat). */
  readonly ioKnown: boolean;
}

export interface UsageData {
  readonly source: 'ledger' | 'prometheus';
  readonly bucketMs: number;
  readonly containers: ReadonlyMap<string, ContainerInfo>;
  readonly usage: readonly UsageRow[];
  readonly hosts: readonly HostRow[];
  /** Said in the report as they are: where the source is less exact. */
  readonly notes: readonly string[];
}
