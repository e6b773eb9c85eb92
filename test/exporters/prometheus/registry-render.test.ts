// prom-client metrics rendered by cgmeter's format code: the same rules as the container families.

import { describe, expect, it } from 'vitest';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { renderRegistry } from '../../../exporters/prometheus/registry-render.js';

function registry(): Registry {
  const r = new Registry();
  new Counter({ name: 'x_requests_total', help: 'Requests, "all" of them.', labelNames: ['code'], registers: [r] }).inc({ code: '200' }, 3);
  new Counter({ name: 'x_drops', help: 'Registered without _total.', registers: [r] }).inc(2);
  new Gauge({ name: 'x_temperature_ratio', help: 'A ratio.', registers: [r] }).set(0.25);
  new Gauge({ name: 'x_unset', help: 'Never set, labelled: no series.', labelNames: ['a'], registers: [r] });
  new Histogram({ name: 'x_latency_seconds', help: 'Latency.', buckets: [0.1, 1], registers: [r] }).observe(0.5);
  return r;
}

describe('renderRegistry', () => {
  it('renders the text format with registered names', async () => {
    expect(await renderRegistry(registry(), 'prometheus')).toBe([
      '# HELP x_requests_total Requests, "all" of them.', '# TYPE x_requests_total counter', 'x_requests_total{code="200"} 3',
      '# HELP x_drops Registered without _total.', '# TYPE x_drops counter', 'x_drops 2',
      '# HELP x_temperature_ratio A ratio.', '# TYPE x_temperature_ratio gauge', 'x_temperature_ratio 0.25',
      '# HELP x_latency_seconds Latency.', '# TYPE x_latency_seconds histogram',
      'x_latency_seconds_bucket{le="0.1"} 0', 'x_latency_seconds_bucket{le="1"} 1', 'x_latency_seconds_bucket{le="+Inf"} 1',
      'x_latency_seconds_sum 0.5', 'x_latency_seconds_count 1', '',
    ].join('\n'));
  });

  it('renders OpenMetrics with _total counter samples, units and escaped HELP quotes', async () => {
    const text = await renderRegistry(registry(), 'openmetrics');
    expect(text).toContain('# TYPE x_requests counter\n# HELP x_requests Requests, \\"all\\" of them.\nx_requests_total{code="200"} 3\n');
    expect(text).toContain('# TYPE x_drops counter\n# HELP x_drops Registered without _total.\nx_drops_total 2\n');
    expect(text).toContain('# TYPE x_temperature_ratio gauge\n# UNIT x_temperature_ratio ratio\n# HELP x_temperature_ratio A ratio.\n');
    expect(text).toContain('# TYPE x_latency_seconds histogram\n# UNIT x_latency_seconds seconds\n');
    expect(text).not.toContain('x_unset');
  });
});
