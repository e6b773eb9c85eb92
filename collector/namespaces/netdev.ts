// Network counters of a net namespace, from /proc/<pid>/net/dev of one process inside it.

import type { NetworkInterfaceCounters } from '../model/sample.js';

/**
 * Parses /proc/net/dev. Two header lines, then `name: rx_bytes rx_packets rx_errs rx_drop
 * fifo frame compressed multicast tx_bytes tx_packets tx_errs tx_drop …`. Malformed lines are
 * skipped; the loopback device is kept (callers decide what to export).
 */
export function parseNetDev(text: string): NetworkInterfaceCounters[] {
  const interfaces: NetworkInterfaceCounters[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    if (name === '' || name.includes('|')) continue;
    const fields = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (fields.length < 12 || fields.slice(0, 12).some((n) => !Number.isFinite(n))) continue;
    interfaces.push({
      name,
      rxBytes: fields[0]!,
      rxPackets: fields[1]!,
      rxErrors: fields[2]!,
      rxDropped: fields[3]!,
      txBytes: fields[8]!,
      txPackets: fields[9]!,
      txErrors: fields[10]!,
      txDropped: fields[11]!,
    });
  }
  return interfaces;
}
