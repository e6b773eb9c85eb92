// Filesystem rows (cAdvisor's container_fs_* usage, inode and I/O-time families, one series per
// device) and container_tasks_state. Values come from the Sample's slow-cadence fields
// (collector/extras): root filesystems and /proc/diskstats on id="/", writable layers on containers.

import { labelled, NO_SERIES, type ContainerMetric, type Series } from '../metric.js';
import type { Snapshot } from '../../../collector/model/derive.js';
import type { DiskIoCounters, FilesystemUsage } from '../../../collector/model/sample.js';

function perFilesystem(pick: (fs: FilesystemUsage) => number | undefined) {
  return (s: Snapshot): readonly Series[] => {
    const filesystems = s.sample.filesystems;
    if (!filesystems) return NO_SERIES;
    const series: Series[] = [];
    for (const fs of filesystems) {
      const value = pick(fs);
      if (value !== undefined) series.push({ labels: [fs.device], value });
    }
    return series;
  };
}

const usage = (name: string, help: string, v1: string, pick: (fs: FilesystemUsage) => number | undefined) => labelled({
  name, help, type: 'gauge', unit: name.endsWith('_bytes') ? 'bytes' : '', group: 'fs', compat: 'cadvisor', labels: ['device'],
  source: { v1, v2: v1 },
}, perFilesystem(pick));

/** /proc/diskstats exists per device only, so these have series on id="/" alone (as in cAdvisor). */
const diskstat = (name: string, help: string, field: string, type: 'counter' | 'gauge', pick: (io: DiskIoCounters) => number) => labelled({
  name, help, type, unit: name.endsWith('_seconds_total') ? 'seconds' : '', group: 'fs', compat: 'cadvisor', labels: ['device'],
  source: { v1: `/proc/diskstats ${field} (root cgroup only)`, v2: `/proc/diskstats ${field} (root cgroup only)` },
}, perFilesystem((fs) => (fs.io ? pick(fs.io) : undefined)));

export const FILESYSTEM_METRICS: readonly ContainerMetric[] = [
  usage('container_fs_usage_bytes', 'Number of bytes that are consumed by the container on this filesystem.',
    'root: statfs (blocks − bfree) × bsize per block device; container: allocated blocks of the overlay upper dir (bounded walk, slow cadence)',
    (fs) => fs.usageBytes),
  usage('container_fs_limit_bytes', 'Number of bytes that can be consumed by the container on this filesystem.',
    'statfs blocks × bsize of the filesystem', (fs) => fs.limitBytes),
  usage('container_fs_inodes_free', 'Number of available Inodes', 'statfs ffree of the filesystem', (fs) => fs.inodesFree),
  usage('container_fs_inodes_total', 'Number of Inodes',
    'root: statfs files; container: inodes in the writable layer (as cAdvisor)', (fs) => fs.inodes),
  diskstat('container_fs_io_current', 'Number of I/Os currently in progress', 'ios in progress', 'gauge', (io) => io.ioInProgress),
  diskstat('container_fs_io_time_seconds_total', 'Cumulative count of seconds spent doing I/Os', 'ms doing I/O', 'counter', (io) => io.ioSeconds),
  diskstat('container_fs_io_time_weighted_seconds_total', 'Cumulative weighted I/O time in seconds', 'weighted ms doing I/O', 'counter', (io) => io.weightedIoSeconds),
  diskstat('container_fs_read_seconds_total', 'Cumulative count of seconds spent reading', 'ms reading', 'counter', (io) => io.readSeconds),
  diskstat('container_fs_write_seconds_total', 'Cumulative count of seconds spent writing', 'ms writing', 'counter', (io) => io.writeSeconds),
  diskstat('container_fs_reads_merged_total', 'Cumulative count of reads merged', 'reads merged', 'counter', (io) => io.readsMerged),
  diskstat('container_fs_writes_merged_total', 'Cumulative count of writes merged', 'writes merged', 'counter', (io) => io.writesMerged),
  diskstat('container_fs_sector_reads_total', 'Cumulative count of sector reads completed', 'sectors read', 'counter', (io) => io.sectorsRead),
  diskstat('container_fs_sector_writes_total', 'Cumulative count of sector writes completed', 'sectors written', 'counter', (io) => io.sectorsWritten),
];

const STATES = ['running', 'sleeping', 'stopped', 'uninterruptible', 'iowaiting'] as const;

export const TASKS_STATE_METRICS: readonly ContainerMetric[] = [
  labelled({
    name: 'container_tasks_state', help: 'Number of tasks in given state',
    type: 'gauge', unit: '', group: 'tasks', compat: 'cadvisor', labels: ['state'],
    source: {
      v1: 'tasks → /proc/<tid>/stat state (R, S, T, D; iowaiting is always 0; bounded, slow cadence)',
      v2: 'cgroup.threads → /proc/<tid>/stat state (R, S, T, D; iowaiting is always 0; bounded, slow cadence)',
    },
  }, (s) => {
    const state = s.sample.tasksState;
    return state ? STATES.map((name) => ({ labels: [name], value: state[name] })) : NO_SERIES;
  }),
];
