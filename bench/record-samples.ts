// Bench support: Samples of the shape the collector gives on this hybrid v1 host (every memory.stat
// field, PSI from the unified hierarchy, block I/O, pids, namespaces, network for some), moving
// between rounds as real containers do: a quarter busy (CPU, memory, I/O, network and pressure all
// change), the rest mostly idle (a little CPU, a few page faults). Counters have the kernel's
// precision: CPU in ns as seconds, user/system in USER_HZ ticks, memory in pages, PSI in 2 decimals.

import type { CgroupSample } from '../collector/model/sample.js';

const PAGE = 4096;

/** A small deterministic generator, so that two runs store the same bytes. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Moving {
  cpuNs: number;
  userTicks: number;
  systemTicks: number;
  periods: number;
  throttled: number;
  throttledNs: number;
  rssPages: number;
  cachePages: number;
  pgfault: number;
  ioRead: number;
  ioWrite: number;
  ioReadOps: number;
  ioWriteOps: number;
  rx: number;
  tx: number;
  rxPackets: number;
  txPackets: number;
  psiCpuUs: number;
  psiMemUs: number;
  psiIoUs: number;
  avg: number;
  pids: number;
}

export class RealisticFleet {
  private readonly random: () => number;
  private readonly moving: Moving[] = [];
  private readonly identities: CgroupSample['identity'][] = [];
  private readonly namespaces: NonNullable<CgroupSample['namespaces']>[] = [];

  constructor(readonly containers: number, seed = 1) {
    this.random = seededRandom(seed);
    for (let i = 0; i < containers; i++) {
      const id = Array.from({ length: 64 }, () => '0123456789abcdef'[Math.floor(this.random() * 16)]).join('');
      this.identities.push({
        runtime: 'docker', id, name: `shop-svc${i % 40}-${i}`, image: `registry.example/team-${i % 7}/app:${1 + (i % 5)}.2`,
        labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': `svc${i % 40}`, team: `t${i % 7}` }, kind: 'container',
      });
      const base = 4026532000 + i * 10;
      this.namespaces.push({
        pid: 10_000 + i,
        inodes: { cgroup: 4026531835, ipc: base + 1, mnt: base + 2, net: base + 3, pid: base + 4, pid_for_children: base + 4, time: 4026531834, user: 4026531837, uts: base + 5 },
        sharedWithHost: ['cgroup', 'time', 'user'], pidCount: 1,
      });
      this.moving.push({
        cpuNs: Math.floor(this.random() * 5e12), userTicks: Math.floor(this.random() * 4e5), systemTicks: Math.floor(this.random() * 1e5),
        periods: Math.floor(this.random() * 1e6), throttled: Math.floor(this.random() * 1e4), throttledNs: Math.floor(this.random() * 1e11),
        rssPages: 5_000 + Math.floor(this.random() * 60_000), cachePages: Math.floor(this.random() * 30_000), pgfault: Math.floor(this.random() * 1e7),
        ioRead: Math.floor(this.random() * 1e10), ioWrite: Math.floor(this.random() * 1e10), ioReadOps: Math.floor(this.random() * 1e6), ioWriteOps: Math.floor(this.random() * 1e6),
        rx: Math.floor(this.random() * 1e10), tx: Math.floor(this.random() * 1e10), rxPackets: Math.floor(this.random() * 1e7), txPackets: Math.floor(this.random() * 1e7),
        psiCpuUs: Math.floor(this.random() * 1e9), psiMemUs: Math.floor(this.random() * 1e7), psiIoUs: Math.floor(this.random() * 1e8), avg: 0, pids: 1 + Math.floor(this.random() * 20),
      });
    }
  }

  /** Moves every container on by `seconds` and returns their Samples read at `timestampMs`. */
  round(timestampMs: number, seconds: number): CgroupSample[] {
    const r = this.random;
    const out: CgroupSample[] = [];
    for (let i = 0; i < this.containers; i++) {
      const m = this.moving[i]!;
      const busy = i % 4 === 0;
      const cores = busy ? 0.2 + r() * 0.8 : r() * 0.004;
      m.cpuNs += Math.floor(cores * seconds * 1e9);
      m.userTicks += Math.floor(cores * seconds * 80);
      m.systemTicks += Math.floor(cores * seconds * 20);
      if (i % 2 === 0) {
        m.periods += seconds * 10;
        if (busy) {
          m.throttled += Math.floor(r() * seconds * 5);
          m.throttledNs += Math.floor(r() * seconds * 1e8);
        }
      }
      if (busy) {
        m.rssPages += Math.floor((r() - 0.5) * 400);
        m.cachePages += Math.floor(r() * 50);
        m.pgfault += Math.floor(r() * 20_000);
        m.ioRead += Math.floor(r() * 200) * PAGE;
        m.ioWrite += Math.floor(r() * 500) * PAGE;
        m.ioReadOps += Math.floor(r() * 50);
        m.ioWriteOps += Math.floor(r() * 120);
        m.rx += Math.floor(r() * 3e6);
        m.tx += Math.floor(r() * 1e6);
        m.rxPackets += Math.floor(r() * 3000);
        m.txPackets += Math.floor(r() * 1500);
        m.psiCpuUs += Math.floor(r() * seconds * 2e5);
        m.psiIoUs += Math.floor(r() * seconds * 1e4);
        m.avg = Math.round(r() * 4000) / 100;
        if (r() < 0.2) m.pids += r() < 0.5 ? 1 : -1;
      } else {
        m.pgfault += Math.floor(r() * 30);
        if (r() < 0.1) m.rssPages += r() < 0.5 ? 1 : -1;
      }
      const rss = m.rssPages * PAGE;
      const cache = m.cachePages * PAGE;
      const quota = i % 2 === 0;
      const limit = i % 3 === 0 ? 512 * 1024 * 1024 : Infinity;
      const psi = (totalUs: number, avg: number) => ({ avg10: avg, avg60: Math.round(avg * 70) / 100, avg300: Math.round(avg * 40) / 100, totalSeconds: totalUs / 1e6 });
      const zero = { avg10: 0, avg60: 0, avg300: 0, totalSeconds: 0 };
      out.push({
        path: `/docker/${this.identities[i]!.id}`, inode: 2_000_000 + i, timestampMs, monotonicMs: timestampMs - 1_795_600_000_000 + 0.874,
        createdMs: 1_795_600_000_000 + i * 1000.0945, identity: this.identities[i]!,
        cpu: {
          usageSeconds: m.cpuNs / 1e9, userSeconds: m.userTicks / 100, systemSeconds: m.systemTicks / 100,
          periods: m.periods, throttledPeriods: m.throttled, throttledSeconds: m.throttledNs / 1e9,
          quotaUs: quota ? 50_000 : Infinity, periodUs: 100_000, shares: 1024, weight: 40,
        },
        memory: {
          usageBytes: rss + cache + 900 * PAGE, limitBytes: limit, highBytes: Infinity, reservationBytes: Infinity, swapBytes: 0, swapLimitBytes: Infinity,
          maxUsageBytes: rss + cache + 4000 * PAGE, workingSetBytes: rss + 900 * PAGE, cacheBytes: cache, rssBytes: rss, shmemBytes: 0,
          mappedFileBytes: Math.min(cache, 300 * PAGE), dirtyBytes: busy ? Math.floor(r() * 100) * PAGE : 0, writebackBytes: 0,
          pgfault: m.pgfault, pgmajfault: 3, inactiveAnonBytes: Math.floor(rss * 0.02 / PAGE) * PAGE, activeAnonBytes: rss - Math.floor(rss * 0.02 / PAGE) * PAGE,
          inactiveFileBytes: Math.floor(cache / 2 / PAGE) * PAGE, activeFileBytes: cache - Math.floor(cache / 2 / PAGE) * PAGE, unevictableBytes: 0,
          kernelBytes: 900 * PAGE, failcnt: 0, events: { oomKill: 0 },
        },
        blockIo: [{ major: 254, minor: 0, device: 'vda', readBytes: m.ioRead, writeBytes: m.ioWrite, readOps: m.ioReadOps, writeOps: m.ioWriteOps, discardBytes: 0, discardOps: 0 }],
        pids: { current: m.pids, max: Infinity, limitHits: 0 },
        pressure: {
          cpu: { some: psi(m.psiCpuUs, m.avg), full: psi(m.psiCpuUs, m.avg) },
          memory: { some: m.psiMemUs > 0 ? psi(m.psiMemUs, 0) : zero, full: zero },
          io: { some: psi(m.psiIoUs, busy ? Math.round(m.avg * 10) / 100 : 0), full: psi(Math.floor(m.psiIoUs / 2), 0) },
        },
        processes: m.pids, threads: m.pids * 3, cpusetCpus: '0-1',
        namespaces: this.namespaces[i]!,
        ...(i % 3 === 0 ? {
          network: {
            netnsInode: 4026532000 + i * 10 + 3,
            interfaces: [
              { name: 'eth0', rxBytes: m.rx, rxPackets: m.rxPackets, rxErrors: 0, rxDropped: 0, txBytes: m.tx, txPackets: m.txPackets, txErrors: 0, txDropped: 0 },
              { name: 'lo', rxBytes: 1340, rxPackets: 20, rxErrors: 0, rxDropped: 0, txBytes: 1340, txPackets: 20, txErrors: 0, txDropped: 0 },
            ],
          },
        } : { networkNote: 'host-netns' }),
      });
    }
    return out;
  }
}
