// Puts the hono app on a socket (HTTP, or HTTPS from the web config) and takes it down gracefully:
// stop accepting, let requests in flight finish, then cut whatever is still open after a deadline.

import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';
import type { TlsConfig } from './web-config.js';

/** The address could not be bound (in use, not local, no permission): an operational error, exit 1. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
}

export interface ListenAddress {
  readonly host: string;
  /** 0 asks the kernel for a free port (tests); the bound one is in RunningServer.port. */
  readonly port: number;
}

export interface RunningServer {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  /** Stops accepting, waits for requests in flight up to `graceMs`, then closes every connection. */
  close(graceMs: number): Promise<void>;
}

/** `HOST:PORT`, `[v6]:PORT` or `:PORT` (all interfaces). */
export function parseListenAddress(text: string): ListenAddress | Error {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) {
    return new Error(`--listen ${JSON.stringify(text)} is not HOST:PORT; use forms like 127.0.0.1:19338, :19338 or [::1]:19338`);
  }
  return { host: m[1] ?? (m[2] === '' ? '0.0.0.0' : m[2]!), port };
}

export async function startServer(app: Hono, address: ListenAddress, tls?: TlsConfig): Promise<RunningServer> {
  const server = createAdaptorServer({
    fetch: app.fetch,
    ...(tls ? { createServer: createHttpsServer, serverOptions: { cert: tls.cert, key: tls.key } } : {}),
  }) as Server;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(new ListenError(`cannot listen on ${address.host}:${address.port}: ${err.message}`));
    server.once('error', onError);
    server.listen(address.port, address.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const hostInUrl = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  let closing: Promise<void> | undefined;
  return {
    host: bound.address,
    port: bound.port,
    url: `${tls ? 'https' : 'http'}://${hostInUrl}:${bound.port}`,
    close(graceMs: number) {
      closing ??= new Promise<void>((resolve) => {
        const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
        // A keep-alive connection goes idle when its last response is done; close it then, rather
        // than wait for the client (Prometheus keeps its connection) or the deadline.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        deadline.unref();
        sweep.unref();
        server.close(() => {
          clearTimeout(deadline);
          clearInterval(sweep);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
