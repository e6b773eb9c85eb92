// Picks the batch reader once: the C++ addon when it built and loads, else the TypeScript
// fallback with the identical face. Callers learn which one is active and why.

import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { BatchReader, FormatSpec } from './formats.js';
import { createFallbackReader } from './fallback.js';

export * from './formats.js';
export { createFallbackReader } from './fallback.js';

export type ReaderPreference = 'auto' | 'native' | 'fallback';

interface NativeModule {
  createReader(specs: readonly FormatSpec[]): BatchReader;
}

export interface ReaderChoice {
  readonly kind: 'native' | 'fallback';
  /** Why the fallback is in use, when it is. */
  readonly reason?: string;
  create(specs: readonly FormatSpec[]): BatchReader;
}

let cachedNative: NativeModule | Error | undefined;

/** Locations of the built addon: next to this file's package root, in source and in dist/. */
function addonCandidates(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const roots = [join(here), join(here, '..', '..', 'native')];
  return roots.map((root) => join(root, 'build', 'Release', 'cgmeter_native.node'));
}

export function loadNative(): NativeModule | Error {
  if (cachedNative !== undefined) return cachedNative;
  const path = addonCandidates().find((p) => existsSync(p));
  if (path === undefined) {
    cachedNative = new Error('native addon not built (native/build/Release/cgmeter_native.node missing)');
    return cachedNative;
  }
  try {
    const require = createRequire(import.meta.url);
    cachedNative = require(path) as NativeModule;
  } catch (err) {
    cachedNative = new Error(`native addon failed to load from ${path}: ${(err as Error).message}`);
  }
  return cachedNative;
}

export function chooseReader(preference: ReaderPreference = 'auto'): ReaderChoice {
  if (preference === 'fallback') {
    return { kind: 'fallback', reason: 'asked for with --reader fallback', create: createFallbackReader };
  }
  const native = loadNative();
  if (native instanceof Error) {
    if (preference === 'native') throw new Error(`--reader native was asked for, but ${native.message}`);
    return { kind: 'fallback', reason: native.message, create: createFallbackReader };
  }
  return { kind: 'native', create: (specs) => native.createReader(specs) };
}
