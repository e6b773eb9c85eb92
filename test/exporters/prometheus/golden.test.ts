// Golden files: the fixture trees' Snapshots (test/fixtures/cgroup-v{1,2}, made deterministic by
// fixture-source.ts) rendered to the expected exposition in both formats. After a deliberate change,
// regenerate with `UPDATE_GOLDEN=1 npx vitest run test/exporters` and review the diff.

import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PrometheusExporter } from '../../../exporters/prometheus/exporter.js';
import { OPENMETRICS_EOF, type ExpositionFormat } from '../../../exporters/prometheus/format.js';
import { fixtureSource } from '../fixture-source.js';
import { findBinary } from '../../helpers/kernel.js';

const golden = (name: string) => fileURLToPath(new URL(`../golden/${name}`, import.meta.url));
const EXTENSIONS: Record<ExpositionFormat, string> = { prometheus: 'prom', openmetrics: 'openmetrics' };
const update = process.env.UPDATE_GOLDEN === '1';
const promtool = findBinary('promtool');

describe.each(['cgroup-v1', 'cgroup-v2'] as const)('%s fixture', (fixture) => {
  const exporter = new PrometheusExporter(fixtureSource(fixture), undefined, { version: '0.0.0-test' });

  it.each(['prometheus', 'openmetrics'] as const)('renders the container families in %s format as the golden file says', (format) => {
    const text = exporter.containerText(format) + (format === 'openmetrics' ? OPENMETRICS_EOF : '');
    const file = golden(`${fixture}.${EXTENSIONS[format]}`);
    if (update || !existsSync(file)) writeFileSync(file, text);
    expect(text).toBe(readFileSync(file, 'utf8'));
  });

  it.skipIf(!promtool && process.env.CI !== 'true')('passes promtool check metrics (text format, lint included)', () => {
    const result = spawnSync(promtool ?? 'promtool', ['check', 'metrics'], { input: exporter.containerText('prometheus'), encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
