// Basic auth for every path, against the web config's password hashes. Hash checks are slow on
// purpose (scrypt/bcrypt), and Prometheus sends the same credentials every scrape, so a successful
// check is remembered (keyed by a SHA-256 of user, password and hash) and costs nothing after.

import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { hashPassword, verifyPassword } from './password-hash.js';

/** Enough for every scraper and person of a host; the map is cleared when it fills. */
const REMEMBERED_MAX = 256;

function unauthorized(): HTTPException {
  return new HTTPException(401, {
    res: new Response(JSON.stringify({ error: 'authentication required' }), {
      status: 401,
      headers: { 'www-authenticate': 'Basic realm="cgmeter", charset="UTF-8"', 'content-type': 'application/json' },
    }),
  });
}

function credentials(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function basicAuth(users: ReadonlyMap<string, string>): MiddlewareHandler {
  const remembered = new Set<string>();
  // Unknown users are checked against a real hash too, so timing does not tell which users exist.
  let decoy: Promise<string> | undefined;
  return async function basicAuthMiddleware(c, next) {
    const given = credentials(c.req.header('authorization'));
    if (!given) throw unauthorized();
    const hash = users.get(given.user);
    const key = createHash('sha256').update(`${given.user}\0${given.password}\0${hash ?? ''}`).digest('hex');
    if (!(hash !== undefined && remembered.has(key))) {
      const ok = await verifyPassword(given.password, hash ?? (await (decoy ??= hashPassword(Math.random().toString(36)))));
      if (!ok || hash === undefined) throw unauthorized();
      if (remembered.size >= REMEMBERED_MAX) remembered.clear();
      remembered.add(key);
    }
    await next();
  };
}
