// Test support: hand-made CgroupSamples with every field a test may want to set, so encoder and
// writer tests can state exact values without a kernel.

import type { CgroupSample } from '../../../../collector/model/sample.js';
import type { ContainerIdentity } from '../../../../collector/model/identity.js';
import { derive, type Snapshot } from '../../../../collector/model/derive.js';

export const IDENTITY: ContainerIdentity = {
  runtime: 'docker',
  id: '5aacd01bb9954993bfff3b1738339116d934bc62d7589f515d57dd78d53bbb83',
  name: 'web-1',
  image: 'nginx:1.25',
  labels: { 'com.example.team': 'pay ments', 'com.example.secret': 'x', tier: 'a,b=c' },
  kind: 'container',
};

export function sample(overrides: Partial<CgroupSample> = {}): CgroupSample {
  return {
    path: `/docker/${IDENTITY.id}`,
    inode: 4242,
    timestampMs: 1_795_000_000_123,
    monotonicMs: 10_000,
    identity: IDENTITY,
    cpu: { usageSeconds: 10.5, userSeconds: 8, systemSeconds: 2.5, periods: 100, throttledPeriods: 10, throttledSeconds: 1.25, quotaUs: 50_000, periodUs: 100_000, shares: 512, weight: 20 },
    memory: { usageBytes: 104_857_600, limitBytes: Infinity, workingSetBytes: 99_999_744, rssBytes: 50_000_000, pgfault: 1234, events: { oomKill: 0 } },
    blockIo: [{ major: 254, minor: 0, device: 'vda', readBytes: 4096, writeBytes: 8192, readOps: 1, writeOps: 2 }],
    pids: { current: 5, max: Infinity, limitHits: 0 },
    pressure: { cpu: { some: { avg10: 1.5, avg60: 0.5, avg300: 0.1, totalSeconds: 3.25 }, full: { avg10: 0, avg60: 0, avg300: 0, totalSeconds: 0.5 } } },
    processes: 2,
    threads: 7,
    network: {
      netnsInode: 4026532000,
      interfaces: [
        { name: 'lo', rxBytes: 999, rxPackets: 9, rxErrors: 0, rxDropped: 0, txBytes: 999, txPackets: 9, txErrors: 0, txDropped: 0 },
        { name: 'eth0', rxBytes: 1000, rxPackets: 10, rxErrors: 1, rxDropped: 2, txBytes: 2000, txPackets: 20, txErrors: 3, txDropped: 4 },
      ],
    },
    ...overrides,
  };
}

/** Two readings one second apart, the second with known increases, derived. */
export function snapshotPair(): { first: Snapshot; second: Snapshot } {
  const a = sample();
  const b = sample({
    timestampMs: a.timestampMs + 1000,
    monotonicMs: a.monotonicMs + 1000,
    cpu: { ...a.cpu, usageSeconds: 11, userSeconds: 8.25, systemSeconds: 2.75, periods: 110, throttledPeriods: 15 },
    blockIo: [{ ...a.blockIo[0]!, readBytes: 4096 + 1_000_000, writeBytes: 8192 }],
  });
  return { first: derive(a), second: derive(b, a) };
}
