// The writer's state machine against a scripted sink: batching, the move to the spool on failure
// and back, replay in order and exactly once, what is retried, parked and dropped, Retry-After,
// spilling behind a slow request, and close() with the sink up, down and hung.

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxWriter, type WriterOptions } from '../../../exporters/influx/writer.js';
import { MemorySpool } from '../../../exporters/influx/memory-spool.js';
import { DiskSpool } from '../../../exporters/influx/disk-spool.js';
import { SinkError, type LineSink } from '../../../exporters/influx/sink.js';
import type { Spool } from '../../../exporters/influx/spool.js';
import { waitFor } from '../../helpers/wait-for.js';
import { recordingLog } from './helpers/harness.js';

type Outcome = 'ok' | 'hang' | SinkError;

/** A sink whose answers the test sets: accepted lines are kept in order, with the time of each try. */
class ScriptedSink implements LineSink {
  readonly description = 'scripted sink';
  accepted: string[] = [];
  attempts: Array<{ atMs: number; lines: number }> = [];
  next: Outcome = 'ok';
  private hung: Array<() => void> = [];

  async write(lines: readonly string[]): Promise<void> {
    this.attempts.push({ atMs: Date.now(), lines: lines.length });
    const outcome = this.next;
    if (outcome === 'hang') return new Promise((resolve) => this.hung.push(() => { this.accepted.push(...lines); resolve(); }));
    if (outcome instanceof SinkError) throw outcome;
    this.accepted.push(...lines);
  }

  /** Lets hung requests finish successfully. */
  answerHung(): void {
    for (const answer of this.hung.splice(0)) answer();
  }

  async close(): Promise<void> {}
}

const OPTIONS: WriterOptions = {
  batchSize: 10, flushIntervalMs: 50, minRetryDelayMs: 20, maxRetryDelayMs: 100, parkedRetryDelayMs: 150, closeTimeoutMs: 500,
};
const refused = () => new SinkError('scripted sink: connect ECONNREFUSED', 'network');
const lines = (from: number, count: number) => Array.from({ length: count }, (_, i) => `m v=${from + i} ${from + i}`);

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(kind: 'memory' | 'disk' = 'memory', options: Partial<WriterOptions> = {}, maxBytes = 1 << 20) {
  const sink = new ScriptedSink();
  const log = recordingLog();
  let writer: InfluxWriter | undefined;
  const onDrop = (points: number, reason: 'spool_full' | 'corrupt') => writer!.countDropped(points, reason);
  let spool: Spool;
  if (kind === 'disk') {
    const dir = mkdtempSync(join(tmpdir(), 'cgmeter-writer-'));
    dirs.push(dir);
    spool = new DiskSpool({ dir, maxBytes }, onDrop, log.warn);
  } else {
    spool = new MemorySpool(maxBytes, onDrop);
  }
  writer = new InfluxWriter(sink, spool, { ...OPTIONS, ...options }, log);
  writer.start();
  return { sink, log, writer, spool };
}

describe.each(['memory', 'disk'] as const)('InfluxWriter with a %s spool', (kind) => {
  it('sends batches of at most batchSize, full ones at once and the rest at the flush interval', async () => {
    const { sink, writer } = setup(kind);
    writer.write(lines(0, 25));
    await waitFor(() => sink.accepted.length === 25, { what: '25 lines' });
    expect(sink.attempts.map((a) => a.lines)).toEqual([10, 10, 5]);
    expect(writer.metrics).toMatchObject({ pointsWritten: 25, batchesWritten: 3, pointsSpooled: 0, state: 'direct' });
    await writer.close();
  });

  it('spools while the sink is down and replays everything in order, once, when it is back', async () => {
    const { sink, writer, log } = setup(kind);
    writer.write(lines(0, 5));
    await waitFor(() => sink.accepted.length === 5);
    sink.next = refused();
    for (let t = 1; t <= 10; t++) {
      writer.write(lines(t * 100, 7));
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(writer.metrics.state).toBe('spooling');
    expect(writer.metrics.spoolPoints).toBe(70);
    sink.next = 'ok';
    writer.write(lines(5000, 3));
    await waitFor(() => writer.metrics.state === 'direct' && sink.accepted.length === 78, { timeoutMs: 3000, what: 'replay' });
    const expected = [...lines(0, 5), ...Array.from({ length: 10 }, (_, k) => lines((k + 1) * 100, 7)).flat(), ...lines(5000, 3)];
    expect(sink.accepted).toEqual(expected);
    expect(writer.metrics).toMatchObject({ pointsWritten: 78, pointsReplayed: 73, pointsSpooled: 73, spoolPoints: 0 });
    expect(writer.metrics.pointsRetried).toBeGreaterThan(0);
    expect(writer.metrics.writeErrors.network).toBeGreaterThan(0);
    expect(log.lines.filter((l) => l.level === 'warn')).toHaveLength(1); // repeats of the same failure are not logged again
    expect(log.text()).toMatch(/ECONNREFUSED — points go to the (memory|disk) spool .* retrying with backoff/);
    expect(log.text()).toMatch(/accepts writes again after \d+ failed attempts/);
    await writer.close();
  });

  it('drops a rejected batch (400), counts and logs it, and carries on with the next', async () => {
    const { sink, writer, log } = setup(kind);
    sink.next = new SinkError('scripted sink answered 400: unable to parse \'m v=\': missing field value', 'rejected', 400);
    writer.write(lines(0, 10));
    await waitFor(() => writer.metrics.pointsDropped.rejected === 10);
    sink.next = 'ok';
    writer.write(lines(10, 10));
    await waitFor(() => sink.accepted.length === 10);
    expect(sink.accepted).toEqual(lines(10, 10));
    expect(sink.attempts).toHaveLength(2); // never retried
    expect(log.lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      'influx: scripted sink answered 400: unable to parse \'m v=\': missing field value — 10 points dropped: the server refuses this data as sent, and resending it cannot help',
    ]);
    await writer.close();
  });

  it('parks points on 401/404 and tries again at the slow pace until the server takes them', async () => {
    const { sink, writer, log } = setup(kind);
    sink.next = new SinkError('scripted sink answered 404: database not found: "x"', 'not-found', 404);
    writer.write(lines(0, 4));
    await waitFor(() => sink.attempts.length >= 3, { timeoutMs: 3000 });
    const gaps = sink.attempts.slice(1).map((a, i) => a.atMs - sink.attempts[i]!.atMs);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(140); // parkedRetryDelayMs, not the fast backoff
    expect(log.lines.filter((l) => l.level === 'error')).toEqual([
      { level: 'error', message: expect.stringMatching(/answered 404: database not found: "x" — writes are parked until this is fixed: points wait in the .* spool/) },
    ]);
    sink.next = 'ok';
    await waitFor(() => sink.accepted.length === 4, { timeoutMs: 3000 });
    expect(writer.metrics.pointsDropped.rejected).toBe(0);
    await writer.close();
  });

  it('waits as long as Retry-After says', async () => {
    const { sink, writer } = setup(kind);
    sink.next = new SinkError('scripted sink answered 429: slow down', 'throttled', 429, 400);
    writer.write(lines(0, 10));
    await waitFor(() => sink.attempts.length === 1);
    sink.next = 'ok';
    await waitFor(() => sink.accepted.length === 10, { timeoutMs: 3000 });
    expect(sink.attempts[1]!.atMs - sink.attempts[0]!.atMs).toBeGreaterThanOrEqual(395);
    await writer.close();
  });

  it('turns to the spool when memory backs up behind a hung request, without losing or doubling a line', async () => {
    const { sink, writer } = setup(kind);
    sink.next = 'hang';
    for (let t = 0; t < 6; t++) writer.write(lines(t * 10, 10)); // 1 in flight + 5 batches waiting > 4
    expect(writer.metrics.state).toBe('spooling');
    sink.next = 'ok';
    sink.answerHung();
    await waitFor(() => sink.accepted.length === 60 && writer.metrics.state === 'direct', { timeoutMs: 3000 });
    expect(sink.accepted).toEqual(lines(0, 60));
    await writer.close();
  });

  it('close(): sends what is in memory when the sink is up', async () => {
    const { sink, writer } = setup(kind, { flushIntervalMs: 60_000 });
    writer.write(lines(0, 3));
    await writer.close();
    expect(sink.accepted).toEqual(lines(0, 3));
  });

  it('close(): keeps to its deadline when the sink hangs, and spools (or counts) what it could not send', async () => {
    const { sink, writer, spool } = setup(kind, { flushIntervalMs: 60_000, closeTimeoutMs: 300 });
    sink.next = 'hang';
    writer.write(lines(0, 3));
    const started = Date.now();
    await writer.close();
    expect(Date.now() - started).toBeLessThan(1000);
    if (kind === 'disk') {
      expect(writer.metrics.spoolPoints).toBe(3);
      expect(spool.isEmpty()).toBe(false);
    } else {
      expect(writer.metrics.pointsDropped.shutdown).toBe(3);
    }
  });
});

it('a disk spool left by a previous run is replayed first, before new points', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cgmeter-writer-'));
  dirs.push(dir);
  const down = new ScriptedSink();
  down.next = refused();
  const firstWriter = new InfluxWriter(down, new DiskSpool({ dir, maxBytes: 1 << 20 }, () => {}, () => {}), OPTIONS, recordingLog());
  firstWriter.start();
  firstWriter.write(lines(0, 10));
  await waitFor(() => firstWriter.metrics.spoolPoints === 10);
  await firstWriter.close();

  const sink = new ScriptedSink();
  const log = recordingLog();
  const writer = new InfluxWriter(sink, new DiskSpool({ dir, maxBytes: 1 << 20 }, () => {}, () => {}), OPTIONS, log);
  writer.start();
  writer.write(lines(10, 5));
  await waitFor(() => sink.accepted.length === 15, { timeoutMs: 3000 });
  expect(sink.accepted).toEqual(lines(0, 15));
  expect(log.text()).toMatch(/10 points are waiting in the disk spool from an earlier run; replaying them/);
  await writer.close();
});
