// The only code that opens kernel files for writing. A cgroup directory is accepted only when it is
// lexically clean (no `..`, `.`, empty or NUL segments), sits under a cgroup mount that mountinfo
// listed, has no symlink anywhere below the host root (lstat of every component, and its realpath
// is itself), and is on a cgroup filesystem; a file is written only when its name is allowlisted,
// it is a regular file and not a symlink (O_NOFOLLOW closes the gap between lstat and open).

import { closeSync, constants, lstatSync, openSync, readFileSync, realpathSync, statfsSync, writeSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { LimitError } from './errors.js';
import { isAllowedFile } from './files.js';

const CGROUP_SUPER_MAGIC = 0x27e0eb;
const CGROUP2_SUPER_MAGIC = 0x63677270;

export interface SafeDirOptions {
  /** The host root the mounts were found under (`/`, or --host-root). */
  readonly hostRoot: string;
  /** Mount directories from mountinfo (absolute, under hostRoot). */
  readonly mountDirs: ReadonlySet<string>;
  /**
   * Refuse directories not on cgroupfs/cgroup2 (statfs). Only tests on copied fixture trees
   * turn this off; the CLI and the API never do.
   */
  readonly requireCgroupFs: boolean;
}

/** Refuses cgroup paths that are not plain `/a/b/c` (no `..`, `.`, `//`, NUL, backslash tricks). */
export function assertCleanCgroupPath(cgroupPath: string): void {
  if (!cgroupPath.startsWith('/')) throw new LimitError('unsafe', `cgroup path ${JSON.stringify(cgroupPath)} must start with /`);
  if (cgroupPath === '/') return;
  const segments = cgroupPath.slice(1).split('/');
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..' || segment.includes('\0')) {
      throw new LimitError('unsafe', `cgroup path ${JSON.stringify(cgroupPath)} has a ${segment === '' ? 'empty' : JSON.stringify(segment)} segment; name the cgroup by its plain path (no . or ..)`);
    }
  }
}

/**
 * Returns the directory of `cgroupPath` under `mountDir` after every check, or undefined when it
 * does not exist there (the cgroup is absent from that hierarchy). Throws LimitError('unsafe').
 */
export function safeCgroupDir(mountDir: string, cgroupPath: string, options: SafeDirOptions): string | undefined {
  assertCleanCgroupPath(cgroupPath);
  if (!options.mountDirs.has(mountDir)) {
    throw new LimitError('unsafe', `${mountDir} is not a cgroup mount listed in mountinfo`);
  }
  const dir = cgroupPath === '/' ? mountDir : join(mountDir, cgroupPath);
  const realRoot = realpathSync(options.hostRoot);
  const rel = relative(options.hostRoot, dir);
  if (rel.startsWith('..') || rel.split(sep).includes('..')) throw new LimitError('unsafe', `${dir} is outside the host root ${options.hostRoot}`);
  // Every component below the (operator-chosen) host root must be a real directory, not a link.
  let current = realRoot;
  for (const part of rel.split(sep).filter(Boolean)) {
    current = join(current, part);
    let st;
    try {
      st = lstatSync(current);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    if (st.isSymbolicLink()) throw new LimitError('unsafe', `${current} is a symbolic link; cgmeter never writes through links`);
    if (!st.isDirectory()) throw new LimitError('unsafe', `${current} is not a directory`);
  }
  if (realpathSync(current) !== current) throw new LimitError('unsafe', `${current} resolves elsewhere (${realpathSync(current)}); refusing`);
  if (options.requireCgroupFs) {
    const type = statfsSync(current).type;
    if (type !== CGROUP_SUPER_MAGIC && type !== CGROUP2_SUPER_MAGIC) {
      throw new LimitError('unsafe', `${current} is not on a cgroup filesystem (statfs type 0x${type.toString(16)})`);
    }
  }
  return current;
}

/** Reads a file of a checked directory; undefined when absent. Never follows a link. */
export function readKernelFile(dir: string, name: string): string | undefined {
  if (name.includes('/') || name.startsWith('.')) throw new Error(`bug: kernel file name ${JSON.stringify(name)}`);
  const file = join(dir, name);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new LimitError('unsafe', `${file} is a symbolic link; refusing to read it`);
    throw err;
  }
  try {
    return readFileSync(fd, 'latin1');
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `text` to an allowlisted file of a checked directory in one write(2), as the kernel wants
 * a cgroup value in one go. Errors are the kernel's (EBUSY, EINVAL, …) for the caller to explain.
 */
export function writeKernelFile(dir: string, name: string, text: string): void {
  if (!isAllowedFile(name)) throw new Error(`bug: ${name} is not on the limits allowlist`);
  const file = join(dir, name);
  const st = lstatSync(file);
  if (st.isSymbolicLink() || !st.isFile()) throw new LimitError('unsafe', `${file} is not a regular file; refusing to write it`);
  // O_TRUNC matters only on copied fixture trees (regular files); cgroupfs ignores it.
  const fd = openSync(file, constants.O_WRONLY | constants.O_NOFOLLOW | constants.O_TRUNC);
  try {
    const bytes = Buffer.from(text, 'latin1');
    const written = writeSync(fd, bytes, 0, bytes.length);
    if (written !== bytes.length) throw new Error(`short write to ${file}: ${written} of ${bytes.length} bytes`);
  } finally {
    closeSync(fd);
  }
}
