// Test support: a Snapshot source the test drives by hand, a log that records what was said, and
// Snapshots of the real-kernel fixture trees (test/fixtures/cgroup-v1, cgroup-v2).

import { fileURLToPath } from 'node:url';
import { Collector, ALL_GROUPS } from '../../../../collector/poller.js';
import { derive, type Snapshot } from '../../../../collector/model/derive.js';
import type { SnapshotListener } from '../../../../collector/service.js';
import type { InfluxLog } from '../../../../exporters/influx/log-throttle.js';
import { DEFAULT_INFLUX_OPTIONS, type InfluxOptions } from '../../../../exporters/influx/options.js';

export class ManualSource {
  private listeners: SnapshotListener[] = [];
  onSnapshots(listener: SnapshotListener): void {
    this.listeners.push(listener);
  }
  emit(snapshots: readonly Snapshot[]): void {
    for (const l of this.listeners) l(snapshots, []);
  }
}

export interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
}

export function recordingLog(echo = false): InfluxLog & { lines: LogLine[]; text(): string } {
  const lines: LogLine[] = [];
  const add = (level: LogLine['level']) => (message: string) => {
    lines.push({ level, message });
    if (echo) console.log(`[${level}] ${message}`);
  };
  return { lines, info: add('info'), warn: add('warn'), error: add('error'), text: () => lines.map((l) => `${l.level}: ${l.message}`).join('\n') };
}

/** Two samples of a fixture tree, the second derived from the first (rates are 0: the files do not change). */
export function fixtureSnapshots(tree: 'cgroup-v1' | 'cgroup-v2'): Snapshot[] {
  const hostRoot = fileURLToPath(new URL(`../../../fixtures/${tree}`, import.meta.url));
  const collector = new Collector({ hostRoot, reader: 'fallback', groups: ALL_GROUPS });
  try {
    collector.discover();
    const first = new Map(collector.sample().map((s) => [s.path, s]));
    return collector.sample().map((s) => derive(s, first.get(s.path)));
  } finally {
    collector.close();
  }
}

/** Options for tests: small delays so that retries and recoveries happen within seconds. */
export function testOptions(overrides: Partial<InfluxOptions> & Pick<InfluxOptions, 'url' | 'api'>): InfluxOptions {
  return {
    ...DEFAULT_INFLUX_OPTIONS,
    host: 'test-node',
    flushIntervalMs: 200,
    timeoutMs: 2000,
    minRetryDelayMs: 100,
    maxRetryDelayMs: 1000,
    parkedRetryDelayMs: 500,
    closeTimeoutMs: 3000,
    ...overrides,
  };
}

/** Parses one line of our own line protocol (no string fields) into its parts. */
export function parseLine(line: string): { measurement: string; tags: Record<string, string>; fields: Record<string, number>; timestamp: number } {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\' && ',= '.includes(line[i + 1] ?? '')) current += line[i] + line[++i]!;
    else if (line[i] === ' ') { parts.push(current); current = ''; } else current += line[i];
  }
  parts.push(current);
  const split = (text: string, sep: string) => text.split(new RegExp(`(?<!\\\\)${sep}`));
  const unescape = (t: string) => t.replace(/\\([,= ])/g, '$1');
  const [measurement, ...tagPairs] = split(parts[0]!, ',');
  const tags = Object.fromEntries(tagPairs.map((p) => split(p, '=').map(unescape) as [string, string]));
  const fields = Object.fromEntries(split(parts[1]!, ',').map((p) => {
    const [k, v] = split(p, '=') as [string, string];
    return [k, Number(v.replace(/i$/, ''))];
  }));
  return { measurement: measurement!, tags, fields, timestamp: Number(parts[2]) };
}
