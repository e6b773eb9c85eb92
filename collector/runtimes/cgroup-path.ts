// Normalises a cgroup path as /proc/<pid>/cgroup or a tree walk reports it, so that every runtime
// module matches the same segments whatever slashes the caller used.

export interface CgroupPath {
  /** Leading `/`, no trailing or doubled `/`, no `.` segments; `/` for the root (and for ''). */
  readonly path: string;
  /** The names below the root: `/a/b` → ['a', 'b']. */
  readonly segments: readonly string[];
  /**
   * False when the path has a `..` segment. The kernel never names a cgroup `..`, and resolving it
   * would let `/docker/<id>/..` pose as something it is not, so only `raw` may claim such a path.
   */
  readonly claimable: boolean;
}

export function parseCgroupPath(input: string): CgroupPath {
  // `.` is dropped because it means nothing; `..` is kept (see `claimable`).
  const segments = input.split('/').filter((segment) => segment !== '' && segment !== '.');
  return { path: `/${segments.join('/')}`, segments, claimable: !segments.includes('..') };
}

/** The segments a runtime module may match, or undefined when the path is root or unclaimable. */
export function claimableSegments(input: string): readonly string[] | undefined {
  const parsed = parseCgroupPath(input);
  return parsed.claimable && parsed.segments.length > 0 ? parsed.segments : undefined;
}
