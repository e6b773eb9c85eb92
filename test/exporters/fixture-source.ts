// Snapshots of the fixture trees (test/fixtures/cgroup-v{1,2}) made deterministic for golden
// files: the collector reads the real kernel files, then what depends on the checkout (directory
// inodes and ctimes) and on the clock is replaced by fixed values. Docker identities of the v1
// tree get the name, image and labels its captured Engine API answers say.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Collector, ALL_GROUPS, type CollectorStats } from '../../collector/poller.js';
import { derive, type Snapshot } from '../../collector/model/derive.js';
import type { CgroupSample } from '../../collector/model/sample.js';
import type { ContainerIdentity } from '../../collector/model/identity.js';
import type { CollectionHealth, SnapshotSource } from '../../collector/service.js';
import type { HierarchyMode } from '../../collector/hierarchy/hierarchy.js';

export const FIXED_TIMESTAMP_MS = 1795444800000; // 2026-11-23T08:40:00Z
const FIXED_CREATED_MS = FIXED_TIMESTAMP_MS - 3600_000;

export const fixtureDir = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

interface EngineContainer {
  Name: string;
  Config: { Image: string; Labels: Record<string, string> | null };
}

function dockerIdentity(fixture: string, identity: ContainerIdentity): ContainerIdentity {
  if (identity.runtime !== 'docker') return identity;
  let answer: EngineContainer;
  try {
    answer = JSON.parse(readFileSync(`${fixtureDir(fixture)}/docker-api/container-${identity.id}.json`, 'utf8')) as EngineContainer;
  } catch {
    return identity; // no captured answer for this container
  }
  return { ...identity, name: answer.Name.replace(/^\//, ''), image: answer.Config.Image, labels: answer.Config.Labels ?? {} };
}

/** Samples of a fixture tree, normalized; `percpu` adds per-CPU usage (v1 only has it). */
export function fixtureSamples(fixture: 'cgroup-v1' | 'cgroup-v2', options: { percpu?: boolean } = {}): { samples: CgroupSample[]; mode: HierarchyMode; stats: CollectorStats } {
  const groups = new Set(ALL_GROUPS);
  if (options.percpu) groups.add('percpu');
  const collector = new Collector({ hostRoot: fixtureDir(fixture), reader: 'fallback', groups });
  try {
    collector.discover();
    const samples = collector.sample()
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
      .map((s, i): CgroupSample => ({
        ...s,
        inode: 1000 + i,
        timestampMs: FIXED_TIMESTAMP_MS,
        monotonicMs: 1_000_000,
        createdMs: FIXED_CREATED_MS + i * 1000,
        identity: dockerIdentity(fixture, s.identity),
      }));
    // Stats of a real collector (whatever fields it has), with the run-dependent ones zeroed.
    const stats: CollectorStats = { ...collector.stats, readErrors: {}, lastSampleCpuMicros: 0, lastDiscoveryMs: 0, openFds: 0 };
    return { samples, mode: collector.hierarchy.mode, stats };
  } finally {
    collector.close();
  }
}

/** A SnapshotSource over fixed Snapshots (what CollectorService would hand out). */
export function staticSource(
  snapshots: readonly Snapshot[], mode: HierarchyMode, stats: CollectorStats, health?: Partial<CollectionHealth>,
): SnapshotSource {
  const full: CollectionHealth = {
    ...stats, cgroups: snapshots.length, reader: 'fallback', hierarchyMode: mode,
    samplesTaken: 1, lastSampleMs: FIXED_TIMESTAMP_MS, lastSampleDurationMs: 0, sampleErrors: 0, limitsWatched: false, ...health,
  };
  return { latest: () => snapshots, health: () => full };
}

export function fixtureSource(fixture: 'cgroup-v1' | 'cgroup-v2', options: { percpu?: boolean } = {}): SnapshotSource {
  const { samples, mode, stats } = fixtureSamples(fixture, options);
  return staticSource(samples.map((s) => derive(s)), mode, stats);
}
