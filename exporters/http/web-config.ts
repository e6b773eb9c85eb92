// The web config file (`--web-config FILE`), in the shape of Prometheus' exporter-toolkit so that
// one file serves every exporter on a host: YAML (or JSON, which is YAML) with
//   tls_server_config: { cert_file, key_file }      → HTTPS
//   basic_auth_users: { <user>: <password hash> }   → basic auth on every path
// Read and checked once at start-up; paths are relative to the file's directory.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { hashKind, loadBcrypt } from './password-hash.js';

export class WebConfigError extends Error {
  override readonly name = 'WebConfigError';
}

export interface TlsConfig {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface WebConfig {
  readonly tls?: TlsConfig;
  /** User → password hash (bcrypt or cgmeter's scrypt form). */
  readonly basicAuthUsers?: ReadonlyMap<string, string>;
}

const TOP_KEYS = ['tls_server_config', 'basic_auth_users'];
const TLS_KEYS = ['cert_file', 'key_file'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(where: string, value: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(value).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new WebConfigError(`${where}: ${unknown.join(', ')} not supported (cgmeter knows ${known.join(', ')})`);
  }
}

function readPem(file: string, base: string, what: string): { path: string; bytes: Buffer } {
  const path = resolve(base, file);
  try {
    return { path, bytes: readFileSync(path) };
  } catch (err) {
    throw new WebConfigError(`tls_server_config.${what} ${path}: ${(err as Error).message}`);
  }
}

/** Parses and checks the text of a web config file; `file` names it in messages and anchors paths. */
export async function parseWebConfig(text: string, file: string): Promise<WebConfig> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new WebConfigError(`${file}: not YAML or JSON: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isRecord(doc)) throw new WebConfigError(`${file}: expected a mapping with ${TOP_KEYS.join(' and/or ')}`);
  checkKeys(file, doc, TOP_KEYS);
  const base = dirname(resolve(file));
  let tls: TlsConfig | undefined;
  if (doc.tls_server_config !== undefined && doc.tls_server_config !== null) {
    const t = doc.tls_server_config;
    if (!isRecord(t)) throw new WebConfigError(`${file}: tls_server_config must be a mapping with cert_file and key_file`);
    checkKeys(`${file}: tls_server_config`, t, TLS_KEYS);
    if (typeof t.cert_file !== 'string' || typeof t.key_file !== 'string') {
      throw new WebConfigError(`${file}: tls_server_config needs both cert_file and key_file (PEM files)`);
    }
    const cert = readPem(t.cert_file, base, 'cert_file');
    const key = readPem(t.key_file, base, 'key_file');
    tls = { certFile: cert.path, keyFile: key.path, cert: cert.bytes, key: key.bytes };
  }
  let basicAuthUsers: Map<string, string> | undefined;
  if (doc.basic_auth_users !== undefined && doc.basic_auth_users !== null) {
    const users = doc.basic_auth_users;
    if (!isRecord(users)) throw new WebConfigError(`${file}: basic_auth_users must map user names to password hashes`);
    basicAuthUsers = new Map();
    for (const [user, hash] of Object.entries(users)) {
      if (typeof hash !== 'string') throw new WebConfigError(`${file}: basic_auth_users.${user} must be a password hash string`);
      const kind = hashKind(hash);
      if (kind instanceof Error) throw new WebConfigError(`${file}: basic_auth_users.${user}: ${kind.message}`);
      if (kind === 'bcrypt' && !(await loadBcrypt())) {
        throw new WebConfigError(`${file}: basic_auth_users.${user} is a bcrypt hash, which needs the bcryptjs package (npm install bcryptjs); or use a scrypt hash from \`cgmeter serve --hash-password\``);
      }
      basicAuthUsers.set(user, hash);
    }
    if (basicAuthUsers.size === 0) basicAuthUsers = undefined;
  }
  return { ...(tls ? { tls } : {}), ...(basicAuthUsers ? { basicAuthUsers } : {}) };
}

export async function loadWebConfig(file: string): Promise<WebConfig> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new WebConfigError(`--web-config ${file}: ${(err as Error).message}`);
  }
  return parseWebConfig(text, file);
}
