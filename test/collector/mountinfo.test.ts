// Hierarchy detection from real mountinfo files and the layouts other distributions use.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseMountinfo } from '../../collector/hierarchy/mountinfo.js';
import { detectHierarchy, HierarchyError } from '../../collector/hierarchy/hierarchy.js';

const fixture = (p: string) => fileURLToPath(new URL(`../fixtures/${p}`, import.meta.url));

describe('parseMountinfo', () => {
  it('finds the nine v1 hierarchies and the unified mount of this host (cpu and cpuacct apart)', () => {
    const mounts = parseMountinfo(readFileSync(fixture('cgroup-v1/proc/self/mountinfo'), 'utf8'));
    const v1 = mounts.filter((m) => m.version === 1);
    expect(v1.map((m) => m.mountPoint)).toEqual([
      '/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpuacct', '/sys/fs/cgroup/cpuset', '/sys/fs/cgroup/memory',
      '/sys/fs/cgroup/devices', '/sys/fs/cgroup/freezer', '/sys/fs/cgroup/blkio', '/sys/fs/cgroup/pids', '/sys/fs/cgroup/systemd',
    ]);
    expect(v1.find((m) => m.mountPoint.endsWith('/cpu'))!.controllers).toEqual(['cpu']);
    expect(v1.find((m) => m.mountPoint.endsWith('/systemd'))).toMatchObject({ controllers: [], name: 'systemd' });
    expect(mounts.filter((m) => m.version === 2).map((m) => m.mountPoint)).toEqual(['/sys/fs/cgroup/unified']);
  });

  it('reads a container\'s view: mount roots are the container\'s cgroup', () => {
    const mounts = parseMountinfo(readFileSync(fixture('cgroup-v1/proc/29687/mountinfo'), 'utf8'));
    const memory = mounts.find((m) => m.controllers.includes('memory'))!;
    expect(memory.root).toBe('/docker/5aacd01bb9954993bfff3b1738339116d934bc62d7589f515d57dd78d53bbb83');
  });

  it('handles co-mounted cpu,cpuacct (most distributions), escaped paths and junk lines', () => {
    const text = [
      '25 24 0:22 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:8 - cgroup cgroup rw,cpu,cpuacct',
      '26 24 0:23 / /sys/fs/cgroup/net_cls,net_prio rw shared:9 - cgroup cgroup rw,net_cls,net_prio',
      '27 24 0:24 / /mnt/my\\040cgroups rw - cgroup2 cgroup2 rw,nsdelegate',
      'not a mountinfo line',
      '',
    ].join('\n');
    const mounts = parseMountinfo(text);
    expect(mounts[0]).toMatchObject({ mountPoint: '/sys/fs/cgroup/cpu,cpuacct', controllers: ['cpu', 'cpuacct'], version: 1 });
    expect(mounts[2]).toMatchObject({ mountPoint: '/mnt/my cgroups', version: 2 });
    expect(mounts).toHaveLength(3);
    const h = detectHierarchy({ hostRoot: '/', mountinfoText: text });
    expect(h.mode).toBe('hybrid');
    expect(h.v1.get('cpu')).toBe('/sys/fs/cgroup/cpu,cpuacct');
    expect(h.v1.get('cpuacct')).toBe('/sys/fs/cgroup/cpu,cpuacct');
  });
});

describe('detectHierarchy', () => {
  it('classifies the v1 fixture host as hybrid and the v2 one as v2', () => {
    const v1 = detectHierarchy({ hostRoot: fixture('cgroup-v1') });
    expect(v1.mode).toBe('hybrid');
    expect(v1.v1.get('memory')).toBe(fixture('cgroup-v1/sys/fs/cgroup/memory'));
    expect(v1.unifiedControllers).toEqual(new Set(['hugetlb']));
    const v2 = detectHierarchy({ hostRoot: fixture('cgroup-v2') });
    expect(v2.mode).toBe('v2');
    expect(v2.v1.size).toBe(0);
    expect([...v2.unifiedControllers].sort()).toEqual(['cpu', 'cpuset', 'hugetlb', 'io', 'memory', 'misc', 'pids', 'rdma']);
  });

  it('classifies pure v1 (no cgroup2 mount)', () => {
    const h = detectHierarchy({ mountinfoText: '30 24 0:25 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n' });
    expect(h.mode).toBe('v1');
  });

  it('says clearly when there is no cgroup mount or the host root is wrong', () => {
    expect(() => detectHierarchy({ mountinfoText: '22 1 8:1 / / rw - ext4 /dev/sda1 rw\n' })).toThrow(HierarchyError);
    expect(() => detectHierarchy({ hostRoot: '/nonexistent/host' })).toThrow(/--host-root \/nonexistent\/host does not exist/);
  });
});
