// Parses /proc/<pid>/mountinfo into the cgroup mounts it lists (v1 hierarchies and cgroup2).

export interface CgroupMount {
  /** Where it is mounted, as mountinfo says (unescaped), e.g. `/sys/fs/cgroup/memory`. */
  readonly mountPoint: string;
  /** The cgroup path of the mount's root (`/` on the host; `/docker/<id>` inside a container without cgroupns). */
  readonly root: string;
  readonly version: 1 | 2;
  /** v1: controllers from the super options (`cpu`, `cpuacct`, …); v2: empty (see cgroup.controllers). */
  readonly controllers: readonly string[];
  /** v1 named hierarchy (`name=systemd` → `systemd`). */
  readonly name?: string;
}

/** mountinfo escapes space, tab, newline and backslash as octal (`\040`). */
function unescapeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** v1 super options that are not controller names. */
const NON_CONTROLLER_OPTIONS = new Set(['rw', 'ro', 'noprefix', 'clone_children', 'xattr', 'cpuset_v2_mode', 'favordynmods']);

export function parseMountinfo(text: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const fields = line.split(' ');
    const separator = fields.indexOf('-', 6);
    if (separator < 0 || fields.length < separator + 3) continue; // not a mountinfo line: skip, never fail
    const fsType = fields[separator + 1];
    if (fsType !== 'cgroup' && fsType !== 'cgroup2') continue;
    const root = unescapeOctal(fields[3] ?? '/');
    const mountPoint = unescapeOctal(fields[4] ?? '');
    if (mountPoint === '') continue;
    if (fsType === 'cgroup2') {
      mounts.push({ mountPoint, root, version: 2, controllers: [] });
      continue;
    }
    const superOptions = (fields[separator + 3] ?? '').split(',');
    const controllers: string[] = [];
    let name: string | undefined;
    for (const option of superOptions) {
      if (option.startsWith('name=')) name = option.slice(5);
      else if (option.includes('=') || NON_CONTROLLER_OPTIONS.has(option)) continue;
      else if (option !== '') controllers.push(option);
    }
    mounts.push({ mountPoint, root, version: 1, controllers, ...(name !== undefined ? { name } : {}) });
  }
  return mounts;
}
