// Test support: a throw-away copy of a real kernel fixture tree (test/fixtures/cgroup-v1 or -v2)
// that the limits code may write into, discovered by the real Collector with --host-root at it.

import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Collector } from '../../collector/poller.js';
import type { Hierarchy } from '../../collector/hierarchy/hierarchy.js';
import { knownCgroups, resolveTarget, type KnownCgroup, type Target } from '../../collector/limits/index.js';

export type FixtureKind = 'v1' | 'v2';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** The docker container every fixture has, and where its files are. */
export const FIXTURE_CONTAINER: Record<FixtureKind, { id: string; path: string }> = {
  v1: {
    id: '5aacd01bb9954993bfff3b1738339116d934bc62d7589f515d57dd78d53bbb83',
    path: '/docker/5aacd01bb9954993bfff3b1738339116d934bc62d7589f515d57dd78d53bbb83',
  },
  v2: {
    id: '376f487bf99250bcc5fc3fe8c25a75d3176d40b0050403f03b4d7d31fd48e7f2',
    path: '/system.slice/docker-376f487bf99250bcc5fc3fe8c25a75d3176d40b0050403f03b4d7d31fd48e7f2.scope',
  },
};

export interface FixtureTree {
  readonly root: string;
  readonly hierarchy: Hierarchy;
  readonly known: KnownCgroup[];
  /** Absolute path of a controller's directory of `cgroupPath` (v1 controller name; any on v2). */
  dir(controller: string, cgroupPath: string): string;
  read(controller: string, cgroupPath: string, file: string): string;
  /** Resolves like the CLI, but accepts the copied tree (not a cgroup filesystem). */
  resolve(query: string, allowRoot?: boolean): Target;
  /** Puts back the original files of these cgroups (in every hierarchy): cheaper than a new copy. */
  reset(cgroupPaths: readonly string[]): void;
  remove(): void;
}

export function copyFixture(kind: FixtureKind): FixtureTree {
  const root = mkdtempSync(join(tmpdir(), `cgm-limits-${kind}-`));
  cpSync(join(FIXTURES, `cgroup-${kind}`), root, { recursive: true });
  const collector = new Collector({ hostRoot: root, reader: 'fallback', groups: new Set() });
  let known: KnownCgroup[];
  try {
    collector.discover();
    known = knownCgroups(collector);
  } finally {
    collector.close();
  }
  const hierarchy = collector.hierarchy;
  const dir = (controller: string, cgroupPath: string) => {
    const mount = kind === 'v2' ? hierarchy.unified! : hierarchy.v1.get(controller as never)!;
    return cgroupPath === '/' ? mount : join(mount, cgroupPath);
  };
  return {
    root,
    hierarchy,
    known,
    dir,
    read: (controller, cgroupPath, file) => readFileSync(join(dir(controller, cgroupPath), file), 'utf8'),
    resolve: (query, allowRoot = false) => resolveTarget(hierarchy, known, query, { allowRoot, requireCgroupFs: false }),
    reset: (cgroupPaths) => {
      const mounts = kind === 'v2' ? [hierarchy.unified!] : [...new Set(hierarchy.v1.values())];
      for (const mount of mounts) {
        for (const cgroupPath of cgroupPaths) {
          const dir = join(mount, cgroupPath);
          const original = join(FIXTURES, `cgroup-${kind}`, relative(root, dir));
          if (!existsSync(original)) continue;
          rmSync(dir, { recursive: true, force: true });
          cpSync(original, dir, { recursive: true });
        }
      }
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
