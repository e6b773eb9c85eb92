// The Influx writer: batches lines, sends one batch at a time, and when the sink fails moves
// everything through the spool so that points reach the sink in order, once, whatever happens.
//
// direct:   lines wait in memory (`pending`) and go out in batches of ≤ batchSize every
//           flushInterval. The spool is empty. A kill -9 here loses what is in memory (up to one
//           flush interval): the price of not writing every point to disk while all is well.
// spooling: entered on the first failed send (or when memory backs up behind a slow send). The
//           failed batch, then `pending`, then every new tick is appended to the spool at once
//           (safe from kill -9), and the spool is replayed from its head with backoff. When
//           the spool is empty again, back to direct.
// Retriable failures (network, timeout, 429, 5xx) and parked ones (401/403/404) keep the batch;
// rejected batches (400, 413, other 4xx) are dropped and counted, since resending cannot help.

import { retryDelayMs, type BackoffOptions } from './backoff.js';
import { LogThrottle, type InfluxLog } from './log-throttle.js';
import { newInfluxMetrics, type InfluxWriterMetrics, type MetricsSource } from './metrics.js';
import { SinkError, type LineSink } from './sink.js';
import type { Spool, SpoolRead } from './spool.js';

export interface WriterOptions extends BackoffOptions {
  readonly batchSize: number;
  readonly flushIntervalMs: number;
  /** Pause between tries while the sink refuses for configuration reasons (401/403/404). */
  readonly parkedRetryDelayMs: number;
  /** How long close() may spend handing memory to the sink before it spools the rest. */
  readonly closeTimeoutMs: number;
}

/** Batches that may wait in memory behind a slow send before the writer turns to the spool. */
const MAX_PENDING_BATCHES = 4;

interface Inflight {
  readonly lines: readonly string[];
  /** Set when the batch is (also) the spool's head: committed on success. */
  read?: SpoolRead;
  /** The batch came from the spool after a failure (counted as replayed). */
  readonly replay: boolean;
  done?: Promise<void>;
}

export class InfluxWriter implements MetricsSource {
  private readonly counters = newInfluxMetrics();
  private readonly notes: LogThrottle;
  private pending: string[] = [];
  private drainWanted = false;
  private inflight?: Inflight;
  private flushTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private failures = 0;
  /** Points dropped since the spool last accepted an append (for the line that ends a spool-error episode). */
  private spoolErrorDropped = 0;
  private lastSendOk = true;
  private closing = false;
  private stopped = false;

  constructor(private readonly sink: LineSink, readonly spool: Spool, private readonly options: WriterOptions, private readonly log: InfluxLog) {
    this.notes = new LogThrottle(log);
  }

  get metrics(): InfluxWriterMetrics {
    if (!this.stopped) this.refreshSpoolFigures();
    return this.counters;
  }

  private refreshSpoolFigures(): void {
    this.counters.spoolBytes = this.spool.bytes;
    this.counters.spoolPoints = this.spool.points;
  }

  /** For the spool's drop listener (its bound and torn records). */
  countDropped(points: number, reason: keyof InfluxWriterMetrics['pointsDropped']): void {
    this.counters.pointsDropped[reason] += points;
  }

  start(): void {
    if (!this.spool.isEmpty()) {
      this.log.info(`influx: ${this.spool.points} points are waiting in the ${this.spool.kind} spool from an earlier run; replaying them to ${this.sink.description} first`);
      this.counters.state = 'spooling';
      this.pump();
    }
    this.flushTimer = setInterval(() => {
      this.drainWanted = true;
      this.flush();
    }, this.options.flushIntervalMs);
    this.flushTimer.unref(); // the writer must not keep a process alive that is shutting down
  }

  /** Takes one tick's lines. Synchronous and cheap: sampling never waits for the sink. */
  write(lines: readonly string[]): void {
    if (this.closing || lines.length === 0) return;
    if (this.counters.state === 'spooling') {
      this.toSpool(lines);
      this.pump();
      return;
    }
    for (const line of lines) this.pending.push(line);
    if (this.pending.length >= this.options.batchSize) this.flush();
  }

  /** direct: sends the next batch, or waits behind the one in flight, or spills when memory backs up. */
  private flush(): void {
    if (this.counters.state !== 'direct' || this.pending.length === 0 || this.closing) return;
    if (this.inflight) {
      if (this.pending.length > MAX_PENDING_BATCHES * this.options.batchSize) this.spill();
      return;
    }
    if (this.pending.length < this.options.batchSize && !this.drainWanted) return;
    this.send(this.pending.splice(0, this.options.batchSize), false);
    if (this.pending.length === 0) this.drainWanted = false;
  }

  /** A send is slow and memory backs up: the batch in flight becomes the spool's head, the rest follows. */
  private spill(): void {
    const inflight = this.inflight!;
    this.counters.state = 'spooling';
    this.toSpool(inflight.lines);
    const read = this.spool.peek(inflight.lines.length);
    if (read && read.points === inflight.lines.length) inflight.read = read;
    else if (read) this.spool.release(read); // the bound dropped it at once; the outcome decides
    this.toSpool(this.pending);
    this.pending = [];
  }

  private toSpool(lines: readonly string[]): void {
    for (let i = 0; i < lines.length; i += this.options.batchSize) {
      const chunk = lines.slice(i, i + this.options.batchSize);
      try {
        this.spool.append(chunk);
        this.counters.pointsSpooled += chunk.length;
        if (this.notes.active('spool-error')) {
          // The episode that was logged once is over (space freed, permissions fixed): say so, so that
          // the next failure is reported again and the reader knows how much was lost in between.
          this.log.info(`influx spool: appends work again; ${this.spoolErrorDropped} points were dropped while they failed`);
          this.notes.reset('spool-error');
          this.spoolErrorDropped = 0;
        }
      } catch (err) {
        this.counters.pointsDropped.spool_error += chunk.length;
        this.spoolErrorDropped += chunk.length;
        this.notes.note('error', 'spool-error', () => `influx spool: cannot append (${(err as Error).message}); ` +
          `points are dropped (counted in cgmeter_influx_points_dropped_total{reason="spool_error"}) until the spool directory (--spool-dir) can be written again; said again at most once a minute`);
      }
    }
  }

  /** spooling: sends the spool's head unless a send or a retry is already under way. */
  private pump(): void {
    if (this.inflight || this.retryTimer || this.stopped) return;
    let read: SpoolRead | undefined;
    try {
      read = this.spool.peek(this.options.batchSize);
    } catch (err) {
      this.notes.note('error', 'spool-read', () => `${(err as Error).message}; replay paused`);
      this.scheduleRetry(this.options.parkedRetryDelayMs);
      return;
    }
    if (!read) {
      // Only after a send that worked: with a spool that cannot be appended to (disk full) the spool is
      // empty during the outage too, and the next batch is a probe, not a recovery.
      if (this.counters.state === 'spooling' && this.lastSendOk) this.log.info(`influx: spool replayed; writing to ${this.sink.description} directly again`);
      this.counters.state = 'direct';
      return;
    }
    this.send(read.lines, true, read);
  }

  private send(lines: readonly string[], replay: boolean, read?: SpoolRead): void {
    const inflight: Inflight = { lines, replay, read };
    this.inflight = inflight;
    inflight.done = this.sink.write(lines).then(
      () => this.settle(inflight, undefined),
      (err: unknown) => this.settle(inflight, err instanceof SinkError ? err : new SinkError(`${this.sink.description}: ${String(err)}`, 'network')),
    );
  }

  private settle(inflight: Inflight, error: SinkError | undefined): void {
    if (this.inflight === inflight) this.inflight = undefined;
    this.lastSendOk = error === undefined;
    if (error) this.failed(inflight, error);
    else this.succeeded(inflight);
    if (this.closing) return; // close() drives what happens next
    if (this.counters.state === 'spooling') this.pump();
    else this.flush();
  }

  private succeeded(inflight: Inflight): void {
    const n = inflight.lines.length;
    this.counters.pointsWritten += n;
    this.counters.batchesWritten++;
    this.counters.lastSuccessMs = Date.now();
    if (inflight.replay) this.counters.pointsReplayed += n;
    if (this.stopped) return;
    if (inflight.read) this.spool.commit(inflight.read);
    if (this.failures > 0) {
      this.log.info(`influx: ${this.sink.description} accepts writes again after ${this.failures} failed attempts` +
        (this.spool.isEmpty() ? '' : `; replaying ${this.spool.points} points from the ${this.spool.kind} spool`));
      this.failures = 0;
      this.notes.reset();
    }
  }

  private failed(inflight: Inflight, error: SinkError): void {
    const n = inflight.lines.length;
    this.counters.writeErrors[error.kind]++;
    if (error.disposition === 'drop') {
      this.counters.pointsDropped.rejected += n;
      if (inflight.read && !this.stopped) this.spool.commit(inflight.read);
      this.notes.note('error', `drop:${error.statusCode}`, () => `influx: ${error.message} — ${n} points dropped: the server refuses this data as sent, and resending it cannot help`);
      return;
    }
    this.failures++;
    this.counters.pointsRetried += n;
    if (this.stopped) return;
    if (inflight.read) {
      this.countDropped(this.spool.release(inflight.read), 'spool_full');
    } else {
      this.counters.state = 'spooling';
      this.toSpool(inflight.lines); // first: it is older than anything still pending
      this.toSpool(this.pending);
      this.pending = [];
    }
    const parked = error.disposition === 'park';
    const delayMs = parked ? this.options.parkedRetryDelayMs : retryDelayMs(this.failures, this.options, error.retryAfterMs);
    const where = `the ${this.spool.kind} spool (${this.spool.points} points waiting, oldest dropped beyond ${this.spool.maxBytes} bytes)`;
    this.notes.note(parked ? 'error' : 'warn', `${error.kind}:${error.statusCode ?? ''}`, () => parked
      ? `influx: ${error.message} — writes are parked until this is fixed: points wait in ${where}, a write is tried every ${Math.round(delayMs / 1000)} s`
      : `influx: ${error.message} — points go to ${where}; retrying with backoff (next try in ${(delayMs / 1000).toFixed(1)} s)`);
    this.scheduleRetry(delayMs);
  }

  private scheduleRetry(delayMs: number): void {
    if (this.closing) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.pump();
    }, delayMs);
    this.retryTimer.unref();
  }

  /**
   * SIGTERM: hands what is in memory to the sink within closeTimeoutMs, or to the spool when the
   * sink fails or is too slow, then replays the spool while the sink answers and time remains.
   * A batch still in flight at the deadline is spooled too; if the server accepts it after all,
   * it is written twice (the same points: InfluxDB overwrites).
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.flushTimer);
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const deadline = Date.now() + this.options.closeTimeoutMs;
    await this.settled(deadline);
    while (this.counters.state === 'direct' && this.pending.length > 0 && !this.inflight && Date.now() < deadline) {
      this.send(this.pending.splice(0, this.options.batchSize), false);
      await this.settled(deadline);
    }
    // Replay what the spool holds while the sink answers and time remains: a memory spool dies with
    // the process, and a disk spool may wait long for a restart (a node being drained).
    while (!this.spool.isEmpty() && !this.inflight && this.lastSendOk && Date.now() < deadline) {
      this.pump();
      if (!this.inflight) break; // the spool could not be read: nothing to wait for
      await this.settled(deadline);
    }
    const late = this.inflight;
    if (late && !late.read) this.toSpool(late.lines);
    this.toSpool(this.pending);
    this.pending = [];
    if (this.spool.kind === 'memory') this.counters.pointsDropped.shutdown += this.spool.points;
    this.refreshSpoolFigures(); // the last figures, before the spool is closed
    this.stopped = true;
    this.spool.close();
    await this.sink.close();
  }

  private async settled(deadline: number): Promise<void> {
    const done = this.inflight?.done;
    if (!done) return;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => { timer = setTimeout(resolve, Math.max(0, deadline - Date.now())); });
    await Promise.race([done, expired]);
    clearTimeout(timer);
  }
}
