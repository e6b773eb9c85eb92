// Password hashes for basic auth. Prometheus exporters (exporter-toolkit) use bcrypt; bcrypt is
// not in node:crypto, so cgmeter checks bcrypt hashes only when the `bcryptjs` package is installed,
// and has its own scrypt scheme built on node:crypto, written like the PHC string format:
//   $scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt, base64>$<key, base64>
// (`cgmeter serve --hash-password` prints one for a password read from stdin).

import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const SCRYPT_PREFIX = '$scrypt$';
const BCRYPT_PREFIX = /^\$2[aby]\$\d{2}\$/;
/** N = 2^14, r = 8: 16 MiB and ~30 ms per check here; successful checks are cached by the caller. */
const DEFAULT_LOG2_N = 14;
const KEY_BYTES = 32;

function scrypt(password: string, salt: Buffer, bytes: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password, salt, bytes, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

interface ScryptHash {
  readonly log2N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly key: Buffer;
}

function parseScrypt(hash: string): ScryptHash | undefined {
  const m = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+=*)\$([A-Za-z0-9+/]+=*)$/.exec(hash);
  if (!m) return undefined;
  const parsed = { log2N: Number(m[1]), r: Number(m[2]), p: Number(m[3]), salt: Buffer.from(m[4]!, 'base64'), key: Buffer.from(m[5]!, 'base64') };
  if (parsed.log2N < 10 || parsed.log2N > 20 || parsed.r < 1 || parsed.p < 1 || parsed.salt.length < 8 || parsed.key.length < 16) return undefined;
  return parsed;
}

function scryptOptions(h: { log2N: number; r: number; p: number }): ScryptOptions {
  const N = 2 ** h.log2N;
  return { N, r: h.r, p: h.p, maxmem: 256 * N * h.r };
}

export async function hashPassword(password: string, log2N = DEFAULT_LOG2_N): Promise<string> {
  const salt = randomBytes(16);
  const params = { log2N, r: 8, p: 1 };
  const key = await scrypt(password, salt, KEY_BYTES, scryptOptions(params));
  return `${SCRYPT_PREFIX}ln=${params.log2N},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export type HashKind = 'scrypt' | 'bcrypt';

/** What kind of hash this is, or why it is not one cgmeter can check (said at start-up). */
export function hashKind(hash: string): HashKind | Error {
  if (hash.startsWith(SCRYPT_PREFIX)) {
    return parseScrypt(hash) ? 'scrypt' : new Error('malformed scrypt hash; expected $scrypt$ln=N,r=R,p=P$<salt base64>$<key base64> (cgmeter serve --hash-password makes one)');
  }
  if (BCRYPT_PREFIX.test(hash)) return 'bcrypt';
  return new Error('not a password hash cgmeter knows: use a bcrypt hash ($2y$…, needs the bcryptjs package) or a scrypt hash from cgmeter serve --hash-password');
}

interface BcryptModule {
  compare(password: string, hash: string): Promise<boolean>;
}

let bcrypt: Promise<BcryptModule | undefined> | undefined;

/** bcryptjs when it is installed; resolved once. The name is a variable so that TypeScript does not need it. */
export function loadBcrypt(): Promise<BcryptModule | undefined> {
  const name = 'bcryptjs';
  bcrypt ??= import(name).then(
    (module: { default?: BcryptModule } & Partial<BcryptModule>) => (module.compare ? (module as BcryptModule) : module.default),
    () => undefined,
  );
  return bcrypt;
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const kind = hashKind(hash);
  if (kind === 'scrypt') {
    const h = parseScrypt(hash)!;
    const key = await scrypt(password, h.salt, h.key.length, scryptOptions(h));
    return timingSafeEqual(key, h.key);
  }
  if (kind === 'bcrypt') {
    const module = await loadBcrypt();
    if (!module) throw new Error('a bcrypt password hash needs the bcryptjs package, which is not installed');
    return module.compare(password, hash);
  }
  return false;
}
