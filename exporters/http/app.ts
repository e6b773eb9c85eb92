// The hono app of `cgmeter serve`: /metrics, health and readiness, the JSON API. It only reads
// Snapshots from a SnapshotSource; tests drive it in-process with app.request().

import { promisify } from 'node:util';
import { gzip as gzipCallback, type ZlibOptions } from 'node:zlib';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { SnapshotSource } from '../../collector/service.js';
import type { PrometheusExporter } from '../prometheus/exporter.js';
import { acceptsGzip, CONTENT_TYPES, negotiateFormat } from '../prometheus/format.js';
import { basicAuth } from './basic-auth.js';
import { containersApi } from './containers-api.js';
import { registerWebUi } from './web-ui.js';

const gzip = promisify<Buffer, ZlibOptions, Buffer>(gzipCallback);

/**
 * Level 1: a 1,000-container exposition (~23 MB, very repetitive) compresses to ~3.7 MB in ~70 ms
 * of CPU; the default level 6 saves another 0.7 MB for ~120 ms (bench/scrape-bench.ts).
 */
const GZIP_LEVEL = 1;

export interface HttpDeps {
  readonly source: SnapshotSource;
  readonly exporter: PrometheusExporter;
  /** User → password hash; basic auth on every path when given. */
  readonly basicAuthUsers?: ReadonlyMap<string, string>;
  /** Where unexpected errors are reported (stderr in `serve`). */
  readonly logError?: (message: string) => void;
  /** More routes (e.g. the opt-in limits API), registered behind the same auth and onError. */
  readonly extend?: (app: Hono) => void;
}

export function createHttpApp(deps: HttpDeps): Hono {
  const app = new Hono();
  if (deps.basicAuthUsers && deps.basicAuthUsers.size > 0) app.use('*', basicAuth(deps.basicAuthUsers));

  app.get('/metrics', async (c) => {
    const format = negotiateFormat(c.req.header('accept'));
    // Typed as hono wants bytes (a Buffer is a Uint8Array over an ArrayBuffer here).
    const body = Buffer.concat(await deps.exporter.scrape(format)) as Uint8Array<ArrayBuffer>;
    const headers: Record<string, string> = { 'content-type': CONTENT_TYPES[format], vary: 'Accept, Accept-Encoding' };
    if (acceptsGzip(c.req.header('accept-encoding'))) {
      // zlib's async form runs in libuv's thread pool: /healthz stays answerable meanwhile.
      const compressed = await gzip(body as Buffer, { level: GZIP_LEVEL });
      return c.body(compressed as Uint8Array<ArrayBuffer>, 200, { ...headers, 'content-encoding': 'gzip' });
    }
    return c.body(body, 200, headers);
  });

  // Liveness: the process answers. Readiness: there is something to export.
  app.get('/healthz', (c) => c.text('ok\n'));
  app.get('/readyz', (c) => {
    const health = deps.source.health();
    if (health.samplesTaken > 0) return c.text('ready\n');
    return c.text('not ready: no sample taken yet\n', 503);
  });

  app.route('/api/v1/containers', containersApi(deps.source));

  // The web UI (page, assets, /api/v1/ui-config, /api/v1/events); it asks the app's routes at request
  // time whether the limits API and billing were registered by `extend`.
  registerWebUi(app, { source: deps.source });

  deps.extend?.(app);

  app.notFound((c) => c.json({ error: `no such path: ${c.req.path}` }, 404));

  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    deps.logError?.(`cgmeter serve: ${c.req.method} ${c.req.path}: ${err.stack ?? err.message}`);
    return c.json({ error: 'internal error', detail: err.message }, 500);
  });

  return app;
}
