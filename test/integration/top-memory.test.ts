// The memory view (`m`) during consolidation, in a real terminal: two "docker" containers share a
// parent cgroup limited to 200 MiB. One keeps 150 MiB of a file in page cache (re-reading it);
// the other then takes 140 MiB of anonymous memory. The kernel reclaims the first one's file
// pages to make room, and the view shows it: its FILE columns fall as the neighbour's ANON grows.
// (A quarter of that where the only disk-backed filesystem is small, as /disk in the v2 VM.)
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCgroup, destroyAllTestCgroups, requireRootOrSkip, waitFor, type TestCgroup } from '../helpers/kernel.js';
import { topCommandLine, TmuxSession } from '../dashboard/tmux.js';

const skip = requireRootOrSkip({ binaries: ['tmux', 'stress-ng', 'dd'] }, 'cgmeter top memory view');
const MiB = 1024 * 1024;

/**
 * Page cache must be on the file LRU, which reclaim can take: a block-backed filesystem, not tmpfs
 * (or an overlay on it, as the v2 VM's root). The first candidate with room wins; sizes follow it.
 */
function scenario(): { dir: string; fileMiB: number; poolMiB: number; hogMiB: number } | undefined {
  const MEMORY_FS = new Set([0x01021994 /* tmpfs */, 0x858458f6 /* ramfs */, 0x794c7630 /* overlay */]);
  for (const dir of [tmpdir(), '/var/tmp', '/disk']) {
    let free: number;
    try {
      const fs = statfsSync(dir);
      if (MEMORY_FS.has(fs.type)) continue;
      free = (fs.bavail * fs.bsize) / MiB;
    } catch {
      continue; // not here
    }
    if (free >= 400) return { dir, fileMiB: 150, poolMiB: 200, hogMiB: 140 };
    if (free >= 50) return { dir, fileMiB: 36, poolMiB: 64, hogMiB: 44 };
  }
  return undefined;
}
const plan = skip ? undefined : scenario();
if (!skip && plan === undefined) console.warn('skipping the memory view test: no disk-backed filesystem with 50 MiB free');
const CACHE = containerId('cac4e0');
const HOG = containerId('b16b00');
const short = (id: string) => id.slice(0, 12);
const captures = process.env.CGMETER_TOP_CAPTURES;

function containerId(prefix: string): string {
  return prefix + randomBytes(32).toString('hex').slice(prefix.length);
}

const UNITS: Record<string, number> = { B: 1, K: 1024, M: MiB, G: 1024 * MiB };
/** `150M` → bytes (the view's compact sizes, read back). */
function bytes(cell: string | undefined): number {
  const m = /^([\d.]+)([BKMG])$/.exec(cell ?? '');
  return m ? Number(m[1]) * UNITS[m[2]!]! : Number.NaN;
}

/** NAME MEM LIMIT MEM%L ANON+ ANON- FILE+ FILE- … of a container's row. */
function memoryRow(lines: string[], id: string): { anon: number; file: number } | undefined {
  const cells = lines.find((l) => l.startsWith(short(id)))?.split(/\s+/);
  if (!cells) return undefined;
  return { anon: bytes(cells[4]) + bytes(cells[5]), file: bytes(cells[6]) + bytes(cells[7]) };
}

function save(name: string, lines: string[]): void {
  if (!captures) return;
  mkdirSync(captures, { recursive: true });
  writeFileSync(join(captures, `top-${name}.txt`), `${lines.map((l) => l.trimEnd()).join('\n').trimEnd()}\n`);
}

describe.skipIf(skip || plan === undefined)('the memory view during consolidation', { timeout: 300_000 }, () => {
  let session: TmuxSession | undefined;
  let cache: TestCgroup;
  let dataDir: string | undefined;
  const extra: ChildProcess[] = [];

  beforeAll(async () => {
    cache = createTestCgroup(`pool/docker/${CACHE}`, { controllers: ['cpu', 'memory', 'pids'] });
    const v2 = cache.host.mode === 'v2';
    const pool = `${cache.dir('memory').slice(0, -`/docker/${CACHE}`.length)}`;
    const { dir, fileMiB, poolMiB } = plan!;
    writeFileSync(join(pool, v2 ? 'memory.max' : 'memory.limit_in_bytes'), String(poolMiB * MiB));
    dataDir = mkdtempSync(join(dir, 'cgmeter-top-cache-'));
    const file = join(dataDir, 'cache.bin');
    // top first: its start-up (minutes under the v2 VM's emulated CPU) must not compete with the load.
    const top = topCommandLine(['--view', 'memory', '--filter', cache.topPath.slice(1), '--interval', '1s', '--docker-socket', 'none', '--podman-socket', 'none']);
    session = new TmuxSession(`exec ${top}`, 120, 40);
    await session.waitForStart((l) => /^cgmeter top /.test(l[0]!), 'top to start');
    await cache.spawnIn('sh', ['-c', `dd if=/dev/zero of=${file} bs=1M count=${fileMiB} status=none conv=fsync && while :; do cat ${file} > /dev/null; sleep 1; done`]);
  }, 300_000);

  afterAll(async () => {
    session?.kill();
    for (const c of extra) c.kill('SIGKILL');
    await destroyAllTestCgroups();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows a neighbour\'s anonymous memory taking the page cache of the container beside it', async () => {
    const s = session!;
    const { fileMiB, poolMiB, hogMiB } = plan!;
    const before = await s.waitForScreen((l) => (memoryRow(l, CACHE)?.file ?? 0) >= fileMiB * 0.8 * MiB, 'the first container\'s page cache', 60_000);
    expect(memoryRow(before, CACHE)!.file).toBeGreaterThanOrEqual(fileMiB * 0.8 * MiB);
    // The neighbour: a sibling cgroup under the same limited parent, joined before exec like spawnIn does.
    const hogDirs = cache.dirs().map((d) => `${d.slice(0, -CACHE.length)}${HOG}`);
    for (const d of hogDirs) mkdirSync(d);
    const join_ = hogDirs.map((d) => `echo $$ > ${d}/cgroup.procs`).join(' && ');
    const hog = spawn('sh', ['-c', `${join_} && exec stress-ng --vm 1 --vm-bytes ${hogMiB}M --vm-keep --timeout 120s --quiet`], { stdio: 'ignore' });
    extra.push(hog);
    await waitFor(() => hog.pid !== undefined, { what: 'the neighbour to start' });
    const after = await s.waitForScreen((l) => {
      const victim = memoryRow(l, CACHE);
      const neighbour = memoryRow(l, HOG);
      // What is left of the pool once the neighbour's pages are in is all the cache can keep.
      return victim !== undefined && neighbour !== undefined && neighbour.anon >= hogMiB * 0.85 * MiB && victim.file <= (poolMiB - hogMiB * 0.85) * MiB;
    }, 'the page cache reclaimed for the neighbour\'s anonymous memory', 60_000);
    expect(memoryRow(after, HOG)!.anon).toBeGreaterThanOrEqual(hogMiB * 0.85 * MiB);
    expect(memoryRow(after, CACHE)!.file).toBeLessThan(fileMiB * 0.8 * MiB);
    save('memory-reclaim', after);
    // For the README's capture, some history on both sides of the fall.
    if (captures) await sleep(20_000);
    // The victim's own charts: its file pages over time, fallen when the neighbour came.
    await s.escape(); // clears the start-up filter
    s.keys('/');
    s.type(short(CACHE));
    s.keys('Enter');
    save('memory-victim', await s.waitForScreen((l) => l.some((x) => x.startsWith(`── ${short(CACHE)} LRU lists`)) && l.at(-1)!.includes(`filter: ${short(CACHE)}`), 'the victim\'s charts'));
  });
});
