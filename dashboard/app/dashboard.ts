// The running dashboard: frames from a source go into the history and onto the screen; keys go
// through the pure key handler, and its effects are carried out here (interval, pause, replay
// moves, limit actions). The only place where state changes over time.

import { HistoryStore, DEFAULT_HISTORY_POINTS } from '../model/history.js';
import { handleKey, type KeyContext, type KeyPress } from '../model/keys.js';
import { isContainerLike } from '../model/row.js';
import type { Effect, UiState } from '../model/ui-state.js';
import type { DashboardSource, Frame } from '../sources/source.js';
import { renderScreen } from '../views/screen.js';
import type { ViewModel } from '../views/view-model.js';
import type { Display } from './display.js';

export interface DashboardOptions {
  readonly source: DashboardSource;
  readonly display: Display;
  readonly initialState: UiState;
  readonly historyPoints?: number;
}

export class Dashboard {
  private state: UiState;
  private readonly history: HistoryStore;
  private latest: Frame = { snapshots: [], timeMs: Date.now() };
  private sourceError?: string;
  private rowKeys: string[] = [];
  private pageRows = 1;
  private quitResolve?: () => void;
  private stopped = false;

  constructor(private readonly options: DashboardOptions) {
    this.state = options.initialState;
    this.history = new HistoryStore(options.historyPoints ?? DEFAULT_HISTORY_POINTS);
  }

  /** Runs until the user quits (or stop() is called); the terminal is restored before it resolves. */
  run(): Promise<void> {
    const { display, source } = this.options;
    const done = new Promise<void>((resolve) => { this.quitResolve = resolve; });
    display.onKey((key) => this.key(key));
    display.onResize(() => this.render());
    source.start({
      frames: (frames, reset) => this.frames(frames, reset),
      error: (message) => {
        this.sourceError = message;
        this.render();
      },
    });
    if (this.state.paused) source.setPaused(true);
    this.render();
    return done;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.options.source.stop();
    this.options.display.destroy();
    this.quitResolve?.();
  }

  /** The current UI state (for tests and the bench). */
  get uiState(): UiState {
    return this.state;
  }

  private frames(frames: readonly Frame[], reset: boolean): void {
    if (this.stopped || frames.length === 0) return;
    if (reset) this.history.clear();
    for (const frame of frames) this.history.record(frame.snapshots, frame.timeMs);
    this.latest = frames[frames.length - 1]!;
    this.sourceError = undefined;
    this.render();
  }

  private model(): ViewModel {
    const { source } = this.options;
    return {
      snapshots: this.latest.snapshots,
      host: this.latest.host,
      timeMs: this.latest.timeMs,
      history: this.history,
      source: { kind: source.kind, label: source.label, ...(this.sourceError ? { error: this.sourceError } : {}) },
    };
  }

  private render(): void {
    if (this.stopped) return;
    const rendered = renderScreen(this.model(), this.state, this.options.display.size());
    this.rowKeys = rendered.rowKeys;
    this.pageRows = rendered.pageRows;
    this.options.display.draw(rendered.lines);
  }

  private context(): KeyContext {
    const snapshots = this.latest.snapshots;
    const byPath = new Map(snapshots.map((s) => [s.sample.path, s]));
    return {
      rowKeys: this.rowKeys,
      pageRows: this.pageRows,
      replay: this.options.source.kind === 'replay',
      nameOf: (key) => byPath.get(key)?.sample.identity.name,
      isContainer: (key) => {
        const s = byPath.get(key);
        return s !== undefined && isContainerLike(s);
      },
      hasChildren: (key) => snapshots.some((s) => s.sample.path.startsWith(key === '/' ? '/' : `${key}/`) && s.sample.path !== key),
      ...(this.options.source.actions.unavailableReason !== undefined ? { actionsUnavailable: this.options.source.actions.unavailableReason } : {}),
    };
  }

  private key(key: KeyPress): void {
    if (this.stopped) return;
    const { state, effects } = handleKey(this.state, key, this.context());
    this.state = state;
    for (const effect of effects) this.apply(effect);
    this.render();
  }

  private apply(effect: Effect): void {
    const { source } = this.options;
    switch (effect.kind) {
      case 'quit': return this.stop();
      case 'set-interval': return source.setIntervalMs(effect.intervalMs);
      case 'pause': return source.setPaused(effect.paused);
      case 'step': {
        source.step?.(effect.rounds);
        return;
      }
      case 'jump':
        try {
          source.jump?.(effect.spec);
        } catch (err) {
          this.setStatus({ text: err instanceof Error ? err.message : String(err), level: 'error' });
        }
        return;
      case 'set-limit':
        return this.act(`setting the ${effect.resource} limit of ${effect.target.name} to ${effect.text}…`,
          () => source.actions.setLimit(effect.target, effect.resource, effect.value));
      case 'freeze':
        return this.act(`freezing ${effect.target.name}…`, () => source.actions.freeze(effect.target));
      case 'thaw':
        return this.act(`thawing ${effect.target.name}…`, () => source.actions.thaw(effect.target));
    }
  }

  private act(pending: string, run: () => Promise<{ ok: boolean; message: string }>): void {
    this.setStatus({ text: pending, level: 'info' });
    // The result replaces the pending message whenever it comes; a rejection is a bug in the
    // actions implementation, still shown rather than lost.
    run().then(
      (result) => this.setStatus({ text: result.message, level: result.ok ? 'ok' : 'error' }),
      (err: unknown) => this.setStatus({ text: `failed: ${err instanceof Error ? err.message : String(err)}`, level: 'error' }),
    ).finally(() => this.render());
  }

  private setStatus(status: UiState['status']): void {
    this.state = { ...this.state, status };
  }
}
