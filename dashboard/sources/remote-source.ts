// `--remote URL`: polls a `cgmeter serve` for `GET URL/api/v1/containers?all=1` (Snapshots as JSON,
// unlimited values written "max"). One request at a time; a failed poll keeps the last frame on
// screen and says why in the footer.

import type { Snapshot } from '../../collector/model/derive.js';
import { unavailableLimitActions, type LimitActions } from '../actions/limit-actions.js';
import type { HostStats } from './host-stats.js';
import type { DashboardSource, Frame, FrameListener } from './source.js';

/** Keys whose string values are names, never the "max" of a limit. */
const TEXT_KEYS = new Set(['identity', 'path', 'networkNote', 'cpusetCpus', 'name', 'device']);

/** "max" → Infinity wherever a number is meant (the API's way to write unlimited in JSON). */
export function reviveMax(value: unknown, key = ''): unknown {
  if (TEXT_KEYS.has(key)) return value;
  if (value === 'max') return Infinity;
  if (Array.isArray(value)) return value.map((v) => reviveMax(v));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = reviveMax(v, k);
    return out;
  }
  return value;
}

function isSnapshot(value: unknown): value is Snapshot {
  const s = value as Snapshot | null;
  return s !== null && typeof s === 'object' && typeof s.sample === 'object' && s.sample !== null
    && typeof s.sample.path === 'string' && typeof s.sample.identity === 'object' && typeof s.cpu === 'object'
    && typeof s.memory === 'object' && typeof s.blockIo === 'object' && typeof s.network === 'object';
}

/** The API's body: a list of Snapshots, or an object holding one (`containers`/`snapshots`) and maybe `host`. */
export function parseContainersResponse(body: unknown): { snapshots: Snapshot[]; host?: HostStats } {
  const revived = reviveMax(body);
  let list: unknown = revived;
  let host: HostStats | undefined;
  if (!Array.isArray(revived) && revived !== null && typeof revived === 'object') {
    const o = revived as Record<string, unknown>;
    list = o.containers ?? o.snapshots;
    if (o.host !== null && typeof o.host === 'object') host = o.host as HostStats;
  }
  if (!Array.isArray(list)) throw new Error('the response is not a list of Snapshots (expected an array, or {"containers": [...]})');
  const bad = list.findIndex((s) => !isSnapshot(s));
  if (bad >= 0) throw new Error(`item ${bad} of the response is not a Snapshot (needs sample.path, sample.identity, cpu, memory, blockIo, network)`);
  return { snapshots: list as Snapshot[], ...(host ? { host } : {}) };
}

export function containersUrl(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new Error(`--remote ${JSON.stringify(base)} is not a URL; give one like http://node1:9917`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--remote must be an http:// or https:// URL, got ${url.protocol}`);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/containers`;
  url.searchParams.set('all', '1');
  return url.toString();
}

export class RemoteSource implements DashboardSource {
  readonly kind = 'remote' as const;
  readonly label: string;
  readonly actions: LimitActions;
  private readonly url: string;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private paused = false;
  private inFlight?: AbortController;

  /** `actions`: the node's limits API (RemoteLimitActions), when a token for it was given. */
  constructor(base: string, private intervalMs: number, actions?: LimitActions, private readonly fetchImpl: typeof fetch = fetch) {
    this.url = containersUrl(base);
    this.label = new URL(this.url).host;
    this.actions = actions ?? unavailableLimitActions('changing limits through --remote needs the node\'s limits API token: --api-token-file');
  }

  start(listener: FrameListener): void {
    const poll = async () => {
      if (this.stopped) return;
      if (!this.paused) {
        const frame = await this.fetchFrame().catch((err: unknown) => {
          listener.error(`${this.label}: ${err instanceof Error ? err.message : String(err)}`);
          return undefined;
        });
        if (frame !== undefined && !this.stopped && !this.paused) listener.frames([frame], false);
      }
      if (!this.stopped) this.timer = setTimeout(() => void poll(), this.intervalMs);
    };
    void poll();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.inFlight?.abort();
  }

  setIntervalMs(ms: number): void {
    this.intervalMs = ms;
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
  }

  private async fetchFrame(): Promise<Frame> {
    this.inFlight = new AbortController();
    // A hung server must not stall the dashboard for longer than a few intervals.
    const timeout = setTimeout(() => this.inFlight?.abort(), Math.max(2000, this.intervalMs * 2));
    try {
      const response = await this.fetchImpl(this.url, { signal: this.inFlight.signal, headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status} from ${this.url}`);
      const { snapshots, host } = parseContainersResponse(await response.json());
      const timeMs = snapshots.reduce((t, s) => Math.max(t, s.sample.timestampMs ?? 0), 0) || Date.now();
      return { snapshots, timeMs, ...(host ? { host } : {}) };
    } finally {
      clearTimeout(timeout);
    }
  }
}
