// LogThrottle: each kind of failure is said once, then at most once a minute with a count, and
// kinds that interleave (a sink outage and a full spool disk) do not make each other news again.
// The clock is injected: minutes of real waiting would add nothing the kernel or a server proves.

import { describe, expect, it } from 'vitest';
import { LogThrottle } from '../../../exporters/influx/log-throttle.js';

function harness() {
  const lines: string[] = [];
  let nowMs = 0;
  const log = { info: (m: string) => lines.push(`info ${m}`), warn: (m: string) => lines.push(`warn ${m}`), error: (m: string) => lines.push(`error ${m}`) };
  const throttle = new LogThrottle(log, () => nowMs);
  return { lines, throttle, advance: (ms: number) => { nowMs += ms; } };
}

describe('LogThrottle', () => {
  it('says two interleaving kinds once each, then each again after a minute with its repeat count', () => {
    const { lines, throttle, advance } = harness();
    for (let i = 0; i < 10; i++) {
      throttle.note('warn', 'server:503', () => 'sink 503');
      throttle.note('error', 'spool-error', () => 'ENOSPC');
      advance(5_000);
    }
    expect(lines).toEqual(['warn sink 503', 'error ENOSPC']);
    advance(15_000); // 65 s after the first report
    throttle.note('warn', 'server:503', () => 'sink 503');
    throttle.note('error', 'spool-error', () => 'ENOSPC');
    expect(lines.slice(2)).toEqual(['warn sink 503 (9 more like this since the last report)', 'error ENOSPC (9 more like this since the last report)']);
  });

  it('reset(key) ends one episode only; reset() ends them all', () => {
    const { lines, throttle } = harness();
    throttle.note('warn', 'a', () => 'A');
    throttle.note('warn', 'b', () => 'B');
    expect(throttle.active('a')).toBe(true);
    throttle.reset('a');
    expect(throttle.active('a')).toBe(false);
    throttle.note('warn', 'a', () => 'A');
    throttle.note('warn', 'b', () => 'B');
    expect(lines).toEqual(['warn A', 'warn B', 'warn A']);
    throttle.reset();
    throttle.note('warn', 'b', () => 'B');
    expect(lines).toEqual(['warn A', 'warn B', 'warn A', 'warn B']);
  });
});
