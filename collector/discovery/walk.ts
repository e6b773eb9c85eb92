// Walks cgroup hierarchies and returns every cgroup path in them (union over hierarchies:
// on v1 a cgroup may exist in some controllers only). A directory that vanishes mid-walk is
// normal on a busy host and is skipped.

import { readdirSync, type Dirent } from 'node:fs';
import { join } from 'node:path';

/** Deeper than any real container layout (kubepods systemd paths are 5 levels). */
export const MAX_WALK_DEPTH = 32;

export interface WalkResult {
  /** Cgroup paths relative to the hierarchy roots, `/` first, parents before children. */
  readonly paths: string[];
  /** Directories that could not be listed for a reason other than vanishing (EACCES, …). */
  readonly errors: Array<{ dir: string; code: string }>;
}

export function walkHierarchies(roots: readonly string[], maxDepth = MAX_WALK_DEPTH): WalkResult {
  const seen = new Set<string>(['/']);
  const paths = ['/'];
  const errors: Array<{ dir: string; code: string }> = [];
  for (const root of roots) {
    const stack: Array<{ rel: string; depth: number }> = [{ rel: '/', depth: 0 }];
    while (stack.length > 0) {
      const { rel, depth } = stack.pop()!;
      const dir = rel === '/' ? root : join(root, rel);
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
        if (code !== 'ENOENT' && code !== 'ENODEV' && code !== 'ENOTDIR') errors.push({ dir, code });
        continue;
      }
      if (depth >= maxDepth) continue;
      for (const entry of entries) {
        if (!entry.isDirectory()) continue; // cgroup dirs are real directories; symlinks are never followed
        const child = rel === '/' ? `/${entry.name}` : `${rel}/${entry.name}`;
        if (!seen.has(child)) {
          seen.add(child);
          paths.push(child);
        }
        stack.push({ rel: child, depth: depth + 1 });
      }
    }
  }
  // Parents before children, stable: sorting by path does it since a parent is a prefix.
  paths.sort();
  return { paths, errors };
}
