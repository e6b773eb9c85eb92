// One engine's metadata (Docker, or Podman's compatible API), kept current in the background:
// a full list on connect and every resync interval, an inspect per container, the event stream
// for changes, and an inspect for ids the collector met before the engine told us about them.
// Nothing here is awaited by a sample; while the engine is down the cache keeps its last answers.

import { EngineApiClient, EngineApiError, type EngineApiOptions, type EngineErrorKind } from './engine-api.js';
import { containerFromInspect, containerFromListEntry, type EngineContainer } from './engine-container.js';
import type { EngineName } from './enrich-identity.js';
import { parseEngineEvent } from './engine-event.js';
import { describeEngineDown, type MetadataLog } from './engine-log.js';

export interface EngineSourceOptions {
  readonly engine: EngineName;
  readonly socketPath: string;
  /** True when the user named the socket: then its absence is a warning, else a note. */
  readonly explicit: boolean;
  readonly api: Partial<EngineApiOptions>;
  /** Reconnect delays: doubling from initial to max, with ±20% jitter. */
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
  /** Full list at this period even when events flow (repairs anything an event lost). */
  readonly resyncIntervalMs: number;
  /** An id the engine does not know is not asked about again for this long. */
  readonly notFoundTtlMs: number;
  /** Inspects in flight at most. */
  readonly fetchConcurrency: number;
  /** Environment variable keys kept from inspect (for container_env_* labels); none by default. */
  readonly envKeys: readonly string[];
  readonly log: MetadataLog;
}

export const DEFAULT_ENGINE_SOURCE_OPTIONS: Omit<EngineSourceOptions, 'engine' | 'socketPath' | 'explicit' | 'log'> = {
  api: {},
  backoffInitialMs: 500,
  backoffMaxMs: 30_000,
  resyncIntervalMs: 5 * 60_000,
  notFoundTtlMs: 60_000,
  fetchConcurrency: 4,
  envKeys: [],
};

export interface EngineSourceStats {
  readonly engine: EngineName;
  readonly socketPath: string;
  reachable: boolean;
  containers: number;
  requests: number;
  /** Failed requests and stream connections, by reason. */
  errors: Partial<Record<EngineErrorKind, number>>;
  events: number;
  /** Event stream connections made (1 on a healthy run; more after engine restarts). */
  streamConnects: number;
  lastError?: string;
}

/** Container actions after which an inspect gives new answers (name, limits, restarts, state). */
const REFRESH_ACTIONS = new Set(['create', 'start', 'restart', 'die', 'rename', 'update', 'unpause', 'pause']);
const EVENTS_PATH = `/events?filters=${encodeURIComponent(JSON.stringify({ type: ['container'] }))}`;

export class EngineSource {
  readonly stats: EngineSourceStats;
  private readonly client: EngineApiClient;
  private readonly containers = new Map<string, EngineContainer>();
  private readonly notFoundUntil = new Map<string, number>();
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private active = 0;
  private state: 'starting' | 'up' | 'down' = 'starting';
  private downKind?: EngineErrorKind;
  private stopped = true;
  private stream?: { close(): void };
  private backoffMs: number;
  private reconnectTimer?: NodeJS.Timeout;
  private resyncTimer?: NodeJS.Timeout;
  private firstPass = false;
  private listedOnce = false;
  private readonly settledWaiters: Array<() => void> = [];
  /** Bumped on every change of what get() answers, so callers can keep derived values. */
  generation = 0;

  constructor(private readonly options: EngineSourceOptions) {
    this.client = new EngineApiClient(options.socketPath, options.api);
    this.backoffMs = options.backoffInitialMs;
    this.stats = { engine: options.engine, socketPath: options.socketPath, reachable: false, containers: 0, requests: 0, errors: {}, events: 0, streamConnects: 0 };
  }

  get engine(): EngineName {
    return this.options.engine;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.resyncTimer);
    this.stream?.close();
    this.client.close();
    this.settle();
  }

  /** Resolves once the first list (and its inspects) is in, or the engine proved unreachable, or after timeoutMs. */
  settled(timeoutMs: number): Promise<void> {
    if (this.firstPass || this.state === 'down' || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref();
      this.settledWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  get(id: string): EngineContainer | undefined {
    return this.containers.get(id);
  }

  all(): IterableIterator<EngineContainer> {
    return this.containers.values();
  }

  /** Asks the engine about an id it has not told us of, in the background, unless recently denied. */
  request(id: string): void {
    if (this.state !== 'up' || this.containers.has(id) || this.queued.has(id)) return;
    const until = this.notFoundUntil.get(id);
    if (until !== undefined && until > performance.now()) return;
    this.enqueue(id);
  }

  private connect(): void {
    if (this.stopped) return;
    const stream = this.client.stream(EVENTS_PATH, (value) => this.onEvent(value), () => this.onStreamOpen());
    this.stream = stream;
    void stream.closed.then((reason) => {
      if (this.stream === stream) this.stream = undefined;
      if (this.stopped) return;
      if (reason) this.markDown(reason);
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    const jitter = 0.8 + Math.random() * 0.4; // engines restarted together must not be hit in step
    this.reconnectTimer = setTimeout(() => this.connect(), Math.round(this.backoffMs * jitter));
    this.reconnectTimer.unref();
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.backoffMaxMs);
  }

  private onStreamOpen(): void {
    this.stats.streamConnects++;
    this.backoffMs = this.options.backoffInitialMs;
    if (this.state === 'down') {
      this.options.log('info', `${this.options.engine} at ${this.options.socketPath} answers again; refreshing names`);
    }
    this.state = 'up';
    this.downKind = undefined;
    this.stats.reachable = true;
    // The stream is open before the list is asked for, so no change falls between the two.
    void this.resync();
    clearInterval(this.resyncTimer);
    this.resyncTimer = setInterval(() => void this.resync(), this.options.resyncIntervalMs);
    this.resyncTimer.unref();
  }

  private async resync(): Promise<void> {
    let list: unknown;
    try {
      this.stats.requests++;
      list = await this.client.getJson('/containers/json?all=1');
    } catch (err) {
      this.failed(err);
      return;
    }
    if (!Array.isArray(list)) {
      this.failed(new EngineApiError('parse', `${this.options.socketPath}: /containers/json is not a list`));
      return;
    }
    const present = new Set<string>();
    for (const entry of list) {
      const c = containerFromListEntry(entry);
      if (!c) continue;
      present.add(c.id);
      const known = this.containers.get(c.id);
      // List entries lack limits and start time: show the name now, inspect for the rest.
      if (!known) this.put(c);
      if (!known?.complete) this.enqueue(c.id);
    }
    for (const id of [...this.containers.keys()]) if (!present.has(id)) this.remove(id);
    this.pruneNotFound();
    this.listedOnce = true;
    this.maybeSettle();
  }

  private onEvent(value: unknown): void {
    this.stats.events++;
    const ev = parseEngineEvent(value);
    if (ev === undefined) return;
    if (ev.action === 'destroy' || ev.action === 'remove') {
      this.remove(ev.id);
      return;
    }
    if (!REFRESH_ACTIONS.has(ev.action)) return;
    this.notFoundUntil.delete(ev.id);
    const known = this.containers.get(ev.id);
    // Show a rename at once; the inspect that follows brings everything else.
    if (known && ev.action === 'rename' && ev.name !== undefined) this.put({ ...known, name: ev.name });
    this.enqueue(ev.id);
  }

  private enqueue(id: string): void {
    if (this.queued.has(id)) return;
    this.queued.add(id);
    this.queue.push(id);
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.active < this.options.fetchConcurrency && this.queue.length > 0) {
      const id = this.queue.shift()!;
      this.active++;
      void this.inspect(id).finally(() => {
        this.active--;
        this.queued.delete(id);
        this.pump();
        this.maybeSettle();
      });
    }
  }

  private async inspect(id: string): Promise<void> {
    try {
      this.stats.requests++;
      const c = containerFromInspect(await this.client.getJson(`/containers/${encodeURIComponent(id)}/json`), new Set(this.options.envKeys));
      if (this.stopped) return;
      if (c && c.id === id) this.put(c);
    } catch (err) {
      if (err instanceof EngineApiError && err.kind === 'not-found') {
        this.count(err);
        this.remove(id);
        this.notFoundUntil.set(id, performance.now() + this.options.notFoundTtlMs);
        return;
      }
      this.failed(err);
    }
  }

  private put(c: EngineContainer): void {
    this.containers.set(c.id, c);
    this.stats.containers = this.containers.size;
    this.generation++;
  }

  private remove(id: string): void {
    if (!this.containers.delete(id)) return;
    this.stats.containers = this.containers.size;
    this.generation++;
  }

  private failed(err: unknown): void {
    if (!(err instanceof EngineApiError)) throw err; // anything else is a bug here, not the engine's
    if (err.retriable) {
      this.markDown(err);
      // A request that timed out means the open stream is as dead: reconnecting probes the engine.
      this.stream?.close();
    } else {
      this.count(err);
    }
  }

  private count(err: EngineApiError): void {
    this.stats.errors[err.kind] = (this.stats.errors[err.kind] ?? 0) + 1;
    this.stats.lastError = err.message;
  }

  private markDown(err: EngineApiError): void {
    this.count(err);
    const wasDown = this.state === 'down';
    this.state = 'down';
    this.stats.reachable = false;
    // One line per outage and reason, not one per retry.
    if (!wasDown || this.downKind !== err.kind) this.options.log(...describeEngineDown(err, { ...this.options, cachedContainers: this.containers.size }));
    this.downKind = err.kind;
    this.queue.length = 0;
    this.queued.clear();
    this.settle();
  }

  private maybeSettle(): void {
    if (this.listedOnce && this.state === 'up' && this.active === 0 && this.queue.length === 0) {
      this.firstPass = true;
      this.settle();
    }
  }

  private settle(): void {
    for (const waiter of this.settledWaiters.splice(0)) waiter();
  }

  private pruneNotFound(): void {
    const now = performance.now();
    for (const [id, until] of this.notFoundUntil) if (until <= now) this.notFoundUntil.delete(id);
  }
}
