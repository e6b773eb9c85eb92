// The golden comparison with cAdvisor's own expected exposition: for every family both export, the same
// type, label names and unit. cadvisor-families.json is our tabulation of cAdvisor's expected-output
// files (family, type, label names); the fixture Snapshots get filesystems and task states so that
// every shared family is rendered. docs/cadvisor-compat.md must account for every cAdvisor family.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONTAINER_METRICS } from '../../../exporters/prometheus/table/container-metrics.js';
import { renderContainerFamilies, containerExpositionText, DEFAULT_CONTAINER_EXPORT_OPTIONS } from '../../../exporters/prometheus/render.js';
import { SelfMetrics } from '../../../exporters/prometheus/self-metrics.js';
import { derive } from '../../../collector/model/derive.js';
import type { CgroupSample } from '../../../collector/model/sample.js';
import { fixtureSamples, fixtureSource } from '../fixture-source.js';

interface Family { type: string; kind: 'container' | 'machine' | 'other'; labels: string[] }
const table = JSON.parse(readFileSync(fileURLToPath(new URL('./cadvisor-families.json', import.meta.url)), 'utf8')) as {
  baseLabels: string[]; machineLabels: string[]; families: Record<string, Family>;
};
const doc = readFileSync(fileURLToPath(new URL('../../../docs/cadvisor-compat.md', import.meta.url)), 'utf8');
/** Deliberate, documented type differences (docs/metrics.md). */
const TYPE_EXCEPTIONS: Record<string, string> = { container_memory_failcnt: 'unknown' };

const io = { readsMerged: 1, sectorsRead: 2, readSeconds: 0.5, writesMerged: 3, sectorsWritten: 4, writeSeconds: 0.25, ioInProgress: 0, ioSeconds: 1, weightedIoSeconds: 2 };
function withExtras(s: CgroupSample): CgroupSample {
  const tasksState = { running: 1, sleeping: 2, stopped: 0, uninterruptible: 0, iowaiting: 0, counted: 3, truncated: false };
  if (s.path === '/') return { ...s, tasksState, filesystems: [{ device: '/dev/vda', usageBytes: 10, limitBytes: 100, inodesFree: 5, inodes: 9, io }] };
  if (s.identity.kind === 'container') return { ...s, tasksState, filesystems: [{ device: '/dev/vda', usageBytes: 4096, limitBytes: 100, inodesFree: 5, inodes: 3 }] };
  return s;
}

/** label names of every series per family in a text exposition. */
function labelNamesByFamily(text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} /.exec(line);
    if (!m) continue;
    const names = [...m[2]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*"/g)].map((x) => x[1]!).filter((n) => !n.startsWith('container_label_'));
    out.set(m[1]!, new Set([...(out.get(m[1]!) ?? []), ...names]));
  }
  return out;
}

describe.each(['cgroup-v1', 'cgroup-v2'] as const)('cAdvisor golden comparison (%s fixture)', (fixture) => {
  const { samples, mode } = fixtureSamples(fixture);
  const snapshots = samples.map((s) => derive(withExtras(s)));
  const text = containerExpositionText(renderContainerFamilies(snapshots, DEFAULT_CONTAINER_EXPORT_OPTIONS, { hierarchyMode: mode }), 'prometheus');
  const rendered = labelNamesByFamily(text);

  it('renders every container family both export with cAdvisor\'s type and exactly its label names', () => {
    const shared = CONTAINER_METRICS.filter((m) => table.families[m.name]);
    expect(shared.length).toBeGreaterThan(60);
    for (const m of shared) {
      const theirs = table.families[m.name]!;
      expect(m.type, m.name).toBe(TYPE_EXCEPTIONS[m.name] ?? theirs.type);
      expect([...m.labels].sort(), m.name).toEqual(theirs.labels);
      const names = rendered.get(m.name);
      if (names === undefined) continue; // no fixture cgroup has the value (e.g. v2-only files on v1)
      expect([...names].sort(), m.name).toEqual([...table.baseLabels, ...theirs.labels].sort());
    }
    for (const name of ['container_fs_usage_bytes', 'container_fs_io_time_seconds_total', 'container_tasks_state']) expect(rendered.has(name), name).toBe(true);
  });
});

describe('machine families and cadvisor_version_info', () => {
  it('carry cAdvisor\'s types and label names', async () => {
    const machine = {
      cpuCores: 2, physicalCores: 2, sockets: 1, memoryBytes: 1024, swapBytes: 0, bootId: 'b', machineId: 'm', systemUuid: '',
      kernelVersion: '6.18.0', osVersion: 'Debian GNU/Linux 12 (bookworm)',
    };
    const metrics = await new SelfMetrics(fixtureSource('cgroup-v1'), { version: '1.2.3', machine }).registry.getMetricsAsJSON();
    const byName = new Map(metrics.map((m) => [m.name, m]));
    for (const name of ['machine_cpu_cores', 'machine_cpu_physical_cores', 'machine_cpu_sockets', 'machine_memory_bytes', 'machine_swap_bytes', 'cadvisor_version_info']) {
      const theirs = table.families[name]!;
      const ours = byName.get(name);
      expect(ours, name).toBeDefined();
      expect(ours!.type, name).toBe(theirs.type);
      const labels = Object.keys(ours!.values[0]!.labels).sort();
      expect(labels, name).toEqual([...(theirs.kind === 'machine' ? table.machineLabels : []), ...theirs.labels].sort());
    }
    expect(byName.get('cadvisor_version_info')!.values[0]!.labels).toMatchObject({ cadvisorVersion: 'cgmeter-1.2.3', kernelVersion: '6.18.0' });
  });
});

describe('docs/cadvisor-compat.md', () => {
  it('has a row for every cAdvisor family, with its type and a verdict', () => {
    for (const [name, family] of Object.entries(table.families)) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
      expect(row, name).toBeDefined();
      expect(row, name).toMatch(new RegExp(`^\\| \`${name}\` \\| ${family.type} \\| (yes|own name|summed|no|not yet) \\|`));
    }
  });
});
