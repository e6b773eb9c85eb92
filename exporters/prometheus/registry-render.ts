// Renders a prom-client Registry with cgmeter's own format code, so that its families join the
// container families in one exposition with the same rules. (prom-client's own renderer strips
// `_total` from counter names in place when asked for OpenMetrics, which breaks a later text render.)

import type { Registry } from 'prom-client';
import { escapeLabelValue, familyHeader, familyName, formatValue, type ExpositionFormat } from './format.js';
import type { MetricUnit } from './metric.js';

function unitOf(name: string): MetricUnit {
  const base = name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
  if (base.endsWith('_seconds')) return 'seconds';
  if (base.endsWith('_bytes')) return 'bytes';
  if (base.endsWith('_ratio')) return 'ratio';
  return '';
}

function labelText(labels: Record<string, string | number | undefined>): string {
  let text = '';
  for (const [name, value] of Object.entries(labels)) {
    if (value === undefined) continue;
    const shown = typeof value === 'number' ? formatValue(value) : value;
    text += `${text === '' ? '' : ','}${name}="${escapeLabelValue(shown)}"`;
  }
  return text === '' ? '' : `{${text}}`;
}

type Family = Awaited<ReturnType<Registry['getMetricsAsJSON']>>[number];
/** Histogram rows name their own series (`_bucket`, `_sum`, `_count`). */
type Sample = Family['values'][number] & { metricName?: string };

export async function renderRegistry(registry: Registry, format: ExpositionFormat): Promise<string> {
  const families = await registry.getMetricsAsJSON();
  let text = '';
  for (const family of families) {
    if (family.values.length === 0) continue;
    // prom-client's JSON gives the type as a string ('counter'), whatever its typings say.
    const type = family.type as unknown as 'counter' | 'gauge' | 'histogram' | 'summary';
    text += familyHeader(family.name, family.help, type, unitOf(family.name), format);
    // OpenMetrics counter samples end in _total even when the counter was registered without it
    // (prom-client renders them so too); the text format keeps the registered name.
    const counterSample = format === 'openmetrics' && type === 'counter' ? `${familyName(family.name, type, format)}_total` : undefined;
    for (const sample of family.values as Sample[]) {
      text += `${sample.metricName ?? counterSample ?? family.name}${labelText(sample.labels)} ${formatValue(sample.value)}\n`;
    }
  }
  return text;
}
