// Disk usage of a container's writable layer: a bounded walk of its overlay upper directory, as
// `du` counts it (allocated blocks, each inode once). Asynchronous so that a large layer never
// holds up sampling; bounded in entries so that a pathological layer costs a known amount.

import { opendir, lstat } from 'node:fs/promises';
import { join } from 'node:path';

export interface LayerUsage {
  readonly usageBytes: number;
  /** Inodes in the layer (each hard-linked file once). */
  readonly inodes: number;
  /** True when the walk stopped at the entry bound: the usage is then a lower bound. */
  readonly truncated: boolean;
}

export async function walkLayer(dir: string, maxEntries: number): Promise<LayerUsage | undefined> {
  const seen = new Set<number>();
  let usageBytes = 0;
  let entries = 0;
  let truncated = false;
  const stack: string[] = [dir];
  try {
    const top = await lstat(dir, { bigint: false });
    usageBytes += top.blocks * 512;
    seen.add(top.ino);
  } catch {
    return undefined; // the container went away, or the layer lives elsewhere
  }
  while (stack.length > 0 && !truncated) {
    const current = stack.pop()!;
    let handle;
    try {
      handle = await opendir(current);
    } catch {
      continue; // removed while walking
    }
    for await (const entry of handle) {
      if (++entries > maxEntries) {
        truncated = true;
        break;
      }
      const path = join(current, entry.name);
      try {
        const st = await lstat(path);
        if (!seen.has(st.ino)) {
          seen.add(st.ino);
          usageBytes += st.blocks * 512; // du counts allocated blocks, not apparent size
        }
        if (entry.isDirectory()) stack.push(path);
      } catch {
        // removed while walking: not counted
      }
    }
  }
  return { usageBytes, inodes: seen.size, truncated };
}
