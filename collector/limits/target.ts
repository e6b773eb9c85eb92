// What a user names (container id, unique id prefix, engine name, cgroup path) resolved to a cgroup
// that discovery knows, and that cgroup's directory per controller, each one checked by safe-path.
// Anything discovery did not list is refused, whatever exists on disk.

import { lstatSync } from 'node:fs';
import type { Hierarchy, HierarchyMode, V1Controller } from '../hierarchy/hierarchy.js';
import type { Collector } from '../poller.js';
import type { ContainerIdentity } from '../model/identity.js';
import { LimitError } from './errors.js';
import type { LimitController } from './files.js';
import { assertCleanCgroupPath, safeCgroupDir, type SafeDirOptions } from './safe-path.js';

/** A cgroup discovery found, with who it is. */
export interface KnownCgroup {
  readonly path: string;
  readonly identity: ContainerIdentity;
}

export interface ControllerHome {
  /** Which file set applies: v1 names or v2 names. */
  readonly version: 1 | 2;
  /** Checked absolute directory. */
  readonly dir: string;
}

export interface Target {
  /** What the user typed. */
  readonly query: string;
  readonly path: string;
  readonly identity: ContainerIdentity;
  readonly mode: HierarchyMode;
  readonly hostRoot: string;
  readonly procRoot: string;
  /** Where each controller's files are for this cgroup; absent = not in that hierarchy. */
  readonly homes: Readonly<Partial<Record<LimitController, ControllerHome>>>;
}

export interface ResolveOptions {
  readonly allowRoot: boolean;
  /** Default true; only tests on copied fixture trees pass false. */
  readonly requireCgroupFs?: boolean;
}

const V1_NAMES: Record<LimitController, V1Controller> = {
  memory: 'memory', cpu: 'cpu', cpuset: 'cpuset', io: 'blkio', pids: 'pids', freezer: 'freezer',
};

/** Discovery's cgroups as targets may be chosen from (call collector.discover() first). */
export function knownCgroups(collector: Collector): KnownCgroup[] {
  return collector.paths().flatMap((path) => {
    const identity = collector.identity(path);
    return identity ? [{ path, identity }] : [];
  });
}

function mountDirs(h: Hierarchy): Set<string> {
  const dirs = new Set<string>(h.v1.values());
  if (h.unified !== undefined) dirs.add(h.unified);
  return dirs;
}

function match(known: readonly KnownCgroup[], query: string): KnownCgroup | undefined {
  const exact = known.find((k) => k.path === query || k.identity.id === query || k.identity.name === query);
  if (exact) return exact;
  if (query.length < 3) return undefined;
  const byPrefix = known.filter((k) => k.identity.kind !== 'cgroup' && k.identity.id.startsWith(query));
  if (byPrefix.length > 1) {
    throw new LimitError('input', `${JSON.stringify(query)} matches ${byPrefix.length} containers (${byPrefix.slice(0, 5).map((k) => k.identity.id.slice(0, 12)).join(', ')}); give more of the id`);
  }
  return byPrefix[0];
}

/** An absolute filesystem path into a cgroup mount (`/sys/fs/cgroup/memory/docker/…`) → cgroup path. */
function fromFilesystemPath(h: Hierarchy, query: string): string | undefined {
  for (const dir of mountDirs(h)) {
    if (query === dir) return '/';
    if (query.startsWith(`${dir}/`)) return query.slice(dir.length);
  }
  return undefined;
}

export function resolveTarget(
  hierarchy: Hierarchy, known: readonly KnownCgroup[], query: string, options: ResolveOptions,
): Target {
  const q = query.trim();
  if (q === '') throw new LimitError('input', 'name a container (id, id prefix, name) or a cgroup path');
  if (q.includes('/')) assertCleanCgroupPath(q.startsWith('/') ? q : `/${q}`);
  let found = match(known, q);
  if (!found && q.startsWith('/')) {
    const cgroupPath = fromFilesystemPath(hierarchy, q);
    if (cgroupPath !== undefined) found = known.find((k) => k.path === cgroupPath);
    else if (isSymlink(q)) throw new LimitError('unsafe', `${q} is a symbolic link; name the container or its cgroup path instead`);
  }
  if (!found) {
    throw new LimitError('not-found', `no container or cgroup matches ${JSON.stringify(q)}; \`cgmeter ls --all\` lists them (container names need the engine's socket: --docker-socket, --podman-socket)`);
  }
  if (found.path === '/' && !options.allowRoot) {
    throw new LimitError('unsafe', 'refusing to change the root cgroup (it holds the whole host); pass --allow-root if that is really meant');
  }
  const safe: SafeDirOptions = { hostRoot: hierarchy.hostRoot, mountDirs: mountDirs(hierarchy), requireCgroupFs: options.requireCgroupFs ?? true };
  const homes: Partial<Record<LimitController, ControllerHome>> = {};
  for (const controller of Object.keys(V1_NAMES) as LimitController[]) {
    const v1Mount = hierarchy.v1.get(V1_NAMES[controller]);
    if (v1Mount !== undefined) {
      const dir = safeCgroupDir(v1Mount, found.path, safe);
      if (dir !== undefined) homes[controller] = { version: 1, dir };
      continue;
    }
    // cgroup.freeze is core v2, not a controller: every non-root v2 cgroup has it.
    if (hierarchy.unified !== undefined && (controller === 'freezer' || hierarchy.unifiedControllers.has(controller))) {
      const dir = safeCgroupDir(hierarchy.unified, found.path, safe);
      if (dir !== undefined) homes[controller] = { version: 2, dir };
    }
  }
  return {
    query: q, path: found.path, identity: found.identity, mode: hierarchy.mode,
    hostRoot: hierarchy.hostRoot, procRoot: hierarchy.procRoot, homes,
  };
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
