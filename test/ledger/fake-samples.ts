// Test support: Samples and Snapshots with chosen counters, for the ledger's pure and SQLite tests.
import { derive, type Snapshot } from '../../collector/model/derive.js';
import type { CgroupSample } from '../../collector/model/sample.js';
import type { ContainerIdentity } from '../../collector/model/identity.js';
import type { HostFacts } from '../../collector/ledger/host-facts.js';

export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;

export interface FakeReading {
  path: string;
  timestampMs: number;
  /** Defaults to timestampMs − a fixed boot offset, so intervals are exact. */
  monotonicMs?: number;
  inode?: number;
  createdMs?: number;
  id?: string;
  kind?: ContainerIdentity['kind'];
  identity?: Partial<ContainerIdentity>;
  cpuSeconds?: number;
  quotaUs?: number;
  periodUs?: number;
  memoryBytes?: number;
  workingSetBytes?: number;
  memoryLimitBytes?: number;
  readBytes?: number;
  writeBytes?: number;
  netnsInode?: number;
  rxBytes?: number;
  txBytes?: number;
  cpusetCpus?: string;
}

const BOOT_OFFSET_MS = 1_700_000_000_000;

export function fakeSample(r: FakeReading): CgroupSample {
  const id = r.id ?? (r.path === '/' ? '/' : r.path.split('/').pop()!);
  return {
    path: r.path,
    inode: r.inode ?? 1000,
    timestampMs: r.timestampMs,
    monotonicMs: r.monotonicMs ?? r.timestampMs - BOOT_OFFSET_MS,
    createdMs: r.createdMs ?? 0,
    identity: {
      runtime: r.path === '/' ? 'raw' : 'runc', id, name: id.slice(0, 12), labels: {},
      kind: r.kind ?? (r.path === '/' ? 'cgroup' : 'container'), ...r.identity,
    },
    cpu: { usageSeconds: r.cpuSeconds, quotaUs: r.quotaUs ?? Infinity, periodUs: r.periodUs ?? 100_000 },
    memory: { usageBytes: r.memoryBytes, workingSetBytes: r.workingSetBytes ?? r.memoryBytes, limitBytes: r.memoryLimitBytes ?? Infinity },
    blockIo: r.readBytes === undefined && r.writeBytes === undefined ? [] : [{ major: 254, minor: 0, readBytes: r.readBytes ?? 0, writeBytes: r.writeBytes ?? 0, readOps: 1, writeOps: 1 }],
    pids: {},
    pressure: {},
    cpusetCpus: r.cpusetCpus,
    network: r.netnsInode === undefined ? undefined : {
      netnsInode: r.netnsInode,
      interfaces: [
        { name: 'lo', rxBytes: 999, rxPackets: 1, rxErrors: 0, rxDropped: 0, txBytes: 999, txPackets: 1, txErrors: 0, txDropped: 0 },
        { name: 'eth0', rxBytes: r.rxBytes ?? 0, rxPackets: 1, rxErrors: 0, rxDropped: 0, txBytes: r.txBytes ?? 0, txPackets: 1, txErrors: 0, txDropped: 0 },
      ],
    },
  };
}

export function snapshotsOf(samples: readonly CgroupSample[]): Snapshot[] {
  return samples.map((s) => derive(s));
}

export const TEST_HOST: HostFacts = { cpuCount: 2, memTotalBytes: 8 * GiB, bootId: 'boot-1' };

/** A container id as engines write them (64 hex), derived from a short tag. */
export function hexId(tag: string): string {
  return Buffer.from(tag).toString('hex').padEnd(64, '0').slice(0, 64);
}
