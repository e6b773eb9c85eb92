// docs/metrics.md documents every family /metrics can contain.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONTAINER_METRICS } from '../../../exporters/prometheus/table/container-metrics.js';
import { SelfMetrics } from '../../../exporters/prometheus/self-metrics.js';
import { fixtureSource } from '../fixture-source.js';

const doc = readFileSync(fileURLToPath(new URL('../../../docs/metrics.md', import.meta.url)), 'utf8');

describe('docs/metrics.md', () => {
  it('has a row for every container family, with its type and compatibility', () => {
    for (const m of CONTAINER_METRICS) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${m.name}\` |`));
      expect(row, m.name).toBeDefined();
      expect(row).toContain(`| ${m.type} |`);
      expect(row).toContain(m.compat === 'cadvisor' ? '| cAdvisor |' : '| cgmeter |');
    }
  });

  it('names every one of cgmeter\'s own families', () => {
    const names = new SelfMetrics(fixtureSource('cgroup-v1'), { version: 'x' }).registry.getMetricsAsArray().map((m) => m.name);
    expect(names.length).toBeGreaterThan(15);
    for (const name of names) expect(doc, name).toContain(`\`${name}\``);
  });
});
