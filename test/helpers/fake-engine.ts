// Test support: a scriptable Engine API on a unix socket (node:http), for what a real engine
// will not do on demand: hang, vanish, answer garbage. Real answers come from test/fixtures/engine.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { waitFor } from './wait-for.js';

export interface FakeContainer {
  /** The inspect document (its Id, Name, Config.Labels, HostConfig…). */
  inspect: Record<string, unknown>;
}

export class FakeEngine {
  readonly dir = mkdtempSync(join(tmpdir(), 'cgm-fe-'));
  readonly socketPath = join(this.dir, 'engine.sock');
  readonly containers = new Map<string, FakeContainer>();
  /** Requests seen, by path. */
  readonly requests: string[] = [];
  /** When true, requests are accepted and never answered. */
  hang = false;
  private server?: Server;
  private readonly streams = new Set<ServerResponse>();
  private readonly sockets = new Set<Socket>();

  async start(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(this.socketPath, resolve));
    this.server = server;
  }

  /** Closes the listener and every connection (the socket file goes too): an engine that stopped. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.streams.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  add(inspect: Record<string, unknown>): void {
    this.containers.set(String(inspect.Id), { inspect });
  }

  /** Sends one event to every open /events stream. */
  emit(event: Record<string, unknown>): void {
    for (const res of this.streams) res.write(`${JSON.stringify(event)}\n`);
  }

  get openStreams(): number {
    return this.streams.size;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '';
    this.requests.push(url);
    if (this.hang) return; // accept, read, never answer
    if (url.startsWith('/events')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      this.streams.add(res);
      res.on('close', () => this.streams.delete(res));
      return;
    }
    if (url.startsWith('/containers/json')) {
      const list = [...this.containers.values()].map(({ inspect }) => ({
        Id: inspect.Id,
        Names: [inspect.Name],
        Image: (inspect.Config as { Image?: string } | undefined)?.Image,
        ImageID: inspect.Image,
        Labels: (inspect.Config as { Labels?: unknown } | undefined)?.Labels ?? {},
      }));
      return json(res, 200, list);
    }
    const m = /^\/containers\/([^/]+)\/json$/.exec(url);
    if (m) {
      const c = this.containers.get(decodeURIComponent(m[1]!));
      return c ? json(res, 200, c.inspect) : json(res, 404, { message: `No such container: ${m[1]}` });
    }
    json(res, 404, { message: 'page not found' });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** A socket that accepts connections and reads requests but never writes a byte. */
export async function silentSocket(path: string): Promise<NetServer> {
  const sockets = new Set<Socket>();
  const server = createNetServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  const close = server.close.bind(server);
  server.close = ((cb?: (err?: Error) => void) => {
    for (const s of sockets) s.destroy();
    return close(cb);
  }) as typeof server.close;
  return server;
}

/**
 * A socket file with nobody behind it (connect gives ECONNREFUSED), as a killed engine leaves:
 * a child binds it and is SIGKILLed, so the file is never unlinked.
 */
export async function deadSocket(path: string): Promise<void> {
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'ignore'] });
  let up = false;
  child.stdout!.on('data', () => { up = true; });
  await waitFor(() => up, { timeoutMs: 5_000, what: 'the socket holder to listen' });
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
}
