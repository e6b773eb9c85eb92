// The series cAdvisor has beyond the counter batch, on whatever kernel runs the test (hybrid v1 here,
// pure v2 in the VM: npm run test:v2): the root cgroup's machine totals and host network, root
// filesystems with their diskstats, and task states of a cgroup with known tasks.

import { afterAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { Collector, ALL_GROUPS } from '../../collector/poller.js';
import { SampleExtras, DEFAULT_EXTRAS_OPTIONS, readMachineFacts } from '../../collector/extras/index.js';
import { derive } from '../../collector/model/derive.js';
import { renderContainerFamilies, containerExpositionText, DEFAULT_CONTAINER_EXPORT_OPTIONS } from '../../exporters/prometheus/render.js';
import { createTestCgroup, destroyAllTestCgroups, detectHostCgroups, requireRootOrSkip } from '../helpers/kernel.js';

const skip = requireRootOrSkip({}, 'root cgroup, filesystems and task states on the live kernel');
const host = skip ? undefined : detectHostCgroups();

afterAll(destroyAllTestCgroups);

describe.skipIf(skip)(`cAdvisor's extra series on the live kernel (${host?.label ?? 'no host'})`, () => {
  it('gives the root cgroup memory, host network, filesystems with I/O times, and counts a cgroup\'s sleeping and running tasks', async () => {
    const cg = createTestCgroup('task-states', { controllers: ['cpu', 'memory', 'pids'] });
    await cg.spawnIn('sleep', ['60']);
    await cg.spawnIn('sleep', ['60']);
    await cg.spawnIn('sh', ['-c', 'while :; do :; done']);
    await sleep(300);
    const extras = new SampleExtras({ ...DEFAULT_EXTRAS_OPTIONS, maxTaskReadsPerRefresh: 1_000_000 });
    const collector = new Collector({ hostRoot: '/', reader: 'fallback', groups: ALL_GROUPS, sampleHook: extras });
    extras.attach(collector);
    try {
      collector.discover();
      extras.refresh();
      const samples = collector.sample();
      const root = samples.find((s) => s.path === '/')!;
      const machine = readMachineFacts('/');
      console.info(`root: memory ${root.memory.usageBytes} of ${machine.memoryBytes}, interfaces ${root.network?.interfaces.map((i) => i.name).join(',')}, `
        + `filesystems ${JSON.stringify(root.filesystems?.map((f) => [f.device, f.usageBytes, f.limitBytes]))}, tasks ${JSON.stringify(root.tasksState)}; `
        + `task refresh ${extras.stats.taskReads} reads in ${extras.stats.taskRefreshMs.toFixed(1)} ms`);
      // v2 has no memory.current at the root: usage comes from /proc/meminfo there.
      expect(root.memory.usageBytes).toBeGreaterThan(0);
      expect(root.memory.usageBytes).toBeLessThanOrEqual(machine.memoryBytes!);
      expect(root.memory.workingSetBytes).toBeGreaterThan(0);
      expect(root.network?.interfaces.some((i) => i.name === 'lo')).toBe(true);
      expect(root.networkNote).toBeUndefined();
      expect(root.filesystems?.length).toBeGreaterThan(0);
      for (const fs of root.filesystems!) {
        expect(fs.device).toMatch(/^(\/dev\/|\d+:\d+$)/);
        expect(fs.usageBytes).toBeLessThanOrEqual(fs.limitBytes);
      }
      expect(root.filesystems!.some((fs) => fs.io !== undefined)).toBe(true);
      expect(machine.cpuCores).toBeGreaterThan(0);

      const mine = samples.find((s) => s.path === cg.path)!;
      expect(mine.tasksState).toMatchObject({ stopped: 0, uninterruptible: 0, iowaiting: 0, truncated: false });
      expect(mine.tasksState!.sleeping).toBeGreaterThanOrEqual(2);
      expect(mine.tasksState!.sleeping + mine.tasksState!.running).toBe(3);

      const text = containerExpositionText(renderContainerFamilies(samples.map((s) => derive(s)), DEFAULT_CONTAINER_EXPORT_OPTIONS, { hierarchyMode: collector.hierarchy.mode }), 'prometheus');
      expect(text).toMatch(/^container_fs_usage_bytes\{id="\/",name="",image="",device="[^"]+"\} \d+$/m);
      expect(text).toMatch(/^container_fs_io_time_seconds_total\{id="\/",/m);
      // lo is left out as cAdvisor does; a host with another interface shows it on id="/".
      const other = root.network!.interfaces.find((i) => i.name !== 'lo');
      if (other) expect(text).toContain(`container_network_receive_bytes_total{id="/",name="",image="",interface="${other.name}"} ${other.rxBytes}\n`);
      expect(text).toContain(`container_tasks_state{id="${cg.path}",name="",image="",state="sleeping"}`);
      expect(text).toMatch(/^container_memory_usage_bytes\{id="\/",name="",image=""\} \d+$/m);
    } finally {
      extras.stop();
      collector.close();
    }
  }, 120_000);
  it('reads no thread list for a cgroup whose last Sample counted no process in its subtree, and follows the next Sample', async () => {
    const cg = createTestCgroup('empty-then-busy', { controllers: ['cpu', 'memory', 'pids'] });
    const extras = new SampleExtras({ ...DEFAULT_EXTRAS_OPTIONS, maxTaskReadsPerRefresh: 1_000_000 });
    const collector = new Collector({ hostRoot: '/', reader: 'fallback', groups: ALL_GROUPS, sampleHook: extras });
    extras.attach(collector);
    try {
      collector.discover();
      const mineOf = (samples: ReturnType<Collector['sample']>) => samples.find((s) => s.path === cg.path)!;
      expect(mineOf(collector.sample()).pids.current).toBe(0);
      // A process joins between two Samples: the refresh goes by the last Sample (empty subtree,
      // no read), so it counts none yet — the skip is real, not a read that happened to find none.
      await cg.spawnIn('sleep', ['60']);
      extras.refresh();
      expect(mineOf(collector.sample()).tasksState).toMatchObject({ sleeping: 0, running: 0 });
      // That Sample saw pids.current 1: the next refresh reads the list and counts the sleeper.
      extras.refresh();
      const counted = mineOf(collector.sample()).tasksState!;
      expect(counted.sleeping + counted.running).toBe(1); // running while it still execs sleep
      expect(counted.truncated).toBe(false);
    } finally {
      collector.close();
    }
  });
});
