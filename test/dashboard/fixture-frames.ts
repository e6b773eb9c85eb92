// Test support: real Snapshots from the fixture trees (test/fixtures/cgroup-v1, -v2): the first
// reading, then the second-sample files written over it in place and read again "5 s later".
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_GROUPS, Collector } from '../../collector/poller.js';
import { derive, type Snapshot } from '../../collector/model/derive.js';
import type { CgroupSample } from '../../collector/model/sample.js';

export type FixtureName = 'cgroup-v1' | 'cgroup-v2';

export interface FixtureReadings {
  readonly first: CgroupSample[];
  readonly second: CgroupSample[];
  /** derive(second, first): every rate over exactly 5 s. */
  readonly snapshots: Snapshot[];
  /** Wall time of the second reading. */
  readonly timeMs: number;
}

/** Fixed wall time of the first reading, so uptimes in the tests do not depend on the clock. */
export const FIRST_READING_MS = Date.UTC(2026, 10, 23, 12, 0, 0);
/** Every fixture cgroup "was made" this long before the second reading (the copy's ctime is now). */
export const FIXTURE_AGE_MS = 3_723_000;

const cache = new Map<FixtureName, FixtureReadings>();

function overwriteInPlace(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.isDirectory()) overwriteInPlace(join(from, entry.name), join(to, entry.name));
    // Same inode: the collector's cached fds must see the new content.
    else writeFileSync(join(to, entry.name), readFileSync(join(from, entry.name)));
  }
}

export function fixtureReadings(name: FixtureName): FixtureReadings {
  const cached = cache.get(name);
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'cgmeter-dash-'));
  try {
    cpSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)), dir, { recursive: true });
    const collector = new Collector({ hostRoot: dir, reader: 'fallback', groups: ALL_GROUPS });
    try {
      collector.discover();
      const createdMs = FIRST_READING_MS + 5000 - FIXTURE_AGE_MS;
      const first = collector.sample().map((s) => ({ ...s, createdMs, timestampMs: FIRST_READING_MS, monotonicMs: 1_000_000 }));
      overwriteInPlace(join(dir, 'second-sample/sys'), join(dir, 'sys'));
      const second = collector.sample().map((s) => ({ ...s, createdMs, timestampMs: FIRST_READING_MS + 5000, monotonicMs: 1_005_000 }));
      const byPath = new Map(first.map((s) => [s.path, s]));
      const readings = { first, second, snapshots: second.map((s) => derive(s, byPath.get(s.path))), timeMs: FIRST_READING_MS + 5000 };
      cache.set(name, readings);
      return readings;
    } finally {
      collector.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const V2_DOCKER_A = '/system.slice/docker-376f487bf99250bcc5fc3fe8c25a75d3176d40b0050403f03b4d7d31fd48e7f2.scope';
export const V2_DOCKER_B = '/system.slice/docker-4e7d912fd6788b3f2fa2968e1e1f2e737bab4bd782c6f906952f5870492ce4a2.scope';
export const V2_BURSTABLE_APP = '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod8c2e9f4a_3b1d_4e6f_9a7c_5d2b1e0f3a4c.slice/cri-containerd-b63540b4e9c0dcbeaacc004c937a35a180b5d59fd55a9acb0a21d4d62ac8ea2f.scope';
export const V1_DOCKER_A = '/docker/5aacd01bb9954993bfff3b1738339116d934bc62d7589f515d57dd78d53bbb83';
