// The ledger on the live kernel: a CollectorService sampling every second with a ledger attached
// integrates two known loads, run at the same time for 60 s (a CPU hog under a 0.5-core quota and a
// 200 MiB resident set), and the JSON and CSV reports carry those figures priced by a rate card.
// The host lines are checked against /proc/stat read at the same ticks.

import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CollectorService } from '../../collector/service.js';
import { ALL_GROUPS } from '../../collector/poller.js';
import { attachLedger } from '../../collector/ledger/attach.js';
import { billingReport, parseRateCard, renderReport } from '../../exporters/billing/index.js';
import { createTestCgroup, destroyAllTestCgroups, exited, requireRootOrSkip, waitFor } from '../helpers/kernel.js';
import { hexId } from '../ledger/fake-samples.js';
import { heldMemoryLoad } from '../helpers/loads.js';

const skip = requireRootOrSkip({ binaries: ['stress-ng'] }, 'ledger load tests');
const MiB = 1024 * 1024;
// 60 s in the v2 VM too: tried 30 s there, and the memory integral's start and end (a 200 MiB load
// filling under emulation) weighed twice as much, 0.959 of the reference against the 0.98 asked.
const LOAD_SECONDS = 60;
const RATE_CARD = parseRateCard('currency: EUR\ncpuCoreHour: 0.05\nmemoryGiBHour: 0.01\nblockIoGiB: 0.1\nnetworkGiB: 0.2\n');

/** Jiffies since boot from the first line of /proc/stat: all of them, and the idle ones. */
function procStat(): { totalSeconds: number; idleSeconds: number; taskSeconds: number; stealSeconds: number } {
  const f = readFileSync('/proc/stat', 'latin1').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f as [number, number, number, number, number, number, number, number];
  const hz = 100; // USER_HZ, fixed at 100 on Linux
  return {
    totalSeconds: (user + nice + system + idle + iowait + irq + softirq + steal) / hz,
    idleSeconds: (idle + iowait) / hz,
    taskSeconds: (user + nice + system) / hz,
    stealSeconds: steal / hz,
  };
}

afterEach(destroyAllTestCgroups);
afterAll(destroyAllTestCgroups);

describe.skipIf(skip)('ledger on the live kernel', () => {
  it(`integrates ${LOAD_SECONDS} s of 0.5 core and of 200 MiB, and the report adds up to the host`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgmeter-ledger-live-'));
    const path = join(dir, 'ledger.db');
    const service = new CollectorService({ collector: { hostRoot: '/', reader: 'auto', groups: ALL_GROUPS }, intervalMs: 1000, discoveryIntervalMs: 2000 });
    const handle = attachLedger(service, { path, retentionMs: 7 * 86_400_000 }, () => {});
    const stats: Array<ReturnType<typeof procStat>> = [];
    let ticks = 0;
    service.onSnapshots(() => {
      stats.push(procStat());
      ticks++;
    });
    try {
      service.start();
      await waitFor(() => ticks >= 2, { timeoutMs: 5000, what: 'two ticks' });
      const cpuId = hexId('cpu-load');
      const memId = hexId('mem-load');
      const cpu = createTestCgroup(cpuId, { controllers: ['cpu', 'memory', 'pids'] });
      const mem = createTestCgroup(memId, { controllers: ['cpu', 'memory', 'pids'] });
      cpu.setLimits({ cpuQuotaUs: 50_000, cpuPeriodUs: 100_000 });
      // Others share this 2-core machine: a large weight lets the hog reach its quota under contention,
      // so the figure checked is the quota's, not the neighbours'. (The ledger = kernel check holds anyway.)
      // Weights count among siblings, so the kit's top level gets it too.
      cpu.favourCpu();
      // An independent reading of the memory load every 100 ms, integrated by the test itself.
      const reference = { byteSeconds: 0, lastMs: Date.now(), lastBytes: 0 };
      const poll = setInterval(() => {
        try {
          const now = Date.now();
          const bytes = mem.memoryUsageBytes();
          reference.byteSeconds += ((bytes + reference.lastBytes) / 2) * (now - reference.lastMs) / 1000;
          Object.assign(reference, { lastMs: now, lastBytes: bytes });
        } catch {
          // the cgroup is being removed
        }
      }, 100);
      const spawnedMs = Date.now();
      const loads = await Promise.all([
        cpu.spawnIn('stress-ng', ['--cpu', '1', '--timeout', `${LOAD_SECONDS}s`, '--quiet']),
        mem.spawnIn('stress-ng', heldMemoryLoad(200, LOAD_SECONDS)),
      ]);
      const memRanMs = await exited(loads[1]!).then(() => Date.now() - spawnedMs);
      await exited(loads[0]!);
      const after = ticks;
      await waitFor(() => ticks >= after + 2, { timeoutMs: 5000, what: 'two more ticks' });
      const kernelCpuSeconds = cpu.cpuUsageNs() / 1e9;
      clearInterval(poll);
      service.stop();
      handle.close();
      expect(handle.health().failedTicks).toBe(0);

      const report = await billingReport({ kind: 'ledger', path }, { from: 'now-2h', to: 'now+1h', by: 'container' }, RATE_CARD);
      const json = JSON.parse(renderReport(report, 'json')) as typeof report;
      const rowOf = (id: string) => json.rows.find((r) => r.label.startsWith(id.slice(0, 12)))!;
      const cpuRow = rowOf(cpuId);
      const memRow = rowOf(memId);
      const cpuCoreSeconds = cpuRow.cpuCoreHours * 3600;
      console.log(`cpu load: ledger ${cpuCoreSeconds.toFixed(4)} core-s, kernel ${kernelCpuSeconds.toFixed(4)}; mem load ran ${(memRanMs / 1000).toFixed(2)} s, reference ${(reference.byteSeconds / MiB).toFixed(1)} MiB-s, ledger ${(memRow.memoryGibHours * 3600 * 1024).toFixed(1)} MiB-s over ${(memRow.hoursAlive! * 3600).toFixed(2)} s, avg ${(memRow.memoryAvgGib! * 1024).toFixed(1)} MiB, peak ${(memRow.memoryPeakGib! * 1024).toFixed(1)} MiB; cpu alive ${(cpuRow.hoursAlive! * 3600).toFixed(2)} s`);
      // The cgroup was born while the ledger watched: billed from its creation, to the kernel's counter.
      expect(cpuCoreSeconds).toBeGreaterThan(LOAD_SECONDS * 0.5 - 1.5);
      expect(cpuCoreSeconds).toBeLessThan(LOAD_SECONDS * 0.5 + 1.5);
      expect(Math.abs(cpuCoreSeconds - kernelCpuSeconds)).toBeLessThan(0.01);
      const memByteSeconds = memRow.memoryGibHours * 3600 * 1024 ** 3;
      // --timeout runs a little longer than asked on a busy machine: the load's own duration counts.
      expect(memByteSeconds / (200 * MiB * memRanMs / 1000)).toBeGreaterThan(0.95);
      expect(memByteSeconds / (200 * MiB * memRanMs / 1000)).toBeLessThan(1.05);
      expect(memByteSeconds / reference.byteSeconds).toBeGreaterThan(0.98);
      expect(memByteSeconds / reference.byteSeconds).toBeLessThan(1.02);
      expect(memRow.memoryPeakGib! * 1024).toBeGreaterThan(195);
      expect(json.rateCard).toEqual(RATE_CARD);
      expect(cpuRow.cost!.cpu).toBeCloseTo(cpuRow.cpuCoreHours * 0.05, 12);
      expect(memRow.cost!.memory).toBeCloseTo(memRow.memoryGibHours * 0.01, 12);

      // The columns add up to the host: containers + outside + idle = capacity, as measured by /proc/stat.
      const parts = [...json.rows, json.notInContainer, json.idle];
      const cpuSum = parts.reduce((s, r) => s + r.cpuCoreHours, 0);
      expect(cpuSum).toBeCloseTo(json.host.capacityCpuCoreHours, 9);
      const first = stats[0]!;
      const last = stats[stats.length - 1]!;
      const procTotalHours = (last.totalSeconds - first.totalSeconds) / 3600;
      const procTaskHours = (last.taskSeconds - first.taskSeconds) / 3600;
      // In the v2 VM the CPU is emulated (TCG): the guest's tick-based /proc/stat loses ticks while the
      // host is busy (5 % behind the wall clock here, 33 % with the host suite beside it), while capacity
      // is cores × wall time; there the sum is held to 10 %, and exactly on real hardware.
      const totalTolerance = process.env.V2VM === '1' ? 0.10 : 0.02;
      expect(Math.abs(cpuSum - procTotalHours) / procTotalHours).toBeLessThan(totalTolerance);
      // The root cgroup counts task time: user + nice + system in /proc/stat (irq, softirq and steal are no task's).
      expect(Math.abs(json.host.usedCpuCoreHours - procTaskHours) / procTotalHours).toBeLessThan(0.02);
      console.log(`host over ${(procTotalHours * 3600 / 2).toFixed(1)} s: capacity ${(cpuSum * 3600).toFixed(2)} core-s (/proc/stat ${(procTotalHours * 3600).toFixed(2)}), `
        + `used ${(json.host.usedCpuCoreHours * 3600).toFixed(2)} (tasks in /proc/stat ${(procTaskHours * 3600).toFixed(2)}, steal ${(last.stealSeconds - first.stealSeconds).toFixed(2)}), `
        + `idle ${(json.idle.cpuCoreHours * 3600).toFixed(2)}; cpu load ${cpuCoreSeconds.toFixed(3)} core-s (kernel ${kernelCpuSeconds.toFixed(3)}), `
        + `mem load ${(memByteSeconds / MiB / LOAD_SECONDS).toFixed(1)} MiB × ${LOAD_SECONDS} s`);

      const csv = renderReport(report, 'csv').trim().split('\r\n').map((line) => line.split(','));
      const header = csv[0]!;
      const col = (name: string) => header.indexOf(name);
      const csvCpu = csv.find((r) => r[col('group')]!.startsWith(cpuId.slice(0, 12)))!;
      expect(Number(csvCpu[col('cpu_core_hours')]) * 3600).toBeCloseTo(cpuCoreSeconds, 6);
      expect(Number(csvCpu[col('cost_cpu')])).toBeCloseTo(cpuCoreSeconds / 3600 * 0.05, 9);
      expect(csvCpu[col('currency')]).toBe('EUR');
      const csvMem = csv.find((r) => r[col('group')]!.startsWith(memId.slice(0, 12)))!;
      expect(Number(csvMem[col('memory_gib_hours')]) * 3600 * 1024 ** 3 / MiB / LOAD_SECONDS).toBeCloseTo(memByteSeconds / MiB / LOAD_SECONDS, 3);
      expect(csv.map((r) => r[col('kind')])).toEqual(expect.arrayContaining(['not-in-container', 'idle', 'total']));
    } finally {
      service.stop();
      handle.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
