// The InfluxDB v2 write API (/api/v2/write?org=&bucket=) through @influxdata/influxdb-client's
// WriteApi: InfluxDB 2.x, Cloud, 3.x and VictoriaMetrics.
//
// The client has batching and a RetryBuffer of its own (in memory, at most maxBufferLines, lost on
// exit). cgmeter's writer does batching, retries and the disk spool itself, because the spool has
// to see each batch's fate: two retry layers would retry each other's retries and reorder
// points. So the WriteApi is used as a one-batch transport: maxRetries 0 (the RetryBuffer never
// gets a line), no flush timer, and batch limits above anything the writer sends, so that the
// `flush()` after `writeRecords()` sends exactly this batch and rejects when it fails.

import { HttpError, InfluxDB, RequestTimedOutError, setLogger, type WriteApi } from '@influxdata/influxdb-client';
import type { Precision } from './line-protocol.js';
import { SinkError, kindOfStatus, networkError, parseRetryAfterMs, serverMessage, type LineSink } from './sink.js';

export interface V2SinkOptions {
  readonly url: string;
  readonly org: string;
  readonly bucket: string;
  readonly token?: string;
  readonly precision: Precision;
  readonly timeoutMs: number;
  readonly gzip: boolean;
  /** Most lines the writer ever sends at once (its batch size). */
  readonly maxLines: number;
}

/** Bodies below this are not worth compressing (the client's own default). */
const GZIP_THRESHOLD_BYTES = 1000;

let clientLogSilenced = false;

export class V2Sink implements LineSink {
  readonly description: string;
  private readonly api: WriteApi;

  constructor(private readonly options: V2SinkOptions) {
    this.description = `InfluxDB v2 API at ${new URL(options.url).origin} (org ${options.org}, bucket ${options.bucket})`;
    if (!clientLogSilenced) {
      // The client logs every failed write to the console; the writer already logs each failure
      // once, with the sink's message, so the client's copies would only be noise. (setLogger is
      // process-wide; cgmeter has no other user of the client.)
      setLogger({ error: () => {}, warn: () => {} });
      clientLogSilenced = true;
    }
    const client = new InfluxDB({ url: options.url, token: options.token, timeout: options.timeoutMs });
    this.api = client.getWriteApi(options.org, options.bucket, options.precision, {
      batchSize: options.maxLines + 1,
      maxBatchBytes: Number.MAX_SAFE_INTEGER,
      flushInterval: 0,
      maxRetries: 0,
      maxBufferLines: 1,
      gzipThreshold: options.gzip ? GZIP_THRESHOLD_BYTES : Number.MAX_SAFE_INTEGER,
      headers: { 'user-agent': 'cgmeter' },
    });
  }

  async write(lines: readonly string[]): Promise<void> {
    if (lines.length > this.options.maxLines) {
      // The client would send part of it on its own and swallow that part's error: a bug upstream.
      throw new Error(`V2Sink.write: ${lines.length} lines exceed maxLines ${this.options.maxLines}`);
    }
    this.api.writeRecords(lines as string[]);
    try {
      await this.api.flush();
    } catch (err) {
      throw this.toSinkError(err);
    }
  }

  private toSinkError(err: unknown): SinkError {
    const where = this.description;
    if (err instanceof HttpError) {
      const message = err.body ? serverMessage(err.body) : err.message;
      return new SinkError(`${where} answered ${err.statusCode}: ${message}`, kindOfStatus(err.statusCode), err.statusCode,
        parseRetryAfterMs(err.headers?.['retry-after']));
    }
    if (err instanceof RequestTimedOutError) return new SinkError(`${where}: no answer within ${this.options.timeoutMs} ms`, 'timeout');
    return networkError(err, where);
  }

  async close(): Promise<void> {
    // dispose, not close: close() would flush, and the writer has already settled every batch.
    this.api.dispose();
  }
}
