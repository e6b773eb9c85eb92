// The container renderer on hand-made Snapshots: escaping, what is never exported (NaN, unlimited,
// undefined), cAdvisor's special cases (per-CPU, quota-less CFS, interfaces), label policies,
// cgroup filters and disabled groups.

import { describe, expect, it } from 'vitest';
import { derive, type Snapshot } from '../../../collector/model/derive.js';
import type { CgroupSample } from '../../../collector/model/sample.js';
import type { ContainerIdentity } from '../../../collector/model/identity.js';
import {
  containerExpositionText, renderContainerFamilies, DEFAULT_CONTAINER_EXPORT_OPTIONS, type ContainerExportOptions,
} from '../../../exporters/prometheus/render.js';
import type { RenderContext } from '../../../exporters/prometheus/metric.js';

const V1: RenderContext = { hierarchyMode: 'hybrid' };
const V2: RenderContext = { hierarchyMode: 'v2' };

function snapshot(path: string, over: Partial<CgroupSample> = {}, identity: Partial<ContainerIdentity> = {}): Snapshot {
  return derive({
    path, inode: 1, timestampMs: 1_700_000_000_500, monotonicMs: 1, createdMs: 1_600_000_000_900,
    identity: { runtime: 'raw', id: path, name: path, labels: {}, kind: 'cgroup', ...identity },
    cpu: {}, memory: {}, blockIo: [], pids: {}, pressure: {},
    ...over,
  });
}

function render(snapshots: Snapshot[], options: Partial<ContainerExportOptions> = {}, context = V1): string {
  return containerExpositionText(renderContainerFamilies(snapshots, { ...DEFAULT_CONTAINER_EXPORT_OPTIONS, ...options }, context), 'prometheus');
}

const lines = (text: string, name: string) => text.split('\n').filter((l) => l.startsWith(`${name}{`));

describe('labels', () => {
  it('escapes backslashes, quotes and newlines in label values', () => {
    const text = render([snapshot('/weird\\path', { memory: { usageBytes: 1 } }, {
      kind: 'container', name: 'say "hi"\nbye', image: 'img', labels: { 'com.example/note': 'a\\b"c' },
    })]);
    expect(lines(text, 'container_memory_usage_bytes')).toEqual([
      'container_memory_usage_bytes{id="/weird\\\\path",name="say \\"hi\\"\\nbye",image="img",container_label_com_example_note="a\\\\b\\"c"} 1',
    ]);
  });

  it('gives plain cgroups an empty name (so name=~".+" selects containers) and unknown images an empty image', () => {
    const text = render([snapshot('/system.slice', { memory: { usageBytes: 5 } }, { kind: 'unit', name: 'system.slice' })]);
    expect(lines(text, 'container_memory_usage_bytes')).toEqual(['container_memory_usage_bytes{id="/system.slice",name="",image=""} 5']);
  });

  it('keeps the first of two label keys that sanitize alike, and honours the allowlist and --no-container-labels', () => {
    const s = snapshot('/c', { memory: { usageBytes: 1 } }, { kind: 'container', name: 'c', labels: { 'a.b': '1', a_b: '2', team: 'x' } });
    expect(lines(render([s]), 'container_memory_usage_bytes')[0]).toBe(
      'container_memory_usage_bytes{id="/c",name="c",image="",container_label_a_b="1",container_label_team="x"} 1');
    expect(lines(render([s], { containerLabels: { mode: 'allowlist', keys: new Set(['team']) } }), 'container_memory_usage_bytes')[0]).toBe(
      'container_memory_usage_bytes{id="/c",name="c",image="",container_label_team="x"} 1');
    expect(lines(render([s], { containerLabels: { mode: 'none' } }), 'container_memory_usage_bytes')[0]).toBe(
      'container_memory_usage_bytes{id="/c",name="c",image=""} 1');
  });
  it('cuts engine-given values at 1,024 characters with …, never the cgroup path; 64 KiB labels on 120 cgroups still render', () => {
    const huge = 'v'.repeat(64 * 1024);
    const longPath = `/${'p'.repeat(2000)}`;
    const snaps = Array.from({ length: 120 }, (_, i) => snapshot(i === 0 ? longPath : `/c${i}`, { memory: { usageBytes: i } },
      { kind: 'container', name: huge, image: huge, labels: { note: huge, short: 'ok' } }));
    const text = render(snaps); // before the bound: longer than V8's largest string, and render threw
    const first = lines(text, 'container_memory_usage_bytes')[0]!;
    const cut = `${'v'.repeat(1023)}…`;
    expect(first).toBe(`container_memory_usage_bytes{id="${longPath}",name="${cut}",image="${cut}",container_label_note="${cut}",container_label_short="ok"} 0`);
    expect(text.length).toBeLessThan(120 * 70 * 4 * 1100);
  });
});

describe('values', () => {
  it('never exports NaN, undefined or unlimited values; unlimited spec limits are 0 as in cAdvisor', () => {
    const text = render([snapshot('/x', {
      memory: { usageBytes: NaN, limitBytes: Infinity, highBytes: Infinity, reservationBytes: Infinity, swapLimitBytes: Infinity },
      pids: { max: Infinity },
    })]);
    expect(text).not.toMatch(/NaN|Inf|undefined/);
    expect(lines(text, 'container_memory_usage_bytes')).toEqual([]);
    expect(lines(text, 'cgmeter_spec_memory_high_bytes')).toEqual([]);
    expect(lines(text, 'container_spec_memory_limit_bytes')).toEqual(['container_spec_memory_limit_bytes{id="/x",name="",image=""} 0']);
    expect(lines(text, 'container_spec_memory_swap_limit_bytes')).toEqual(['container_spec_memory_swap_limit_bytes{id="/x",name="",image=""} 0']);
    expect(lines(text, 'container_threads_max')).toEqual(['container_threads_max{id="/x",name="",image=""} 0']);
  });

  it('exports the v1 swap limit as memsw (memory + swap) and v2 as swap alone', () => {
    const s = snapshot('/x', { memory: { limitBytes: 100, swapLimitBytes: 50 } });
    expect(lines(render([s], {}, V1), 'container_spec_memory_swap_limit_bytes')[0]).toMatch(/ 150$/);
    expect(lines(render([s], {}, V2), 'container_spec_memory_swap_limit_bytes')[0]).toMatch(/ 50$/);
  });

  it('exports CFS counters and the quota only for cgroups with a quota', () => {
    const cpu = { usageSeconds: 2, periods: 10, throttledPeriods: 3, throttledSeconds: 0.5, periodUs: 100000 };
    const text = render([snapshot('/limited', { cpu: { ...cpu, quotaUs: 50000 } }), snapshot('/free', { cpu: { ...cpu, quotaUs: Infinity } })]);
    expect(lines(text, 'container_cpu_cfs_periods_total').map((l) => l.split('"')[1])).toEqual(['/limited']);
    expect(lines(text, 'container_spec_cpu_quota')).toEqual(['container_spec_cpu_quota{id="/limited",name="",image=""} 50000']);
    expect(lines(text, 'container_spec_cpu_period')).toHaveLength(2);
  });

  it('replaces cpu="total" by non-zero per-CPU series when per-CPU usage was read', () => {
    expect(lines(render([snapshot('/a', { cpu: { usageSeconds: 3 } })]), 'container_cpu_usage_seconds_total'))
      .toEqual(['container_cpu_usage_seconds_total{id="/a",name="",image="",cpu="total"} 3']);
    expect(lines(render([snapshot('/a', { cpu: { usageSeconds: 3, perCpuSeconds: [1, 0, 2] } })]), 'container_cpu_usage_seconds_total')).toEqual([
      'container_cpu_usage_seconds_total{id="/a",name="",image="",cpu="cpu00"} 1',
      'container_cpu_usage_seconds_total{id="/a",name="",image="",cpu="cpu02"} 2',
    ]);
  });

  it('labels block devices /dev/<name> (MAJ:MIN when unnamed) and sums Total as the kernel does', () => {
    const text = render([snapshot('/io', { blockIo: [
      { major: 254, minor: 0, device: 'vda', readBytes: 10, writeBytes: 20, discardBytes: 5, readOps: 1, writeOps: 2 },
      { major: 7, minor: 3, readBytes: 1, writeBytes: 1 },
    ] })]);
    expect(lines(text, 'container_fs_reads_bytes_total').map((l) => l.replace(/^.*device=/, ''))).toEqual(['"/dev/vda"} 10', '"7:3"} 1']);
    expect(lines(text, 'container_blkio_device_usage_total').filter((l) => l.includes('vda')).map((l) => l.replace(/^.*operation=/, '')))
      .toEqual(['"Read"} 10', '"Write"} 20', '"Discard"} 5', '"Total"} 35']);
  });

  it('leaves out loopback and veth interfaces, as cAdvisor does, and says which net namespace counted', () => {
    const iface = (name: string) => ({ name, rxBytes: 7, rxPackets: 1, rxErrors: 0, rxDropped: 0, txBytes: 9, txPackets: 1, txErrors: 0, txDropped: 0 });
    const text = render([snapshot('/n', { network: { netnsInode: 4026532001, interfaces: [iface('lo'), iface('eth0'), iface('veth12ab')] } })]);
    expect(lines(text, 'container_network_receive_bytes_total')).toEqual(['container_network_receive_bytes_total{id="/n",name="",image="",interface="eth0"} 7']);
    expect(lines(text, 'cgmeter_network_namespace_info')).toEqual(['cgmeter_network_namespace_info{id="/n",name="",image="",netns_inode="4026532001"} 1']);
  });

  it('reports page faults under scope="hierarchy" on v1 and both scopes on v2', () => {
    const s = snapshot('/m', { memory: { pgfault: 100, pgmajfault: 2 } });
    expect(lines(render([s], {}, V1), 'container_memory_failures_total').map((l) => l.replace(/^.*failure_type=/, '')))
      .toEqual(['"pgfault",scope="hierarchy"} 100', '"pgmajfault",scope="hierarchy"} 2']);
    expect(lines(render([s], {}, V2), 'container_memory_failures_total')).toHaveLength(4);
  });

  it('exports whole seconds for start and last-seen times, as cAdvisor', () => {
    const text = render([snapshot('/t')]);
    expect(lines(text, 'container_start_time_seconds')[0]).toMatch(/} 1600000000$/);
    expect(lines(text, 'container_last_seen')[0]).toMatch(/} 1700000000$/);
  });
});

describe('selection', () => {
  const all = [
    snapshot('/', { memory: { usageBytes: 1 } }),
    snapshot('/docker', { memory: { usageBytes: 1 } }),
    snapshot('/docker/abc', { memory: { usageBytes: 1 } }, { kind: 'container', id: 'abc', name: 'web', labels: { tier: 'front' } }),
    snapshot('/dockerd', { memory: { usageBytes: 1 } }),
    snapshot('/kubepods/pod1', { memory: { usageBytes: 1 } }, { kind: 'pod', id: 'pod1' }),
  ];
  const ids = (text: string) => lines(text, 'container_memory_usage_bytes').map((l) => l.split('"')[1]);

  it('--export containers keeps containers, pods and the root', () => {
    expect(ids(render(all, { filter: { export: 'containers', prefixes: [], matchLabels: [] } }))).toEqual(['/', '/docker/abc', '/kubepods/pod1']);
  });

  it('--cgroup-prefix matches whole path segments', () => {
    expect(ids(render(all, { filter: { export: 'all', prefixes: ['/docker'], matchLabels: [] } }))).toEqual(['/docker', '/docker/abc']);
  });

  it('--match-label keeps cgroups whose engine labels match', () => {
    expect(ids(render(all, { filter: { export: 'all', prefixes: [], matchLabels: [{ key: 'tier', value: 'front' }] } }))).toEqual(['/docker/abc']);
    expect(ids(render(all, { filter: { export: 'all', prefixes: [], matchLabels: [{ key: 'tier', value: 'back' }] } }))).toEqual([]);
  });

  it('leaves disabled groups out, and PSI averages out unless enabled', () => {
    const s = snapshot('/p', { memory: { usageBytes: 1 }, pressure: { cpu: { some: { avg10: 12.5, avg60: 1, avg300: 0, totalSeconds: 3 } } } });
    const byDefault = render([s]);
    expect(byDefault).toContain('container_pressure_cpu_waiting_seconds_total{id="/p",name="",image=""} 3\n');
    expect(byDefault).not.toContain('cgmeter_pressure_cpu_waiting_ratio');
    const enabled = render([s], { disabledGroups: new Set() });
    expect(lines(enabled, 'cgmeter_pressure_cpu_waiting_ratio')).toEqual([
      'cgmeter_pressure_cpu_waiting_ratio{id="/p",name="",image="",window="10s"} 0.125',
      'cgmeter_pressure_cpu_waiting_ratio{id="/p",name="",image="",window="60s"} 0.01',
      'cgmeter_pressure_cpu_waiting_ratio{id="/p",name="",image="",window="300s"} 0',
    ]);
    expect(render([s], { disabledGroups: new Set(['memory', 'psi-avg']) })).not.toContain('container_memory_usage_bytes');
  });

  it('renders families only when they have series, each family once, in one block', () => {
    const text = render(all);
    const types = text.split('\n').filter((l) => l.startsWith('# TYPE '));
    expect(new Set(types).size).toBe(types.length);
    expect(text).not.toContain('# TYPE container_network_receive_bytes_total');
  });
});
