// A minimal Docker Engine API client over a unix socket (node:http, no dependency). It serves
// Docker and Podman's Docker-compatible API alike. Every request has a deadline: an engine that
// accepts connections but never answers (SIGSTOPped, wedged) must cost a timeout, never a stall.

import { Agent, request, type IncomingMessage } from 'node:http';

/** Why a request failed, in the words an operator can act on. */
export type EngineErrorKind =
  | 'missing' // no socket file at that path
  | 'refused' // socket file there, nobody listening (engine stopped or killed)
  | 'denied' // no permission on the socket
  | 'timeout' // connected but no (complete) answer in time
  | 'reset' // connection dropped mid-answer
  | 'not-found' // HTTP 404: no such container
  | 'http' // other HTTP error status
  | 'parse' // answer was not the JSON we expect
  | 'too-large'; // answer beyond maxBodyBytes

export class EngineApiError extends Error {
  override readonly name = 'EngineApiError';
  constructor(readonly kind: EngineErrorKind, message: string, readonly status?: number) {
    super(message);
  }

  /** The engine may answer later: worth a retry with backoff (404 and bad JSON are not). */
  get retriable(): boolean {
    return this.kind !== 'not-found' && this.kind !== 'parse' && this.kind !== 'http' && this.kind !== 'too-large';
  }
}

export interface EngineApiOptions {
  /** Deadline for a whole request: connect, headers and body. */
  readonly requestTimeoutMs: number;
  /** Deadline for the event stream's response headers (the body then stays open). */
  readonly streamHeadersTimeoutMs: number;
  /** Largest body accepted (an inspect is ~10 KB; a list of 1,000 containers a few MB). */
  readonly maxBodyBytes: number;
  /** Connections kept to the engine at most; more requests wait their turn. */
  readonly maxSockets: number;
}

export const DEFAULT_ENGINE_API_OPTIONS: EngineApiOptions = {
  requestTimeoutMs: 3_000,
  streamHeadersTimeoutMs: 5_000,
  maxBodyBytes: 32 * 1024 * 1024,
  maxSockets: 4,
};

/** An open event stream: `closed` settles (never rejects) when it ends, with the reason if any. */
export interface EngineStream {
  close(): void;
  readonly closed: Promise<EngineApiError | undefined>;
}

export class EngineApiClient {
  private readonly agent: Agent;
  readonly options: EngineApiOptions;

  constructor(readonly socketPath: string, options: Partial<EngineApiOptions> = {}) {
    this.options = { ...DEFAULT_ENGINE_API_OPTIONS, ...options };
    this.agent = new Agent({ keepAlive: true, maxSockets: this.options.maxSockets });
  }

  /** GET a JSON document. Rejects with EngineApiError only. */
  getJson(path: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (err: EngineApiError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(err);
      };
      const req = request({ socketPath: this.socketPath, path, method: 'GET', agent: this.agent, headers: { Host: 'engine', Accept: 'application/json' } });
      const timer = setTimeout(() => fail(new EngineApiError('timeout', `${this.socketPath}: no answer to GET ${path} within ${this.options.requestTimeoutMs} ms`)), this.options.requestTimeoutMs);
      timer.unref(); // a pending request must not keep a finishing process alive
      req.on('error', (err) => fail(socketError(this.socketPath, err as NodeJS.ErrnoException)));
      req.on('response', (res) => {
        readBody(res, this.options.maxBodyBytes).then((body) => {
          if (settled) return;
          const status = res.statusCode ?? 0;
          if (status === 404) return fail(new EngineApiError('not-found', `${this.socketPath}: GET ${path}: 404 ${engineMessage(body)}`, status));
          if (status < 200 || status >= 300) return fail(new EngineApiError('http', `${this.socketPath}: GET ${path}: HTTP ${status} ${engineMessage(body)}`, status));
          let parsed: unknown;
          try {
            parsed = JSON.parse(body.toString('utf8'));
          } catch {
            return fail(new EngineApiError('parse', `${this.socketPath}: GET ${path}: answer is not JSON`));
          }
          settled = true;
          clearTimeout(timer);
          resolve(parsed);
        }, (err: unknown) => fail(err instanceof EngineApiError ? err : socketError(this.socketPath, err as NodeJS.ErrnoException)));
      });
      req.end();
    });
  }

  /**
   * Opens a long-lived newline-delimited JSON stream (the /events endpoint) and calls `onValue`
   * for each object. Only the headers have a deadline: an idle event stream is normal.
   */
  stream(path: string, onValue: (value: unknown) => void, onOpen: () => void = () => {}): EngineStream {
    let finish!: (reason: EngineApiError | undefined) => void;
    const closed = new Promise<EngineApiError | undefined>((resolve) => { finish = resolve; });
    let done = false;
    const end = (reason: EngineApiError | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      finish(reason);
    };
    // Its own connection (agent: false): a stream must not hold one of the pooled sockets.
    const req = request({ socketPath: this.socketPath, path, method: 'GET', agent: false, headers: { Host: 'engine', Accept: 'application/json' } });
    const timer = setTimeout(() => end(new EngineApiError('timeout', `${this.socketPath}: no answer to GET ${path} within ${this.options.streamHeadersTimeoutMs} ms`)), this.options.streamHeadersTimeoutMs);
    timer.unref();
    req.on('error', (err) => end(socketError(this.socketPath, err as NodeJS.ErrnoException)));
    req.on('response', (res) => {
      clearTimeout(timer);
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        res.resume();
        end(new EngineApiError(status === 404 ? 'not-found' : 'http', `${this.socketPath}: GET ${path}: HTTP ${status}`, status));
        return;
      }
      onOpen();
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        pending += chunk;
        if (pending.length > this.options.maxBodyBytes) return end(new EngineApiError('too-large', `${this.socketPath}: event line beyond ${this.options.maxBodyBytes} bytes`));
        let newline: number;
        while ((newline = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, newline).trim();
          pending = pending.slice(newline + 1);
          if (line === '') continue;
          try {
            onValue(JSON.parse(line));
          } catch {
            // One garbled event must not end the stream; the periodic resync repairs what it missed.
          }
        }
      });
      res.on('end', () => end(new EngineApiError('reset', `${this.socketPath}: event stream ended`)));
      res.on('error', (err) => end(socketError(this.socketPath, err as NodeJS.ErrnoException)));
    });
    req.end();
    return { close: () => end(undefined), closed };
  }

  /** Drops pooled connections. The client may still be used (it reconnects). */
  close(): void {
    this.agent.destroy();
  }
}

function readBody(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        res.destroy();
        reject(new EngineApiError('too-large', `answer beyond ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
    res.on('aborted', () => reject(new EngineApiError('reset', 'connection dropped mid-answer')));
  });
}

function socketError(socketPath: string, err: NodeJS.ErrnoException): EngineApiError {
  switch (err.code) {
    case 'ENOENT': return new EngineApiError('missing', `${socketPath}: no such socket`);
    case 'ECONNREFUSED': return new EngineApiError('refused', `${socketPath}: connection refused (engine not running?)`);
    case 'EACCES':
    case 'EPERM': return new EngineApiError('denied', `${socketPath}: permission denied`);
    default: return new EngineApiError('reset', `${socketPath}: ${err.code ?? ''} ${err.message}`.trim());
  }
}

/** The engine's own error text (`{"message": "..."}`), shortened for a log line. */
function engineMessage(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message.slice(0, 200);
  } catch {
    // not JSON: fall through
  }
  return body.toString('utf8', 0, Math.min(body.length, 200)).trim();
}
