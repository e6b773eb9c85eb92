// Test support for the recording kill test: the Samples of round t as a pure function of t, so that
// the test can check every stored round against what the killed child must have written. Counters
// grow with t (steps), gauges wander, containers come and go, limits are Infinity or not.
import type { CgroupSample } from '../../collector/model/sample.js';

export const RECORD_TICKER_CONTAINERS = 200;

const identities = Array.from({ length: RECORD_TICKER_CONTAINERS }, (_, i) => ({
  runtime: 'docker' as const, id: `e${i.toString(16).padStart(63, '0')}`, name: `svc-${i}`, image: `img/${i % 5}:1`,
  labels: { team: `t${i % 3}` }, kind: 'container' as const,
}));

export function roundSamples(t: number): CgroupSample[] {
  const s = t / 1000;
  const out: CgroupSample[] = [];
  for (let i = 0; i < RECORD_TICKER_CONTAINERS; i++) {
    if ((s + i) % 40 === 0) continue; // gone for this round, back in the next
    out.push({
      path: `/docker/${identities[i]!.id}`, inode: 1000 + i, timestampMs: t, monotonicMs: t - 1.7e12 + 0.25, createdMs: 1.5, identity: identities[i]!,
      cpu: { usageSeconds: (s * (i % 7) * 123_456_789) / 1e9, userSeconds: Math.floor(s * (i % 7) * 9) / 100, periods: s * 10, quotaUs: i % 2 ? 50_000 : Infinity, periodUs: 100_000 },
      memory: { usageBytes: 1e8 + ((s * (i + 1)) % 97) * 4096, workingSetBytes: 9e7 + (s % 13) * 4096, limitBytes: i % 3 ? 2 ** 30 : Infinity, pgfault: s * i * 3 },
      blockIo: i % 4 === 0 ? [] : [{ major: 254, minor: 0, device: 'vda', readBytes: s * 4096 * i, writeBytes: s * 8192, readOps: s, writeOps: s * 2 }],
      pids: { current: 1 + ((s + i) % 5), max: Infinity },
      pressure: { cpu: { some: { avg10: ((s + i) % 300) / 100, avg60: 0.5, avg300: 0.25, totalSeconds: (s * 1234) / 1e6 } } },
      ...(i % 3 === 0 ? { network: { netnsInode: 4e9 + i, interfaces: [{ name: 'eth0', rxBytes: s * 1500 * i, rxPackets: s, rxErrors: 0, rxDropped: 0, txBytes: s * 700, txPackets: s, txErrors: 0, txDropped: 0 }] } } : {}),
    });
  }
  return out;
}
