// `--replay --from TIME`: walks recorded rounds of Samples like below's replay — stopped at the
// start position, `[`/`]` one round, `{`/`}` ten, `J` a jump, `p` plays at the interval. Each
// position rebuilds Snapshots with derive() from the round and the one before it, and a jump
// refills the charts with the rounds leading up to it.

import { derive, type Snapshot } from '../../collector/model/derive.js';
import type { CgroupSample } from '../../collector/model/sample.js';
import { unavailableLimitActions } from '../actions/limit-actions.js';
import { DEFAULT_HISTORY_POINTS } from '../model/history.js';
import type { SnapshotHistorySource } from './history-source.js';
import type { DashboardSource, Frame, FrameListener } from './source.js';
import { parseTimeSpec } from './time-parse.js';

export class ReplaySource implements DashboardSource {
  readonly kind = 'replay' as const;
  readonly label = 'replay';
  readonly actions = unavailableLimitActions('a replay shows the past; actions work on the live (local) source');
  private listener?: FrameListener;
  private cursorMs?: number;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly history: SnapshotHistorySource,
    private readonly fromMs: number,
    private intervalMs: number,
    private readonly windowRounds = DEFAULT_HISTORY_POINTS,
  ) {}

  /** The round on screen, ms since the epoch. */
  get positionMs(): number | undefined {
    return this.cursorMs;
  }

  start(listener: FrameListener): void {
    this.listener = listener;
    if (this.history.bounds() === undefined) {
      listener.error('nothing is recorded in the ledger yet');
      return;
    }
    this.seek(this.fromMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.history.close?.();
  }

  setIntervalMs(ms: number): void {
    this.intervalMs = ms;
    if (this.timer !== undefined) this.setPaused(false);
  }

  setPaused(paused: boolean): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (!paused) {
      this.timer = setInterval(() => {
        if (!this.step(1)) this.setPaused(true);
      }, this.intervalMs);
      this.timer.unref();
    }
  }

  /** Moves by whole rounds; false (and a message) at either end of the recording. */
  step(rounds: number): boolean {
    if (this.cursorMs === undefined || rounds === 0) return false;
    if (rounds > 0) {
      const times = this.history.roundsAfter(this.cursorMs, rounds);
      if (times.length === 0) {
        this.listener?.error('end of the recording');
        return false;
      }
      let previous = this.history.samplesAt(this.cursorMs);
      const frames: Frame[] = [];
      for (const t of times) {
        const samples = this.history.samplesAt(t);
        frames.push(frameOf(t, samples, previous));
        previous = samples;
      }
      this.cursorMs = times[times.length - 1]!;
      this.listener?.frames(frames, false);
      return true;
    }
    const before = this.history.roundsAtOrBefore(this.cursorMs - 1, -rounds);
    if (before.length === 0) {
      this.listener?.error('start of the recording');
      return false;
    }
    this.seek(before[0]!);
    return true;
  }

  jump(spec: string): void {
    this.seek(parseTimeSpec(spec, this.cursorMs ?? Date.now()));
  }

  /** Puts the round at or just before `timeMs` on screen (the first round when earlier than all). */
  private seek(timeMs: number): void {
    let times = this.history.roundsAtOrBefore(timeMs, this.windowRounds + 1);
    if (times.length === 0) times = this.history.roundsAfter(timeMs, 1);
    if (times.length === 0) return;
    const frames: Frame[] = [];
    let previous: CgroupSample[] = [];
    for (const t of times) {
      const samples = this.history.samplesAt(t);
      frames.push(frameOf(t, samples, previous));
      previous = samples;
    }
    this.cursorMs = times[times.length - 1]!;
    // The oldest round only served as the "previous" of the next one.
    this.listener?.frames(frames.length > 1 ? frames.slice(1) : frames, true);
  }
}

function frameOf(timeMs: number, samples: readonly CgroupSample[], previous: readonly CgroupSample[]): Frame {
  const byPath = new Map(previous.map((s) => [s.path, s]));
  const snapshots: Snapshot[] = samples.map((s) => derive(s, byPath.get(s.path)));
  return { snapshots, timeMs };
}
