// The socket side: --listen parsing, port 0, and the shutdown order serve relies on (no new
// connections, requests in flight finish, a hung one is cut at the deadline).

import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono } from 'hono';
import { ListenError, parseListenAddress, startServer } from '../../../exporters/http/server.js';

describe('parseListenAddress', () => {
  it.each([
    ['127.0.0.1:19338', { host: '127.0.0.1', port: 19338 }],
    [':19338', { host: '0.0.0.0', port: 19338 }],
    ['[::1]:0', { host: '::1', port: 0 }],
    ['localhost:8081', { host: 'localhost', port: 8081 }],
  ])('%s', (text, expected) => {
    expect(parseListenAddress(text)).toEqual(expected);
  });

  it.each(['19338', '127.0.0.1', '127.0.0.1:99999', '::1:80'])('refuses %s with the forms it takes', (text) => {
    const parsed = parseListenAddress(text);
    expect(parsed).toBeInstanceOf(Error);
    expect((parsed as Error).message).toContain('127.0.0.1:19338');
  });
});

function slowApp(): Hono {
  const app = new Hono();
  app.get('/slow', async (c) => {
    await sleep(Number(c.req.query('ms') ?? 300));
    return c.text('done');
  });
  return app;
}

describe('startServer', () => {
  it('binds a free port when asked for port 0 and refuses a port in use with a ListenError', async () => {
    const server = await startServer(slowApp(), { host: '127.0.0.1', port: 0 });
    try {
      expect(server.port).toBeGreaterThan(0);
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      await expect(startServer(slowApp(), { host: '127.0.0.1', port: server.port })).rejects.toThrow(ListenError);
    } finally {
      await server.close(100);
    }
  });

  it('lets a request in flight finish, refuses new connections, and closes once it is done', async () => {
    const server = await startServer(slowApp(), { host: '127.0.0.1', port: 0 });
    const inFlight = fetch(`${server.url}/slow?ms=400`).then((r) => r.text());
    await sleep(100);
    const started = Date.now();
    const closed = server.close(3000);
    await expect(fetch(`${server.url}/slow?ms=1`)).rejects.toThrow();
    expect(await inFlight).toBe('done');
    await closed;
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('cuts a request that outlives the grace period', async () => {
    const server = await startServer(slowApp(), { host: '127.0.0.1', port: 0 });
    const hung = fetch(`${server.url}/slow?ms=10000`).then((r) => r.text());
    await sleep(100);
    const started = Date.now();
    await server.close(300);
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(hung).rejects.toThrow();
  });
});
