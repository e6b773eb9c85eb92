// The web config file (exporter-toolkit's shape): parsing and its errors, the password hashes,
// basic auth on every path, and HTTPS with a certificate made for the test.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { get as httpsGet } from 'node:https';
import { parseWebConfig, WebConfigError } from '../../../exporters/http/web-config.js';
import { hashKind, hashPassword, verifyPassword } from '../../../exporters/http/password-hash.js';
import { createHttpApp } from '../../../exporters/http/app.js';
import { startServer, type RunningServer } from '../../../exporters/http/server.js';
import { PrometheusExporter } from '../../../exporters/prometheus/exporter.js';
import { fixtureSource } from '../fixture-source.js';
import { findBinary } from '../../helpers/kernel.js';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'cgmeter-webconfig-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('password hashes', () => {
  it('verifies a scrypt hash it made, and nothing else', async () => {
    const hash = await hashPassword('s3cret', 10);
    expect(hash).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    expect(hashKind(hash)).toBe('scrypt');
    expect(await verifyPassword('s3cret', hash)).toBe(true);
    expect(await verifyPassword('s3cret ', hash)).toBe(false);
  });

  it('knows bcrypt hashes by their prefix and rejects anything else', () => {
    expect(hashKind('$2y$10$abcdefghijklmnopqrstuuJ6Yt9k3X0uF9u1eYzQ5rQ2QWZ8mQ9dS')).toBe('bcrypt');
    expect(hashKind('plain-password')).toBeInstanceOf(Error);
    expect(hashKind('$scrypt$ln=99,r=8,p=1$AAAA$BBBB')).toBeInstanceOf(Error);
  });
});

describe('parseWebConfig', () => {
  it('reads basic_auth_users from YAML and from JSON', async () => {
    const hash = await hashPassword('pw', 10);
    const yaml = await parseWebConfig(`# comment\nbasic_auth_users:\n  prometheus: '${hash}'\n`, join(dir, 'web.yml'));
    expect(yaml.basicAuthUsers?.get('prometheus')).toBe(hash);
    const json = await parseWebConfig(JSON.stringify({ basic_auth_users: { alice: hash } }), join(dir, 'web.json'));
    expect([...json.basicAuthUsers!.keys()]).toEqual(['alice']);
    expect(await parseWebConfig('', join(dir, 'empty.yml'))).toEqual({});
  });

  it.each([
    ['an unknown top-level key', 'http_server_config: {}\n', 'http_server_config not supported'],
    ['an unknown TLS key', 'tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: c\n', 'client_ca_file not supported'],
    ['a TLS section without key_file', 'tls_server_config:\n  cert_file: a.pem\n', 'needs both cert_file and key_file'],
    ['a missing certificate file', 'tls_server_config:\n  cert_file: nope.pem\n  key_file: nope.key\n', 'nope.pem'],
    ['a plain-text password', 'basic_auth_users:\n  bob: hunter2\n', 'not a password hash'],
    ['broken YAML', 'basic_auth_users: [\n', 'not YAML or JSON'],
  ])('refuses %s, saying what is wrong', async (_what, text, message) => {
    await expect(parseWebConfig(text, join(dir, 'web.yml'))).rejects.toThrow(WebConfigError);
    await expect(parseWebConfig(text, join(dir, 'web.yml'))).rejects.toThrow(message);
  });

  it('says which package a bcrypt hash needs when bcryptjs is not installed', async () => {
    const text = 'basic_auth_users:\n  bob: $2y$10$abcdefghijklmnopqrstuuJ6Yt9k3X0uF9u1eYzQ5rQ2QWZ8mQ9dS\n';
    let installed = true;
    try {
      await import(['bcrypt', 'js'].join(''));
    } catch {
      installed = false;
    }
    if (installed) await expect(parseWebConfig(text, join(dir, 'web.yml'))).resolves.toBeDefined();
    else await expect(parseWebConfig(text, join(dir, 'web.yml'))).rejects.toThrow('needs the bcryptjs package');
  });
});

describe('basic auth', () => {
  const source = fixtureSource('cgroup-v1');
  let app: ReturnType<typeof createHttpApp>;
  beforeAll(async () => {
    const users = new Map([['prometheus', await hashPassword('scrape-me', 10)]]);
    app = createHttpApp({ source, exporter: new PrometheusExporter(source), basicAuthUsers: users });
  });
  const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

  it('asks for credentials on every path', async () => {
    for (const path of ['/metrics', '/healthz', '/api/v1/containers']) {
      const res = await app.request(path);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Basic realm="cgmeter"');
    }
  });

  it('refuses a wrong password and an unknown user, accepts the right one (twice, the second from memory)', async () => {
    expect((await app.request('/metrics', { headers: basic('prometheus', 'nope') })).status).toBe(401);
    expect((await app.request('/metrics', { headers: basic('mallory', 'scrape-me') })).status).toBe(401);
    expect((await app.request('/metrics', { headers: basic('prometheus', 'scrape-me') })).status).toBe(200);
    expect((await app.request('/healthz', { headers: basic('prometheus', 'scrape-me') })).status).toBe(200);
  });
});

const openssl = findBinary('openssl');

describe.skipIf(!openssl)('HTTPS from tls_server_config', () => {
  let server: RunningServer | undefined;
  afterAll(async () => server?.close(100));

  it('serves /metrics over TLS with the configured certificate', async () => {
    const made = spawnSync(openssl!, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    writeFileSync(join(dir, 'tls.yml'), 'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n');
    const config = await parseWebConfig('tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n', join(dir, 'tls.yml'));
    const source = fixtureSource('cgroup-v1');
    server = await startServer(createHttpApp({ source, exporter: new PrometheusExporter(source) }), { host: '127.0.0.1', port: 0 }, config.tls);
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const body = await new Promise<string>((resolve, reject) => {
      httpsGet(`${server!.url}/metrics`, { rejectUnauthorized: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => { text += chunk; });
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    expect(body).toContain('container_memory_usage_bytes{id="/"');
  });
});
