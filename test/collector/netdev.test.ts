import { describe, expect, it } from 'vitest';
import { parseNetDev } from '../../collector/namespaces/netdev.js';

const REAL = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    3193      29    0    0    0     0          0         0     3193      29    0    0    0     0       0          0
  eth0: 123456789  1000    2    3    0     0          0         0   987654    900    4    5    0     0       0          0
`;

describe('parseNetDev', () => {
  it('reads every interface of a real /proc/net/dev', () => {
    expect(parseNetDev(REAL)).toEqual([
      { name: 'lo', rxBytes: 3193, rxPackets: 29, rxErrors: 0, rxDropped: 0, txBytes: 3193, txPackets: 29, txErrors: 0, txDropped: 0 },
      { name: 'eth0', rxBytes: 123456789, rxPackets: 1000, rxErrors: 2, rxDropped: 3, txBytes: 987654, txPackets: 900, txErrors: 4, txDropped: 5 },
    ]);
  });

  it('skips truncated and malformed lines instead of failing', () => {
    const text = `${REAL.split('\n').slice(0, 3).join('\n')}\n  eth1: 1 2 3\n  bad0: a b c d e f g h i j k l m n o p\n: 1 2\n  eth2: 1 2 3 4 5 6 7 8 9 10 11 12`;
    expect(parseNetDev(text).map((i) => i.name)).toEqual(['lo', 'eth2']);
    expect(parseNetDev('')).toEqual([]);
  });
});
