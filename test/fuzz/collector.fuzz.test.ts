// The whole collector on a temp copy of each real fixture tree whose counter files are rewritten
// (in place, so cached fds see it) with hostile contents between samples, and some cgroups removed
// mid-run: discover/sample/assemble never throw, and derive never yields a negative or NaN rate.

import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { Collector, ALL_GROUPS } from '../../collector/poller.js';
import { derive, type Snapshot } from '../../collector/model/derive.js';
import type { CgroupSample } from '../../collector/model/sample.js';
import { v1Sources, v2Sources } from '../../collector/counters/sources.js';
import { CASE_BUDGET_MS, fuzzParams, propertyTimeoutMs, timed } from './budget.js';
import { FIXTURES, hostileText, realTexts } from './corpus.js';

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

const COUNTER_NAMES = new Set([...v1Sources(2), ...v2Sources()].flatMap((s) => s.files));

function counterFiles(dir: string, into: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) counterFiles(path, into);
    else if (COUNTER_NAMES.has(entry.name)) into.push(path);
  }
  return into;
}

/** Every rate and derived value must be absent or a finite number ≥ 0 (limits may be Infinity). */
function expectSaneSnapshot(s: Snapshot): void {
  const rates: Record<string, number | undefined> = {
    ...prefixed('cpu', s.cpu), ...prefixed('memory', s.memory), ...prefixed('blockIo', s.blockIo), ...prefixed('network', s.network),
  };
  for (const [name, value] of Object.entries(rates)) {
    if (value === undefined) continue;
    if (name === 'cpu.limitCores' && value === Infinity) continue;
    if (!(Number.isFinite(value) && value >= 0)) throw new Error(`${s.sample.path}: ${name} = ${value}`);
  }
  if (s.cpu.throttledRatio !== undefined) expect(s.cpu.throttledRatio).toBeLessThanOrEqual(1);
}

function prefixed(prefix: string, o: object): Record<string, number | undefined> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => typeof v === 'number' || v === undefined).map(([k, v]) => [`${prefix}.${k}`, v as number | undefined]));
}

describe.each(['cgroup-v1', 'cgroup-v2'] as const)('Collector on a mutated %s tree', (fixture) => {
  const root = mkdtempSync(join(tmpdir(), `cgmeter-fuzz-${fixture}-`));
  temps.push(root);
  cpSync(join(FIXTURES, fixture), root, { recursive: true });
  const files = counterFiles(join(root, 'sys'));
  const originals = new Map(files.map((f) => [f, readFileSync(f)]));
  const textsByFile = new Map(files.map((f) => [f, [originals.get(f)!.toString('latin1'), ...realTexts(basename(f))]]));

  const rewrite = fc.array(
    fc.nat({ max: files.length - 1 }).chain((i) => hostileText(textsByFile.get(files[i]!)!).map((text) => [files[i]!, text] as const)),
    { minLength: 1, maxLength: 12 },
  );

  it('sample → rewrite → sample → derive: nothing throws, no negative or NaN rate', () => {
    for (const reader of ['fallback', 'auto'] as const) {
      const collector = new Collector({ hostRoot: root, reader, groups: new Set([...ALL_GROUPS, 'percpu']) });
      try {
        collector.discover();
        let previous = new Map(collector.sample().map((s) => [s.path, s]));
        fc.assert(
          fc.property(rewrite, fc.boolean(), (changes, rediscover) => {
            for (const [path, text] of changes) writeFileSync(path, Buffer.from(text, 'latin1'));
            const { value: samples, ms } = timed(() => {
              if (rediscover) collector.discover();
              return collector.sample();
            });
            expect(ms).toBeLessThan(CASE_BUDGET_MS);
            const next = new Map<string, CgroupSample>();
            for (const s of samples) {
              // Time moves on by a second between readings, as the poller's clock would.
              const current = { ...s, monotonicMs: (previous.get(s.path)?.monotonicMs ?? s.monotonicMs) + 1000 };
              expectSaneSnapshot(derive(current, previous.get(s.path)));
              next.set(s.path, current);
            }
            previous = next;
          }),
          fuzzParams(80),
        );
      } finally {
        collector.close();
        for (const [path, bytes] of originals) writeFileSync(path, bytes);
      }
    }
  }, propertyTimeoutMs(160, 60));

  it('cgroups whose directories vanish mid-run are dropped, never thrown about', () => {
    const copy = mkdtempSync(join(tmpdir(), `cgmeter-fuzz-gone-${fixture}-`));
    temps.push(copy);
    cpSync(join(FIXTURES, fixture), copy, { recursive: true });
    const collector = new Collector({ hostRoot: copy, reader: 'auto', groups: ALL_GROUPS });
    try {
      collector.discover();
      const before = collector.sample().length;
      expect(before).toBeGreaterThan(1);
      // Remove every non-root cgroup directory in every hierarchy (what rmdir does to a live group).
      const cgroupRoot = join(copy, 'sys/fs/cgroup');
      const hierarchies = fixture === 'cgroup-v2' ? [cgroupRoot] : readdirSync(cgroupRoot).map((h) => join(cgroupRoot, h));
      for (const h of hierarchies) {
        if (!statSync(h).isDirectory()) continue;
        for (const d of readdirSync(h, { withFileTypes: true })) if (d.isDirectory()) rmSync(join(h, d.name), { recursive: true, force: true });
      }
      collector.sample(); // open fds still read the unlinked files: what matters is no throw
      collector.discover();
      expect(collector.sample().map((s) => s.path)).toEqual(['/']);
      expect(collector.stats.cgroups).toBe(1);
    } finally {
      collector.close();
    }
  });
});
