// Hostile file contents built from the real fixture trees: every regular file the kernel gave us
// (test/fixtures/cgroup-v{1,2}), then truncated, padded to 1 MiB, salted with binary bytes, or
// bent into near-valid shapes (odd numbers, CRLF, unknown keys, doubled lines, lost separators).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import fc from 'fast-check';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
export const ONE_MIB = 1024 * 1024;

/** Every regular fixture file under `dir`, by basename (one content per distinct text). */
function collect(dir: string, into: Map<string, Set<string>>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) collect(path, into);
    else if (entry.isFile() && statSync(path).size <= 256 * 1024) {
      const text = readFileSync(path, 'latin1');
      if (!into.has(entry.name)) into.set(entry.name, new Set());
      into.get(entry.name)!.add(text);
    }
  }
}

const byName = new Map<string, Set<string>>();
for (const tree of ['cgroup-v1/sys', 'cgroup-v2/sys', 'cgroup-v1/second-sample', 'cgroup-v2/second-sample', 'extra']) {
  try {
    collect(join(FIXTURES, tree), byName);
  } catch {
    // a tree another engineer has not added yet: the rest still fuzz
  }
}

/** Real texts of the fixture files with this name (e.g. `memory.stat`), v1 and v2 alike. */
export function realTexts(name: string): string[] {
  return [...(byName.get(name) ?? [])];
}

/** Real texts of several file names, for formats many files share. */
export function realTextsOf(names: readonly string[]): string[] {
  const texts = names.flatMap(realTexts);
  if (texts.length === 0) throw new Error(`no fixture file named any of ${names.join(', ')}`);
  return texts;
}

export function fixtureFile(relative: string): string {
  return readFileSync(join(FIXTURES, relative), 'latin1');
}

export const fixtureNames = (): string[] => [...byName.keys()].map((n) => basename(n));

// Tokens that sit on parsers' edges: 2^53, 2^62, 2^64, long digit runs, signs, exponents, words.
const ODD_TOKENS = [
  '0', '-0', '-1', '9007199254740993', '4611686018427387904', '9223372036854771712', '18446744073709551615',
  '18446744073709551616', '1'.repeat(400), '0.5', '1.', '.5', 'max', 'MAX', 'NaN', 'Infinity', '-max', '1e308', '0x1f',
  '+7', '=', '==', ':', '254:', ':0', '4294967296:0', 'some', 'full', 'total=', 'avg10=', '\u00e9', '\u00ff\u00fe',
];

const oddToken = fc.oneof(fc.constantFrom(...ODD_TOKENS), fc.stringMatching(/^-?[0-9]{1,30}$/), fc.string({ maxLength: 12 }));

/** A byte string as latin1 text (each char one byte), so binary survives the string round trip. */
const binaryText = (maxLength: number) => fc.uint8Array({ maxLength }).map((b) => Buffer.from(b).toString('latin1'));

function splice(text: string, at: number, insert: string, remove = 0): string {
  const i = text.length === 0 ? 0 : at % (text.length + 1);
  return text.slice(0, i) + insert + text.slice(i + remove);
}

/** One near-valid damage to a real text. */
const damage = fc.oneof(
  fc.tuple(fc.nat(), oddToken).map(([at, tok]) => (t: string) => {
    // Replace one whitespace-separated token: the shape stays, the value goes strange.
    const tokens = t.split(/([ \t\n=]+)/);
    const i = (at % Math.max(1, tokens.length >> 1)) * 2;
    tokens[i] = tok;
    return tokens.join('');
  }),
  fc.nat().map((at) => (t: string) => t.slice(0, t.length === 0 ? 0 : at % (t.length + 1))), // truncated mid-token
  fc.tuple(fc.nat(), binaryText(16)).map(([at, b]) => (t: string) => splice(t, at, b)), // binary salt (NUL, 0xff, …)
  fc.constant((t: string) => t.replace(/\n/g, '\r\n')),
  fc.constant((t: string) => t.replace(/[ \t]/g, '')), // separators lost
  fc.constant((t: string) => t + t), // every key and row twice
  fc.tuple(fc.stringMatching(/^[a-z_]{1,20}$/), oddToken).map(([k, v]) => (t: string) => `${k} ${v}\n${t}${k}=${v}\n`), // unknown keys
  fc.constant((t: string) => t.split('\n').reverse().join('\n')),
  fc.constant((t: string) => `${t}\n\n\n   \t\n`),
  fc.nat().map((at) => (t: string) => splice(t, at, '\n', 1)),
);

/** Near-valid contents: a real text with one to four damages. */
export const nearValid = (texts: readonly string[]) =>
  fc.tuple(fc.constantFrom(...texts), fc.array(damage, { minLength: 1, maxLength: 4 })).map(([t, ds]) => ds.reduce((acc, d) => d(acc), t));

/**
 * Huge contents (1 MiB): a real text repeated, a single endless token, or one endless line.
 * Built once per kind (cheap to reuse; building 1 MiB per case would dominate the run).
 */
export function hugeTexts(texts: readonly string[]): string[] {
  const base = texts[0] ?? 'x 1\n';
  const repeated = base.repeat(Math.ceil(ONE_MIB / Math.max(1, base.length))).slice(0, ONE_MIB);
  return [repeated, '9'.repeat(ONE_MIB), `key ${'1 '.repeat(ONE_MIB / 2)}`.slice(0, ONE_MIB), '\n'.repeat(ONE_MIB), 'a='.repeat(ONE_MIB / 2)];
}

/** Everything a kernel file could hold, weighted toward the shapes that reach deep into parsers. */
export const hostileText = (texts: readonly string[]) =>
  fc.oneof(
    { arbitrary: nearValid(texts), weight: 6 },
    { arbitrary: binaryText(2048), weight: 2 },
    { arbitrary: fc.string({ maxLength: 512, unit: 'binary' }), weight: 1 },
    { arbitrary: fc.constantFrom(...texts), weight: 1 },
    { arbitrary: fc.constantFrom('', '\n', ' ', '\0', '\0\0\0\0'), weight: 1 },
  );
