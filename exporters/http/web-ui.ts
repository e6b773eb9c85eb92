// The web UI of `cgmeter serve`: the page built by web/build.mjs into dist/web (served from memory with
// a strict CSP), /api/v1/ui-config (what the page may offer) and /api/v1/events, a server-sent stream of
// the latest Snapshots each tick. Registered inside createHttpApp, so basic auth covers all of it.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Hono } from 'hono';
import type { Snapshot } from '../../collector/model/derive.js';
import type { SnapshotListener, SnapshotSource } from '../../collector/service.js';
import { toJson } from '../../cli/units.js';
import { findSnapshot, isContainerLike } from './containers-api.js';

export interface WebUiDeps {
  readonly source: SnapshotSource;
  /** Where index.html and assets/ are; default: dist/web of the cgmeter package this file belongs to. */
  readonly assetsDir?: string;
  /**
   * What the page may offer. Default: whatever routes the app has when asked, so that serve needs no
   * extra wiring: the limits routes exist only with --enable-limits-api, billing only with a ledger.
   */
  readonly features?: { readonly limitsApi: boolean; readonly billing: boolean };
}

/**
 * The page's policy: everything from this origin, nothing inline (uPlot styles through the CSSOM,
 * which CSP allows), no framing, no plugins, no <base> tricks, forms only to here.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "font-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.map': 'application/json; charset=utf-8', '.json': 'application/json; charset=utf-8',
};

interface Asset { readonly body: Uint8Array<ArrayBuffer>; readonly type: string }

/** dist/web of the package: two levels above exporters/http in the source tree, three in dist/. */
export function defaultAssetsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'cgmeter') return join(dir, 'dist', 'web');
    } catch {
      // not the package root: one level up
    }
  }
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');
}

/** index.html and assets/*, read once; undefined while the page is not built (retried per request). */
function loadAssets(dir: string): Map<string, Asset> | undefined {
  const assets = new Map<string, Asset>();
  try {
    assets.set('index.html', { body: new Uint8Array(readFileSync(join(dir, 'index.html'))), type: CONTENT_TYPES['.html']! });
    for (const name of readdirSync(join(dir, 'assets'))) {
      const type = CONTENT_TYPES[extname(name)];
      if (type) assets.set(`assets/${name}`, { body: new Uint8Array(readFileSync(join(dir, 'assets', name))), type });
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return assets;
}

/** The tick feed, however the source offers it: CollectorService pushes; a bare source is polled. */
type Subscribable = SnapshotSource & { onSnapshots(listener: SnapshotListener): void };
const isSubscribable = (s: SnapshotSource): s is Subscribable => typeof (s as Partial<Subscribable>).onSnapshots === 'function';
const POLL_MS = 250;

interface EventClient {
  /** `all`, `containers` or a key as GET /api/v1/containers/:key takes it. */
  readonly view: { readonly kind: 'all' | 'containers' } | { readonly kind: 'one'; readonly key: string };
  send(text: string): void;
}

const encoder = new TextEncoder();

/**
 * A list view's share of serve's CPU: after a serialization that took t ms the next one waits t / share.
 * 20 containers take ~0.1 ms (every tick goes out); 8,000 cgroups take tens of ms, so a page showing all of
 * them gets an event every few seconds instead of costing serve a tenth of a core.
 */
export const LIST_CPU_SHARE = 0.005;

/** What the table and tree columns read (dashboard/model/columns.ts), in the Snapshot's own shape. */
export function tableView(s: Snapshot): unknown {
  const { path, inode, timestampMs, createdMs, identity, memory, pids, pressure } = s.sample;
  const some = (p: typeof pressure.cpu) => (p ? { some: { avg10: p.some.avg10 } } : undefined);
  return {
    sample: {
      path, inode, timestampMs, createdMs, identity, cpu: {}, blockIo: [], pids,
      memory: { usageBytes: memory.usageBytes, limitBytes: memory.limitBytes, workingSetBytes: memory.workingSetBytes },
      pressure: { cpu: some(pressure.cpu), memory: some(pressure.memory), io: some(pressure.io) },
    },
    cpu: s.cpu, memory: s.memory, blockIo: s.blockIo, network: s.network,
  };
}

interface ListCache { snapshots?: readonly Snapshot[]; text?: string; nextMs: number }

/** Serialized list events, shared by every client of a view and by everyone who connects within a tick. */
export class ListEvents {
  private readonly views = { all: { nextMs: 0 } as ListCache, containers: { nextMs: 0 } as ListCache };

  /** The event for `snapshots`, or undefined when this view's CPU share says to skip this tick. */
  text(kind: 'all' | 'containers', snapshots: readonly Snapshot[], force = false): string | undefined {
    const cache = this.views[kind];
    if (cache.snapshots === snapshots && cache.text !== undefined) return cache.text;
    const started = performance.now();
    if (!force && started < cache.nextMs) return undefined;
    const list = kind === 'all' ? snapshots : snapshots.filter(isContainerLike);
    cache.text = `event: snapshots\ndata: ${toJson(list.map(tableView), 0)}\n\n`;
    cache.snapshots = snapshots;
    const took = performance.now() - started;
    cache.nextMs = started + took / LIST_CPU_SHARE;
    return cache.text;
  }
}

function eventsFor(client: EventClient, snapshots: readonly Snapshot[], lists: ListEvents, force = false): string | undefined {
  const view = client.view;
  if (view.kind !== 'one') return lists.text(view.kind, snapshots, force);
  const found = findSnapshot(snapshots, view.key);
  // A container that went away is news to the page (it says so), not a broken stream.
  return 'found' in found ? `event: snapshot\ndata: ${toJson(found.found, 0)}\n\n` : `event: gone\ndata: ${toJson({ error: found.error }, 0)}\n\n`;
}

function eventStream(source: SnapshotSource): (c: Context) => Response {
  const clients = new Set<EventClient>();
  let subscribed = false;
  let poller: NodeJS.Timeout | undefined;
  let lastSeen: readonly Snapshot[] | undefined;
  const lists = new ListEvents();
  const broadcast = (snapshots: readonly Snapshot[]) => {
    for (const client of clients) {
      const text = eventsFor(client, snapshots, lists);
      if (text !== undefined) client.send(text);
    }
  };
  const follow = () => {
    if (isSubscribable(source)) {
      // CollectorService has no way to unsubscribe: one listener for the app's lifetime, idle when nobody listens.
      if (!subscribed) source.onSnapshots((snapshots) => { if (clients.size > 0) broadcast(snapshots); });
      subscribed = true;
    } else if (poller === undefined) {
      lastSeen = source.latest();
      poller = setInterval(() => {
        const now = source.latest();
        if (now !== lastSeen) broadcast((lastSeen = now));
      }, POLL_MS);
      poller.unref();
    }
  };
  const unfollow = () => {
    if (clients.size === 0 && poller !== undefined) {
      clearInterval(poller);
      poller = undefined;
    }
  };

  return (c) => {
    const key = c.req.query('key');
    const all = c.req.query('all');
    const view: EventClient['view'] = key !== undefined && key !== '' ? { kind: 'one', key }
      : all !== undefined && all !== '0' && all !== 'false' ? { kind: 'all' } : { kind: 'containers' };
    let client: EventClient | undefined;
    const close = () => {
      if (client && clients.delete(client)) unfollow();
    };
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        client = {
          view,
          send(text) {
            try {
              controller.enqueue(encoder.encode(text));
            } catch {
              close(); // the stream is already closed: the peer left between ticks
            }
          },
        };
        // Reconnect quickly after a restart of serve; the current state at once, not one tick later.
        client.send('retry: 2000\n\n');
        client.send(eventsFor(client, source.latest(), lists, true)!);
        clients.add(client);
        follow();
      },
      cancel: close,
    });
    c.req.raw.signal.addEventListener('abort', close, { once: true });
    return new Response(body, {
      headers: {
        'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store',
        'x-content-type-options': 'nosniff', 'x-accel-buffering': 'no', // nginx would hold the events back
      },
    });
  };
}

function hasRoute(app: Hono, method: string, path: string): boolean {
  return app.routes.some((r) => r.method === method && r.path === path);
}

export function registerWebUi(app: Hono, deps: WebUiDeps): void {
  const dir = deps.assetsDir ?? defaultAssetsDir();
  let assets: Map<string, Asset> | undefined;
  const asset = (name: string) => (assets ??= loadAssets(dir))?.get(name);

  app.get('/', (c) => {
    const page = asset('index.html');
    if (!page) return c.text(`cgmeter: the web UI is not built (no ${join(dir, 'index.html')}); run \`npm run build\`\n`, 503);
    // no-cache: the page names the current hashed assets, so it must be revalidated after an upgrade.
    return c.body(page.body, 200, { ...SECURITY_HEADERS, 'content-type': page.type, 'cache-control': 'no-cache' });
  });

  app.get('/assets/:name', (c) => {
    const found = asset(`assets/${c.req.param('name')}`);
    if (!found) return c.json({ error: `no such asset: ${c.req.param('name')}` }, 404);
    // Names carry a content hash (esbuild's [hash]), so a cached copy can never be stale.
    return c.body(found.body, 200, { ...SECURITY_HEADERS, 'content-type': found.type, 'cache-control': 'public, max-age=31536000, immutable' });
  });

  app.get('/api/v1/ui-config', (c) => {
    const features = deps.features ?? {
      limitsApi: hasRoute(app, 'PUT', '/api/v1/containers/:id/limits'),
      billing: hasRoute(app, 'GET', '/api/v1/billing'),
    };
    return c.json(features, 200, { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  });

  app.get('/api/v1/events', eventStream(deps.source));
}
