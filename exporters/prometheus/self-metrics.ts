// cgmeter's own health as prom-client metrics: the collector's cost and errors, the scrape's cost,
// which reader runs, the build. Values are read from the SnapshotSource in prom-client's collect()
// at scrape time, so nothing here runs between scrapes.

import { readdirSync, readFileSync } from 'node:fs';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SnapshotSource } from '../../collector/service.js';
import type { MachineFacts } from '../../collector/machine/machine-facts.js';

export interface BuildFacts {
  readonly version: string;
  /** Why the TypeScript fallback reader runs, when it does. */
  readonly readerReason?: string;
  /** The host, for cAdvisor's machine_* series and cadvisor_version_info (read by the caller). */
  readonly machine?: MachineFacts;
}

/** Scrapes of 1,000 containers take tens of ms; the budget is 250 ms. */
const SCRAPE_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

function openFdCount(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length - 1; // the directory's own fd while it is read
  } catch {
    return undefined;
  }
}

function maxFds(): number | undefined {
  try {
    const line = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'latin1'));
    return line ? Number(line[1]) : undefined;
  } catch {
    return undefined;
  }
}

export class SelfMetrics {
  readonly registry = new Registry();
  private readonly scrapeDuration: Histogram;
  private exportedCgroups = 0;
  private exportedSeries = 0;

  constructor(source: SnapshotSource, facts: BuildFacts) {
    const registers = [this.registry];
    const health = () => source.health();
    const self = this;
    const gauge = (name: string, help: string, read: () => number | undefined) => new Gauge({
      name, help, registers,
      collect() {
        const value = read();
        if (value !== undefined) this.set(value);
      },
    });
    const total = (name: string, help: string, read: () => number) => new Counter({
      name, help, registers,
      collect() {
        this.reset();
        this.inc(read());
      },
    });
    new Gauge({
      name: 'cgmeter_build_info', help: 'cgmeter version and the Node.js running it; always 1.', labelNames: ['version', 'nodejs_version'], registers,
      collect() {
        this.set({ version: facts.version, nodejs_version: process.versions.node }, 1);
      },
    });
    if (facts.machine) registerMachineMetrics(this.registry, facts.machine, facts.version);
    new Gauge({
      name: 'cgmeter_reader_info', help: 'Counter reader in use (native addon or TypeScript fallback) and why the fallback; always 1.',
      labelNames: ['reader', 'reason'], registers,
      collect() {
        this.reset();
        this.set({ reader: health().reader, reason: facts.readerReason ?? '' }, 1);
      },
    });
    new Gauge({
      name: 'cgmeter_hierarchy_info', help: 'cgroup hierarchy layout of the host (v1, v2 or hybrid); always 1.', labelNames: ['mode'], registers,
      collect() {
        this.reset();
        this.set({ mode: health().hierarchyMode }, 1);
      },
    });
    gauge('cgmeter_collection_duration_seconds', 'Wall time the last sample of every cgroup took.', () => health().lastSampleDurationMs / 1000);
    gauge('cgmeter_collection_cpu_seconds', 'CPU time the last sample of every cgroup took.', () => health().lastSampleCpuMicros / 1e6);
    gauge('cgmeter_discovery_duration_seconds', 'Wall time the last discovery walk took.', () => health().lastDiscoveryMs / 1000);
    gauge('cgmeter_last_sample_timestamp_seconds', 'When the last sample was taken, seconds since the epoch (0 before the first).', () => health().lastSampleMs / 1000);
    total('cgmeter_samples_total', 'Samples taken since start.', () => health().samplesTaken);
    total('cgmeter_sample_errors_total', 'Samples that failed as a whole (a bug, logged), since start.', () => health().sampleErrors);
    total('cgmeter_cgroups_gone_total', 'Cgroups found removed while being read, since start.', () => health().cgroupsGone);
    gauge('cgmeter_cgroups_tracked', 'Cgroups the collector reads.', () => health().cgroups);
    gauge('cgmeter_cgroups_exported', 'Cgroups whose series the last scrape exported (after --export and --cgroup-prefix).', () => self.exportedCgroups);
    gauge('cgmeter_exported_series', 'Container series in the last scrape.', () => self.exportedSeries);
    gauge('cgmeter_cgroups_limit', 'The --max-cgroups bound: most cgroups tracked.', () => health().maxCgroups);
    total('cgmeter_cgroups_refused_total', 'New cgroups not tracked because --max-cgroups was reached, since start.', () => health().cgroupsRefused);
    gauge('cgmeter_quiet_cgroups', 'Cgroups the last sample read only the CPU time of (quiet refresh: no CPU used since their last full read; see --quiet-refresh).', () => health().quietCgroups);
    gauge('cgmeter_limits_watched', '1 when inotify watches cover every tracked cgroup\'s limit files: limits are re-read when written (and at every tenth walk); 0: re-read at every walk.', () => (health().limitsWatched ? 1 : 0));
    gauge('cgmeter_uncached_cgroups', 'Cgroups beyond the fd budget, whose files are opened for each read.', () => health().uncachedCgroups);
    gauge('cgmeter_open_fds', 'Counter files the collector keeps open.', () => health().openFds);
    new Counter({
      name: 'cgmeter_read_errors_total', help: 'Counter file reads that failed for another reason than the cgroup being gone, by errno.',
      labelNames: ['kind'], registers,
      collect() {
        this.reset();
        for (const [kind, count] of Object.entries(health().readErrors)) this.inc({ kind }, count);
      },
    });
    this.scrapeDuration = new Histogram({
      name: 'cgmeter_scrape_duration_seconds', help: 'Time to render /metrics (container series and these).', buckets: SCRAPE_BUCKETS_SECONDS, registers,
    });
    total('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', () => {
      const used = process.cpuUsage();
      return (used.user + used.system) / 1e6;
    });
    gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', () => process.memoryUsage.rss());
    gauge('process_open_fds', 'Number of open file descriptors.', openFdCount);
    gauge('process_max_fds', 'Maximum number of open file descriptors.', maxFds);
    const startSeconds = Math.round(Date.now() / 1000 - process.uptime());
    gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', () => startSeconds);
  }

  /** What the container part of the last scrape held. */
  noteExported(cgroups: number, series: number): void {
    this.exportedCgroups = cgroups;
    this.exportedSeries = series;
  }

  observeScrape(seconds: number): void {
    this.scrapeDuration.observe(seconds);
  }
}

/**
 * cAdvisor's machine_* gauges (labelled, as cAdvisor does, with the boot, machine and DMI ids) and
 * cadvisor_version_info, which dashboards use to list their nodes' kernels and OS.
 */
function registerMachineMetrics(registry: Registry, machine: MachineFacts, version: string): void {
  const registers = [registry];
  const ids = { boot_id: machine.bootId, machine_id: machine.machineId, system_uuid: machine.systemUuid };
  const labelNames = ['boot_id', 'machine_id', 'system_uuid'];
  const fact = (name: string, help: string, value: number | undefined) => {
    if (value === undefined) return;
    new Gauge({ name, help, labelNames, registers, collect() { this.set(ids, value); } });
  };
  fact('machine_cpu_cores', 'Number of logical CPU cores on the machine.', machine.cpuCores);
  fact('machine_cpu_physical_cores', 'Number of physical CPU cores on the machine.', machine.physicalCores);
  fact('machine_cpu_sockets', 'Number of CPU sockets on the machine.', machine.sockets);
  fact('machine_memory_bytes', 'Amount of memory installed on the machine.', machine.memoryBytes);
  fact('machine_swap_bytes', 'Amount of swap memory available on the machine.', machine.swapBytes);
  new Gauge({
    name: 'cadvisor_version_info',
    help: "A metric with a constant '1' value labeled by kernel version, OS version, docker version, cadvisor version & cadvisor revision.",
    labelNames: ['cadvisorRevision', 'cadvisorVersion', 'dockerVersion', 'kernelVersion', 'osVersion'], registers,
    collect() {
      // cadvisorVersion names the exporter that answers, so nobody mistakes cgmeter for cAdvisor.
      this.set({ cadvisorRevision: '', cadvisorVersion: `cgmeter-${version}`, dockerVersion: '', kernelVersion: machine.kernelVersion, osVersion: machine.osVersion }, 1);
    },
  });
}
