// Test support: a fake Influx HTTP endpoint for failures no real server here will produce on
// demand — a wrong token (VictoriaMetrics does not check tokens; InfluxDB 1.6 has no v2 API), a
// 500 with Retry-After, and a server that accepts the connection and then never answers. It keeps
// every line it accepted (gunzipped), so a test can check that nothing retriable was lost.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';

export type FakeMode =
  | { readonly kind: 'accept' }
  | { readonly kind: 'answer'; readonly status: number; readonly body: string; readonly headers?: Record<string, string> }
  /** Reads the request, then never answers (the socket stays open). */
  | { readonly kind: 'hang' };

export class FakeInfluxServer {
  mode: FakeMode = { kind: 'accept' };
  readonly accepted: string[] = [];
  readonly requests: Array<{ path: string; status: number | 'hung'; authorization?: string }> = [];
  private readonly server: Server;
  private readonly hung: ServerResponse[] = [];
  url = '';

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body = Buffer.concat(chunks);
    if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
    const mode = this.mode;
    const authorization = req.headers.authorization;
    if (mode.kind === 'hang') {
      this.requests.push({ path: req.url ?? '', status: 'hung', authorization });
      this.hung.push(res);
      return;
    }
    const status = mode.kind === 'accept' ? 204 : mode.status;
    this.requests.push({ path: req.url ?? '', status, authorization });
    if (status === 204) this.accepted.push(...body.toString('utf8').split('\n').filter(Boolean));
    res.writeHead(status, { 'content-type': 'application/json', ...(mode.kind === 'answer' ? mode.headers : {}) });
    res.end(mode.kind === 'answer' ? mode.body : undefined);
  }

  async stop(): Promise<void> {
    for (const res of this.hung.splice(0)) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
