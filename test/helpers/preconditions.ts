// Test support: kernel-facing suites need root and some binaries. Outside CI a missing one skips the
// suite with a printed reason; in CI (CI=true) it fails, because .ci/run must have installed it.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Absolute path of an executable on PATH, or undefined. */
export function findBinary(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this PATH entry
    }
  }
  return undefined;
}

export interface Prerequisites {
  /** Needs uid 0 (default true: cgroup writes are root's). */
  root?: boolean;
  binaries?: string[];
}

/** What is missing for these prerequisites, one reason per item; empty when all are there. */
export function missingPrerequisites({ root = true, binaries = [] }: Prerequisites = {}): string[] {
  const missing: string[] = [];
  if (root && process.getuid?.() !== 0) missing.push('needs root (uid 0)');
  for (const name of binaries) {
    if (findBinary(name) === undefined) missing.push(`needs the ${name} binary on PATH`);
  }
  return missing;
}

/**
 * Returns true when the suite must be skipped (and prints why), false when it can run.
 * In CI a missing prerequisite throws instead: CI must run every kernel test.
 * Use: `describe.skipIf(requireRootOrSkip({ binaries: ['stress-ng'] }))('…', () => …)`.
 */
export function requireRootOrSkip(prerequisites: Prerequisites = {}, suite = 'kernel tests'): boolean {
  const missing = missingPrerequisites(prerequisites);
  if (missing.length === 0) return false;
  const reason = `${suite}: ${missing.join('; ')}`;
  if (process.env.CI === 'true') throw new Error(`${reason} (CI=true, so this fails instead of skipping)`);
  console.warn(`skipping ${reason}`);
  return true;
}
