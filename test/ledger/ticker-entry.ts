// A child for the kill-anywhere test: records ticks of N fake containers into a ledger as fast as it
// can (each tick one transaction of N rollups and N bases), so that a SIGKILL at a random moment
// often lands inside a transaction. Counters are functions of the wall clock, as real ones are of
// real time: every container uses 0.5 core, so the ledger's totals are checkable exactly.
// Usage: ticker-entry LEDGER_PATH CONTAINERS
import { Ledger } from '../../collector/ledger/ledger.js';
import { derive } from '../../collector/model/derive.js';
import type { CgroupSample } from '../../collector/model/sample.js';

const [path, countText] = process.argv.slice(2);
const count = Number(countText);
const ledger = new Ledger({ path: path!, retentionMs: 7 * 86_400_000, host: { cpuCount: 8, memTotalBytes: 2 ** 34, bootId: 'ticker' } });
const identities = Array.from({ length: count }, (_, i) => ({ runtime: 'docker' as const, id: `f${i.toString(16).padStart(63, '0')}`, name: `c${i}`, labels: {}, kind: 'container' as const }));

function sample(i: number, t: number): CgroupSample {
  const identity = i < 0 ? { runtime: 'raw' as const, id: '/', name: '/', labels: {}, kind: 'cgroup' as const } : identities[i]!;
  return {
    path: i < 0 ? '/' : `/docker/${identity.id}`, inode: i + 10, timestampMs: t, monotonicMs: t - 1.7e12, createdMs: 1, identity,
    cpu: { usageSeconds: (t / 1000) * 0.5 }, memory: { usageBytes: 1e8, workingSetBytes: 1e8, limitBytes: Infinity },
    blockIo: [], pids: {}, pressure: {},
  };
}

process.stdout.write('ready\n');
for (;;) {
  const t = Date.now();
  ledger.record([derive(sample(-1, t)), ...identities.map((_, i) => derive(sample(i, t)))]);
  // Yield now and then so the kill and stdout are handled promptly; most of the time is in record().
  await new Promise((resolve) => setImmediate(resolve));
}
