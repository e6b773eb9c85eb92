// The InfluxDB 1.x write API: POST /write?db=…&precision=… with line protocol, optional Basic
// auth, gzip. Also what VictoriaMetrics and InfluxDB 2.x/3.x accept on their v1 compatibility path.

import http from 'node:http';
import https from 'node:https';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { Precision } from './line-protocol.js';
import { SinkError, kindOfStatus, networkError, parseRetryAfterMs, serverMessage, type LineSink } from './sink.js';

const gzipAsync = promisify(gzip);

export interface V1SinkOptions {
  /** Base URL; a path prefix (reverse proxy) is kept: `https://h/influx` → `https://h/influx/write`. */
  readonly url: string;
  readonly database: string;
  readonly retentionPolicy?: string;
  readonly user?: string;
  readonly password?: string;
  readonly precision: Precision;
  /** Socket idle time after which a request counts as failed (and is retried): a hung server. */
  readonly timeoutMs: number;
  readonly gzip: boolean;
}

export function writeUrl(options: Pick<V1SinkOptions, 'url' | 'database' | 'retentionPolicy' | 'precision'>): URL {
  const base = new URL(options.url);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const url = new URL('write', base);
  url.searchParams.set('db', options.database);
  if (options.retentionPolicy) url.searchParams.set('rp', options.retentionPolicy);
  url.searchParams.set('precision', options.precision);
  return url;
}

export class V1Sink implements LineSink {
  readonly description: string;
  private readonly url: URL;
  private readonly agent: http.Agent;
  private readonly headers: Record<string, string>;

  constructor(private readonly options: V1SinkOptions) {
    this.url = writeUrl(options);
    this.description = `InfluxDB v1 API at ${new URL(options.url).origin} (db ${options.database})`;
    // One kept-alive connection: the writer sends one batch at a time anyway.
    const Agent = this.url.protocol === 'https:' ? https.Agent : http.Agent;
    this.agent = new Agent({ keepAlive: true, maxSockets: 1 });
    this.headers = { 'content-type': 'text/plain; charset=utf-8', 'user-agent': 'cgmeter' };
    if (options.user !== undefined || options.password !== undefined) {
      // Basic auth rather than u=/p= in the query, so the password never lands in a proxy's access log.
      this.headers.authorization = `Basic ${Buffer.from(`${options.user ?? ''}:${options.password ?? ''}`).toString('base64')}`;
    }
  }

  async write(lines: readonly string[]): Promise<void> {
    const text = Buffer.from(lines.join('\n'), 'utf8');
    // Async gzip runs on the libuv pool, so a large batch never stalls sampling on the main thread.
    const body = this.options.gzip ? await gzipAsync(text) : text;
    const headers = { ...this.headers, 'content-length': String(body.length), ...(this.options.gzip ? { 'content-encoding': 'gzip' } : {}) };
    const where = this.description;
    const request = this.url.protocol === 'https:' ? https.request : http.request;
    await new Promise<void>((resolve, reject) => {
      const req = request(this.url, { method: 'POST', headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => reject(networkError(err, where)));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve();
          const body = Buffer.concat(chunks).toString('utf8');
          const header = res.headers['x-influxdb-error'];
          const message = serverMessage(body) || (typeof header === 'string' ? header : '') || res.statusMessage || '';
          reject(new SinkError(`${where} answered ${status}: ${message}`, kindOfStatus(status), status, parseRetryAfterMs(res.headers['retry-after'])));
        });
      });
      req.setTimeout(this.options.timeoutMs, () => {
        req.destroy(new SinkError(`${where}: no answer within ${this.options.timeoutMs} ms`, 'timeout'));
      });
      req.on('error', (err) => reject(err instanceof SinkError ? err : networkError(err, where)));
      req.end(body);
    });
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }
}
