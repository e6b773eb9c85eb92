// What the writer needs from a destination: send one batch of lines, and say how a failure
// should be treated. Two implementations: sink-v2.ts (official client, /api/v2/write) and
// sink-v1.ts (node:http, /write?db=).

export interface LineSink {
  /** For log lines: `InfluxDB v1 API at http://h:8086 (db cgmeter)`. Never holds a secret. */
  readonly description: string;
  /**
   * Sends one batch; resolves when the server accepted it (2xx), rejects with a SinkError.
   * The writer never has two writes in flight, so sinks need no queue of their own.
   */
  write(lines: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * - `network`, `timeout`, `throttled` (429), `server` (5xx): retriable — retried with backoff,
 *   spooled meanwhile.
 * - `unauthorized` (401/403), `not-found` (404: database or bucket missing): the points are good
 *   but the destination refuses them until an operator acts — parked in the spool and tried
 *   again at a slow pace (see writer.ts).
 * - `rejected` (400 bad data, 413 too large, other 4xx): this batch can never succeed as sent —
 *   dropped and counted.
 */
export type SinkErrorKind = 'network' | 'timeout' | 'throttled' | 'server' | 'unauthorized' | 'not-found' | 'rejected';

export type SinkDisposition = 'retry' | 'park' | 'drop';

export class SinkError extends Error {
  override readonly name = 'SinkError';
  constructor(
    message: string,
    readonly kind: SinkErrorKind,
    readonly statusCode?: number,
    /** The server's Retry-After, in ms, when it sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  get disposition(): SinkDisposition {
    switch (this.kind) {
      case 'unauthorized':
      case 'not-found':
        return 'park';
      case 'rejected':
        return 'drop';
      default:
        return 'retry';
    }
  }
}

/** HTTP status → kind. 2xx never gets here. */
export function kindOfStatus(status: number): SinkErrorKind {
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404) return 'not-found';
  if (status === 408) return 'timeout';
  if (status === 429) return 'throttled';
  if (status >= 500) return 'server';
  return 'rejected'; // 400, 413, 422 and anything else a client sent wrong
}

/**
 * Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3). influxdb-client-js 1.35 reads the
 * number as milliseconds, so both sinks parse the header here instead.
 */
export function parseRetryAfterMs(header: string | string[] | undefined, nowMs = Date.now()): number | undefined {
  const text = Array.isArray(header) ? header[0] : header;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** The most useful part of an Influx error body: v1 `{"error":…}`, v2 `{"code":…,"message":…}`, else the text. */
export function serverMessage(body: string): string {
  const trimmed = body.trim();
  try {
    const json = JSON.parse(trimmed) as { error?: unknown; message?: unknown };
    if (typeof json.error === 'string') return json.error;
    if (typeof json.message === 'string') return json.message;
  } catch {
    // not JSON: proxies and fakes answer with plain text or HTML
  }
  return trimmed.length > 300 ? `${trimmed.slice(0, 300)}…` : trimmed;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNABORTED', 'UND_ERR_SOCKET']);

/** A failure below HTTP (refused, reset, DNS, TLS…): always retriable; nothing reached the database. */
export function networkError(err: unknown, where: string): SinkError {
  const code = (err as { code?: unknown }).code;
  const text = err instanceof Error ? err.message : String(err);
  const known = typeof code === 'string' && NETWORK_CODES.has(code);
  return new SinkError(`${where}: ${known || !code ? text : `${String(code)} ${text}`}`, 'network');
}
