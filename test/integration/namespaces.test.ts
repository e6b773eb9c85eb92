// Namespaces per cgroup on the live kernel: which are the host's, pid counts, and a Kubernetes-like
// pod whose two containers share one net namespace (made with `ip netns`): counted once.

import { randomBytes } from 'node:crypto';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Collector, ALL_GROUPS } from '../../collector/poller.js';
import { cgroupNamespaces, firstPidBelow, hostNamespaceInodes, NAMESPACE_KINDS } from '../../collector/namespaces/process-namespaces.js';
import { createTestCgroup, destroyAllTestCgroups, requireRootOrSkip, waitFor } from '../helpers/kernel.js';

const skip = requireRootOrSkip({ binaries: ['unshare', 'ip', 'ping'] }, 'namespace tests');
const host = hostNamespaceInodes('/proc');
/** Kinds this kernel has (time: ≥ 5.6). */
const KINDS = NAMESPACE_KINDS.filter((k) => host[k] !== undefined);

const netnsNames: string[] = [];
afterEach(destroyAllTestCgroups);
afterAll(() => {
  destroyAllTestCgroups();
  for (const name of netnsNames) {
    try {
      execFileSync('ip', ['netns', 'del', name]);
    } catch {
      // already gone
    }
  }
});

describe.skipIf(skip)('namespaces of a cgroup', () => {
  it('a plain process shares every namespace with the host', async () => {
    const cg = createTestCgroup('plain', { controllers: ['cpu', 'memory', 'pids'] });
    const child = await cg.spawnIn('sleep', ['60']);
    await cg.spawnIn('sleep', ['60']);
    const ns = cgroupNamespaces(`${cg.dir('pids')}/cgroup.procs`, '/proc', host)!;
    expect(ns.pid).toBe(child.pid);
    expect(ns.pidCount).toBe(2);
    expect(ns.sharedWithHost).toEqual(KINDS);
    expect(ns.inodes.net).toBe(statSync(`/proc/${child.pid}/ns/net`).ino);
  });

  it('unshare -n -u -i: net, uts and ipc are its own, the rest the host\'s', async () => {
    const cg = createTestCgroup('unshared', { controllers: ['cpu', 'memory', 'pids'] });
    const child = await cg.spawnIn('unshare', ['-n', '-u', '-i', 'sleep', '60']);
    const ns = await waitFor(() => {
      const read = cgroupNamespaces(`${cg.dir('pids')}/cgroup.procs`, '/proc', host);
      return read && read.inodes.net !== host.net ? read : undefined; // until unshare has exec'd sleep
    }, { what: 'unshare to make its namespaces' });
    expect(ns.pid).toBe(child.pid);
    expect(ns.sharedWithHost).toEqual(KINDS.filter((k) => k !== 'net' && k !== 'uts' && k !== 'ipc'));
    for (const k of ['net', 'uts', 'ipc'] as const) expect(ns.inodes[k]).not.toBe(host[k]);
  });

  it('an empty or missing cgroup has none', () => {
    const cg = createTestCgroup('empty', { controllers: ['pids'] });
    expect(cgroupNamespaces(`${cg.dir('pids')}/cgroup.procs`, '/proc', host)).toBeUndefined();
    expect(cgroupNamespaces('/sys/fs/cgroup/pids/no-such-cgroup/cgroup.procs', '/proc', host)).toBeUndefined();
  });
});

describe.skipIf(skip)('a pod: two containers in one net namespace under a pod cgroup', () => {
  const uid = '0f1e2d3c-4b5a-4697-8877-665544332211';
  const idA = 'a'.repeat(64);
  const idB = 'b'.repeat(64);

  it('network is read once for the namespace; the others point at its owner', async () => {
    const netns = `cgm-pod-${randomBytes(3).toString('hex')}`;
    netnsNames.push(netns);
    execFileSync('ip', ['netns', 'add', netns]);
    execFileSync('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    // The kubepods layout of the cgroupfs driver, under the kit's throw-away top.
    const a = createTestCgroup(`kubepods/burstable/pod${uid}/${idA}`, { controllers: ['cpu', 'memory', 'pids'] });
    const podPath = a.path.slice(0, a.path.lastIndexOf('/'));
    const bPath = `${podPath}/${idB}`;
    const bDirs = a.hierarchies.map((mount) => `${mount}${bPath}`);
    for (const dir of bDirs) mkdirSync(dir);
    await a.spawnIn('ip', ['netns', 'exec', netns, 'sh', '-c', 'ping -c 3 -i 0.2 -q 127.0.0.1 >/dev/null; exec sleep 60']);
    const b: ChildProcess = spawn('/bin/sh', ['-c', `${bDirs.map((d) => `echo $$ > ${d}/cgroup.procs`).join('; ')}; exec ip netns exec ${netns} sleep 60`], { stdio: 'ignore' });
    await waitFor(() => statSync(`/proc/${b.pid}/ns/net`).ino !== host.net, { what: 'the second container to enter the pod netns' });

    const collector = new Collector({ hostRoot: '/', reader: 'auto', groups: ALL_GROUPS });
    try {
      collector.discover();
      await waitFor(() => {
        const owner = collector.sample().find((s) => s.network && s.path.startsWith(podPath));
        return (owner?.network?.interfaces.find((i) => i.name === 'lo')?.rxPackets ?? 0) >= 6;
      }, { timeoutMs: 10_000, what: 'the pings to be counted' });
      const byPath = new Map(collector.sample().filter((s) => s.path.startsWith(podPath)).map((s) => [s.path, s]));
      const pod = byPath.get(podPath)!;
      expect(pod.identity).toMatchObject({ runtime: 'kubernetes', kind: 'pod', podUid: uid });
      expect(byPath.get(a.path)!.identity).toMatchObject({ kind: 'container', podUid: uid });
      const owners = [...byPath.values()].filter((s) => s.network !== undefined);
      // Never counted twice: one cgroup of the pod carries the namespace's counters.
      expect(owners).toHaveLength(1);
      const owner = owners[0]!;
      expect(owner.network!.netnsInode).toBe(statSync(`/var/run/netns/${netns}`).ino);
      expect(owner.network!.interfaces.find((i) => i.name === 'lo')!.rxPackets).toBe(6);
      for (const s of byPath.values()) {
        if (s !== owner) expect(s.networkNote).toMatch(s.path === podPath ? /^(no-process|shared-with:)/ : new RegExp(`^shared-with:${owner.path}$`));
      }
      // With today's poller the pod cgroup has no process of its own ('no-process') and the first
      // container (by path) owns the network; firstPidBelow is what lets the pod own it.
      const podPid = firstPidBelow(a.dir('pids').slice(0, -(idA.length + 1)))!;
      expect(statSync(`/proc/${podPid}/ns/net`).ino).toBe(owner.network!.netnsInode);
    } finally {
      collector.close();
      b.kill('SIGKILL');
    }
  });
});
