// Block I/O and network rows: one series per device / interface, labelled as cAdvisor labels them.

import { labelled, type ContainerMetric, type Series } from '../metric.js';
import type { Snapshot } from '../../../collector/model/derive.js';
import type { BlockDeviceCounters, NetworkInterfaceCounters } from '../../../collector/model/sample.js';

/**
 * cAdvisor names devices `/dev/<kernel name>`. A device whose name is unknown gets `MAJ:MIN`, not
 * cAdvisor's empty string: two unnamed devices would otherwise make duplicate series.
 */
export function deviceLabel(d: BlockDeviceCounters): string {
  return d.device !== undefined ? `/dev/${d.device}` : `${d.major}:${d.minor}`;
}

function perDevice(pick: (d: BlockDeviceCounters) => number | undefined) {
  return (s: Snapshot): readonly Series[] => {
    const series: Series[] = [];
    for (const d of s.sample.blockIo) {
      const value = pick(d);
      if (value !== undefined) series.push({ labels: [deviceLabel(d)], value });
    }
    return series;
  };
}

/** Operations as the v1 blkio file names them; Total = Read + Write + Discard, as the kernel sums it. */
function deviceUsageSeries(s: Snapshot): readonly Series[] {
  const series: Series[] = [];
  for (const d of s.sample.blockIo) {
    const device = deviceLabel(d);
    const major = String(d.major);
    const minor = String(d.minor);
    const push = (operation: string, value: number | undefined) => {
      if (value !== undefined) series.push({ labels: [device, major, minor, operation], value });
    };
    push('Read', d.readBytes);
    push('Write', d.writeBytes);
    push('Discard', d.discardBytes);
    if (d.readBytes !== undefined && d.writeBytes !== undefined) push('Total', d.readBytes + d.writeBytes + (d.discardBytes ?? 0));
  }
  return series;
}

const fs = (name: string, help: string, v1: string, v2: string, pick: (d: BlockDeviceCounters) => number | undefined, compat: 'cadvisor' | 'cgmeter' = 'cadvisor') =>
  labelled({ name, help, type: 'counter', unit: name.includes('_bytes') ? 'bytes' : '', group: 'blkio', compat, labels: ['device'], source: { v1, v2 } }, perDevice(pick));

export const BLKIO_METRICS: readonly ContainerMetric[] = [
  fs('container_fs_reads_bytes_total', 'Cumulative count of bytes read',
    'blkio.throttle.io_service_bytes_recursive Read', 'io.stat rbytes', (d) => d.readBytes),
  fs('container_fs_writes_bytes_total', 'Cumulative count of bytes written',
    'blkio.throttle.io_service_bytes_recursive Write', 'io.stat wbytes', (d) => d.writeBytes),
  fs('container_fs_reads_total', 'Cumulative count of reads completed',
    'blkio.throttle.io_serviced_recursive Read', 'io.stat rios', (d) => d.readOps),
  fs('container_fs_writes_total', 'Cumulative count of writes completed',
    'blkio.throttle.io_serviced_recursive Write', 'io.stat wios', (d) => d.writeOps),
  labelled({
    name: 'container_blkio_device_usage_total', help: 'Blkio Device bytes usage',
    type: 'counter', unit: '', group: 'blkio', compat: 'cadvisor', labels: ['device', 'major', 'minor', 'operation'],
    source: { v1: 'blkio.throttle.io_service_bytes_recursive Read/Write/Discard', v2: 'io.stat rbytes/wbytes/dbytes' },
  }, deviceUsageSeries),
  fs('cgmeter_fs_discards_total', 'Cumulative count of discard operations completed.',
    'blkio.throttle.io_serviced_recursive Discard', 'io.stat dios', (d) => d.discardOps, 'cgmeter'),
];

/** Interfaces cAdvisor leaves out: loopback and the host ends of container links. */
const IGNORED_INTERFACE_PREFIXES = ['lo', 'veth', 'docker', 'nerdctl'];

function counted(name: string): boolean {
  for (const prefix of IGNORED_INTERFACE_PREFIXES) if (name.startsWith(prefix)) return false;
  return true;
}

function perInterface(pick: (i: NetworkInterfaceCounters) => number) {
  return (s: Snapshot): readonly Series[] => {
    const network = s.sample.network;
    if (!network) return [];
    const series: Series[] = [];
    for (const i of network.interfaces) if (counted(i.name)) series.push({ labels: [i.name], value: pick(i) });
    return series;
  };
}

const net = (name: string, help: string, field: string, pick: (i: NetworkInterfaceCounters) => number) =>
  labelled({
    name, help, type: 'counter', unit: name.includes('_bytes') ? 'bytes' : '', group: 'network', compat: 'cadvisor', labels: ['interface'],
    source: { v1: `/proc/<pid>/net/dev ${field}`, v2: `/proc/<pid>/net/dev ${field}` },
  }, perInterface(pick));

export const NETWORK_METRICS: readonly ContainerMetric[] = [
  net('container_network_receive_bytes_total', 'Cumulative count of bytes received', 'rx bytes', (i) => i.rxBytes),
  net('container_network_receive_packets_total', 'Cumulative count of packets received', 'rx packets', (i) => i.rxPackets),
  net('container_network_receive_packets_dropped_total', 'Cumulative count of packets dropped while receiving', 'rx drop', (i) => i.rxDropped),
  net('container_network_receive_errors_total', 'Cumulative count of errors encountered while receiving', 'rx errs', (i) => i.rxErrors),
  net('container_network_transmit_bytes_total', 'Cumulative count of bytes transmitted', 'tx bytes', (i) => i.txBytes),
  net('container_network_transmit_packets_total', 'Cumulative count of packets transmitted', 'tx packets', (i) => i.txPackets),
  net('container_network_transmit_packets_dropped_total', 'Cumulative count of packets dropped while transmitting', 'tx drop', (i) => i.txDropped),
  net('container_network_transmit_errors_total', 'Cumulative count of errors encountered while transmitting', 'tx errs', (i) => i.txErrors),
];
