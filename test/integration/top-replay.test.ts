// Record and replay end to end on the live kernel: a real `cgmeter serve` with a temporary ledger
// records a round every second (--record-interval 1s, sampling at 500 ms, --export containers)
// while two known loads run in test cgroups (stress-ng --cpu 1 under a 0.5-core quota, and a
// 100 MiB --vm-keep); then `cgmeter top --replay --from … --once --json`, run as its own process
// while serve goes on writing the ledger, prints that round. Its Samples are the ones serve served
// live for the same tick (polled from /api/v1/containers meanwhile), field for field; the CPU
// counter lies between the kernel's own readings around that tick; the rate is the quota's at most
// and is derived from the round before; what --export leaves out was not recorded.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildProcess } from 'node:child_process';
import { createTestCgroup, destroyAllTestCgroups, exited, requireRootOrSkip, waitFor } from '../helpers/kernel.js';
import { startServe, type ServeProcess } from '../exporters/serve/serve-process.js';
import { LedgerHistorySource } from '../../collector/ledger/history.js';
import { hexId } from '../ledger/fake-samples.js';
import { CGMETER_BIN, ensureBuiltCli } from '../helpers/built-cli.js';
import { heldMemoryLoad } from '../helpers/loads.js';

const skip = requireRootOrSkip({ binaries: ['stress-ng'] }, 'top replay test');
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MiB = 1024 * 1024;
/** The v2 VM's CPU is emulated: tsx compiles serve and top in a minute or more there. */
const SLOW = process.env.V2VM === '1' ? 8 : 1;

interface JsonSnapshot {
  sample: { path: string; timestampMs: number; monotonicMs: number; identity: { kind: string }; cpu: { usageSeconds: number }; memory: { usageBytes: number } };
  cpu: { coresUsed?: number; limitCores?: number | 'max' };
}

/** `cgmeter top ARGS` as its own process; resolves with its exit code and output. */
function top(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  ensureBuiltCli();
  return new Promise((resolve) => {
    execFile(process.execPath, [CGMETER_BIN, 'top', ...args], { cwd: ROOT, maxBuffer: 64 * MiB }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

afterEach(destroyAllTestCgroups);
afterAll(destroyAllTestCgroups);

describe.skipIf(skip)('cgmeter top --replay of what cgmeter serve recorded', () => {
  it('prints the recorded round with the values serve had live, the kernel\'s counter and the load\'s rate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgmeter-top-replay-'));
    const ledgerPath = join(dir, 'ledger.db');
    let serve: ServeProcess | undefined;
    let poll: NodeJS.Timeout | undefined;
    const loads: ChildProcess[] = [];
    try {
      const cpuId = hexId('replay-cpu');
      const memId = hexId('replay-mem');
      const cpu = createTestCgroup(cpuId, { controllers: ['cpu', 'memory', 'pids'] });
      const mem = createTestCgroup(memId, { controllers: ['cpu', 'memory', 'pids'] });
      cpu.setLimits({ cpuQuotaUs: 50_000, cpuPeriodUs: 100_000 });
      loads.push(await cpu.spawnIn('stress-ng', ['--cpu', '1', '--timeout', '60s', '--quiet']));
      loads.push(await mem.spawnIn('stress-ng', heldMemoryLoad(100, 60)));

      serve = await startServe(['--ledger', ledgerPath, '--interval', '500ms', '--record-interval', '1s', '--record-retention', '10m',
        '--discovery-interval', '2s', '--export', 'containers']);
      expect(serve.stderr()).toMatch(/Samples recorded every 1s and kept 10m/);
      // What serve serves live, tick by tick (by path and sample time), and the kernel's CPU counter around it.
      const live = new Map<string, JsonSnapshot>();
      const kernel: Array<{ beforeMs: number; afterMs: number; ns: number }> = [];
      let liveAll: JsonSnapshot[] = [];
      const url = serve.url;
      poll = setInterval(() => {
        const beforeMs = Date.now();
        const ns = cpu.cpuUsageNs();
        kernel.push({ beforeMs, afterMs: Date.now(), ns });
        void fetch(`${url}/api/v1/containers?all=1`).then((r) => r.json() as Promise<JsonSnapshot[]>).then((all) => {
          liveAll = all;
          for (const s of all) live.set(`${s.sample.path}@${s.sample.timestampMs}`, s);
        }).catch(() => undefined); // serve stopping at the end of the test
      }, 100);
      const loaded = (s: JsonSnapshot) => s.sample.path.endsWith(cpuId) && (s.cpu.coresUsed ?? 0) > 0;
      await waitFor(() => liveAll.some(loaded), { timeoutMs: 15_000 * SLOW, what: 'serve to see the CPU load' });
      const sinceMs = Date.now();
      // Six more recorded rounds of both loads.
      await sleep(6500);

      const history = LedgerHistorySource.open(ledgerPath);
      let round: number;
      let previousRound: number;
      try {
        const bounds = history.bounds()!;
        expect(bounds.lastMs - bounds.firstMs).toBeGreaterThanOrEqual(6000);
        // A round well inside the loaded stretch, whose tick the poll saw (and the one before it).
        const rounds = history.roundsAfter(sinceMs + 2000, 3);
        round = rounds.find((t) => live.has(`${cpu.path}@${t}`) && kernel.some((k) => k.beforeMs > t + 300))!;
        expect(round).toBeDefined();
        previousRound = history.roundsAtOrBefore(round - 1, 1)[0]!;
        // One round per 1 s bucket of wall time at most; ticks are 1 s apart give or take the timer's
        // jitter, so two rounds in neighbouring buckets can be 999 ms apart (seen in a full run).
        expect(round - previousRound).toBeGreaterThanOrEqual(900);
        expect(round - previousRound).toBeLessThan(1600);
        // --export containers: the root and the containers were recorded; the test's parent cgroup
        // (served live with ?all=1) was not.
        const recordedPaths = history.samplesAt(round).map((s) => s.path);
        expect(recordedPaths).toEqual(expect.arrayContaining(['/', cpu.path, mem.path]));
        expect(recordedPaths).not.toContain(cpu.topPath);
        expect(liveAll.some((s) => s.sample.path === cpu.topPath)).toBe(true);
      } finally {
        history.close();
      }

      // serve is still writing: the replay reads next to it.
      const out = await top(['--replay', '--ledger', ledgerPath, '--from', new Date(round + 200).toISOString(), '--once', '--json', '--all']);
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      const frame = JSON.parse(out.stdout) as { timeMs: number; containers: JsonSnapshot[] };
      expect(frame.timeMs).toBe(round);
      const byPath = new Map(frame.containers.map((s) => [s.sample.path, s]));
      const cpuLoad = byPath.get(cpu.path)!;
      const memLoad = byPath.get(mem.path)!;
      expect(cpuLoad).toBeDefined();
      expect(memLoad).toBeDefined();

      // Field for field what serve had for that tick (/api/v1/containers prints Samples the same way).
      for (const path of [cpu.path, mem.path]) {
        const served = live.get(`${path}@${round}`) ?? live.get(`${path}@${frame.timeMs}`);
        if (path === cpu.path) expect(served).toBeDefined();
        if (served) expect(byPath.get(path)!.sample).toEqual(served.sample);
      }
      // The kernel's counter: between its readings just before and just after the tick (the
      // collector stamps the time, then reads: 300 ms leaves its read time to spare).
      const usageNs = cpuLoad.sample.cpu.usageSeconds * 1e9;
      const before = kernel.filter((k) => k.afterMs < round).at(-1)!;
      const after = kernel.find((k) => k.beforeMs > round + 300)!;
      expect(before.ns).toBeLessThanOrEqual(usageNs + 1);
      expect(usageNs).toBeLessThanOrEqual(after.ns + 1);
      // The rate is derived from the round before (one recorded second, not one 500 ms tick), and is the quota's at most.
      const previous = live.get(`${cpu.path}@${previousRound}`);
      if (previous) {
        const seconds = (cpuLoad.sample.monotonicMs - previous.sample.monotonicMs) / 1000;
        expect(cpuLoad.cpu.coresUsed!).toBeCloseTo((cpuLoad.sample.cpu.usageSeconds - previous.sample.cpu.usageSeconds) / seconds, 9);
      }
      expect(cpuLoad.cpu.limitCores).toBe(0.5);
      expect(cpuLoad.cpu.coresUsed!).toBeGreaterThan(0);
      expect(cpuLoad.cpu.coresUsed!).toBeLessThanOrEqual(0.5 * 1.05);
      console.log(`replayed round ${new Date(round).toISOString()}: cpu load ${cpuLoad.cpu.coresUsed!.toFixed(3)} cores (quota 0.5; kernel ${(before.ns / 1e9).toFixed(3)} ≤ ${cpuLoad.sample.cpu.usageSeconds.toFixed(3)} ≤ ${(after.ns / 1e9).toFixed(3)} s), mem load ${(memLoad.sample.memory.usageBytes / MiB).toFixed(1)} MiB`);
      expect(memLoad.sample.memory.usageBytes).toBeGreaterThan(100 * MiB * 0.97);
      expect(memLoad.sample.memory.usageBytes).toBeLessThan(140 * MiB);
      // --all shows every recorded cgroup: only containers (the root is the header's, not a row).
      expect(byPath.has(cpu.topPath)).toBe(false);
      for (const s of frame.containers) expect(['container', 'pod'], s.sample.path).toContain(s.sample.identity.kind);
    } finally {
      clearInterval(poll);
      serve?.kill();
      await serve?.exited;
      // stress-ng reaps its workers on SIGTERM; killed all at once by the cgroup teardown, they would
      // be left as zombies of a pid 1 that does not reap (this VM's).
      for (const load of loads) load.kill('SIGTERM');
      await Promise.race([Promise.all(loads.map(exited)), sleep(5000)]);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000 * SLOW);
});
