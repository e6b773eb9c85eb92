// Where the dashboard's frames come from: the local collector, a remote `cgmeter serve`, or the
// ledger's recorded Samples. The app sees only this interface.

import type { Snapshot } from '../../collector/model/derive.js';
import type { LimitActions } from '../actions/limit-actions.js';
import type { HostStats } from './host-stats.js';

export interface Frame {
  readonly snapshots: readonly Snapshot[];
  readonly host?: HostStats;
  /** Wall time of the frame, ms since the epoch. */
  readonly timeMs: number;
}

export interface FrameListener {
  /**
   * New frames, oldest first. `reset` says the history before them no longer applies (a replay
   * jump): the receiver clears its charts and records these frames instead.
   */
  frames(frames: readonly Frame[], reset: boolean): void;
  /** Getting a frame failed; the message is for the user (the last frame stays on screen). */
  error(message: string): void;
}

export interface DashboardSource {
  readonly kind: 'local' | 'remote' | 'replay';
  readonly label: string;
  /** What `e`/`f`/`u` do with this source (refusals for remote and replay). */
  readonly actions: LimitActions;
  start(listener: FrameListener): void;
  stop(): void;
  /** The sampling / polling / playback interval. */
  setIntervalMs(ms: number): void;
  /** Paused sources deliver no frames (replay: stops playback). */
  setPaused(paused: boolean): void;
  /** Replay only: move by whole sample rounds (negative = back). */
  step?(rounds: number): void;
  /** Replay only: jump to a time (`-5m`, `+1h`, `14:03`, ISO); throws a UsageError-like message on bad input. */
  jump?(spec: string): void;
}
