// The default source: a CollectorService in this process, plus the host's CPU, memory and load
// read at the same moment for the header.

import type { Collector, CollectorOptions } from '../../collector/poller.js';
import { CollectorService } from '../../collector/service.js';
import type { LimitActions } from '../actions/limit-actions.js';
import { HostStatsReader } from './host-stats.js';
import type { DashboardSource, FrameListener } from './source.js';

export interface LocalSourceOptions {
  readonly collector: CollectorOptions;
  readonly intervalMs: number;
  /** Full re-walks of the tree; inotify on parents finds new containers sooner. */
  readonly discoveryIntervalMs?: number;
  /** The actions, or how to make them from the running collector (whose cgroups are the valid targets). */
  readonly actions: LimitActions | ((collector: Collector) => LimitActions);
  /** Take a second reading soon after the first so rates show at once (off for --once, which wants a full interval). */
  readonly firstRatesEarly?: boolean;
  /** What else runs for this source (the engine metadata cache behind the collector's enricher), stopped with it. */
  readonly companions?: readonly { stop(): void }[];
}

const DEFAULT_DISCOVERY_INTERVAL_MS = 10_000;
/** The first frame has no rates; a second reading this soon fills the table without waiting a whole interval. */
const FIRST_RATES_AFTER_MS = 300;

export class LocalSource implements DashboardSource {
  readonly kind = 'local' as const;
  readonly label = 'local';
  readonly actions: LimitActions;
  private readonly service: CollectorService;
  private readonly host: HostStatsReader;
  private listener?: FrameListener;
  private paused = false;
  private earlyTick?: NodeJS.Timeout;
  private readonly firstRatesEarly: boolean;
  private readonly companions: readonly { stop(): void }[];

  constructor(options: LocalSourceOptions) {
    this.firstRatesEarly = options.firstRatesEarly ?? true;
    this.companions = options.companions ?? [];
    this.service = new CollectorService(
      { collector: options.collector, intervalMs: options.intervalMs, discoveryIntervalMs: options.discoveryIntervalMs ?? DEFAULT_DISCOVERY_INTERVAL_MS },
      (err) => this.listener?.error(`collector: ${err instanceof Error ? err.message : String(err)}`),
    );
    this.host = new HostStatsReader(options.collector.hostRoot);
    this.actions = typeof options.actions === 'function' ? options.actions(this.service.collector) : options.actions;
  }

  start(listener: FrameListener): void {
    this.listener = listener;
    this.service.onSnapshots((snapshots) => {
      // While paused the collector keeps its previous Samples current, so rates after resuming
      // cover one interval, not the whole pause.
      if (this.paused) return;
      listener.frames([{ snapshots, host: this.host.read(), timeMs: Date.now() }], false);
    });
    this.service.start();
    if (this.firstRatesEarly && this.service.interval > FIRST_RATES_AFTER_MS * 2) {
      this.earlyTick = setTimeout(() => this.service.tick(), FIRST_RATES_AFTER_MS);
      this.earlyTick.unref();
    }
  }

  stop(): void {
    clearTimeout(this.earlyTick);
    this.service.stop();
    for (const c of this.companions) c.stop();
  }

  setIntervalMs(ms: number): void {
    this.service.setInterval(ms);
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
  }
}
