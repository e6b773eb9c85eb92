// Content negotiation and the rules of the two exposition formats.

import { describe, expect, it } from 'vitest';
import {
  acceptsGzip, escapeHelp, escapeLabelValue, familyHeader, formatValue, negotiateFormat, sanitizeLabelName,
} from '../../../exporters/prometheus/format.js';

describe('negotiateFormat', () => {
  it.each([
    [undefined, 'prometheus'],
    ['*/*', 'prometheus'],
    ['text/plain;version=0.0.4', 'prometheus'],
    ['application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1', 'openmetrics'],
    ['application/openmetrics-text', 'openmetrics'],
    ['application/openmetrics-text; version=0.0.1', 'openmetrics'],
    ['application/openmetrics-text;version=2.0.0,text/plain;q=0.5', 'prometheus'],
    ['text/plain;q=1, application/openmetrics-text;q=0.5', 'prometheus'],
    ['application/openmetrics-text;q=0', 'prometheus'],
    ['application/json', 'prometheus'],
  ] as const)('Accept %s → %s', (accept, format) => {
    expect(negotiateFormat(accept)).toBe(format);
  });
});

describe('acceptsGzip', () => {
  it.each([
    [undefined, false], ['gzip', true], ['deflate, gzip;q=0.5', true], ['gzip;q=0', false],
    ['identity', false], ['*', true], ['*;q=0, gzip;q=0', false], ['x-gzip', true],
  ] as const)('Accept-Encoding %s → %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});

describe('escaping and names', () => {
  it('escapes label values the same in both formats', () => {
    expect(escapeLabelValue('plain')).toBe('plain');
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });

  it('escapes HELP quotes only in OpenMetrics', () => {
    expect(escapeHelp('say "x"\\\n', 'prometheus')).toBe('say "x"\\\\\\n');
    expect(escapeHelp('say "x"', 'openmetrics')).toBe('say \\"x\\"');
  });

  it('sanitizes label names as cAdvisor does, never starting with a digit', () => {
    expect(sanitizeLabelName('com.docker.compose.project')).toBe('com_docker_compose_project');
    expect(sanitizeLabelName('app.kubernetes.io/name')).toBe('app_kubernetes_io_name');
    expect(sanitizeLabelName('9lives')).toBe('_9lives');
  });

  it('formats values in forms both parsers read', () => {
    expect(formatValue(42)).toBe('42');
    expect(formatValue(0.000000007)).toBe('7e-9');
    // Shortest form that parses back to the same float64 (Go's ParseFloat reads it exactly so).
    expect(formatValue(2 ** 60)).toBe('1152921504606847000');
    expect(formatValue(Infinity)).toBe('+Inf');
    expect(formatValue(-Infinity)).toBe('-Inf');
    expect(formatValue(NaN)).toBe('NaN');
  });
});

describe('familyHeader', () => {
  it('writes HELP then TYPE in the text format, with untyped for unknown', () => {
    expect(familyHeader('a_seconds_total', 'h', 'counter', 'seconds', 'prometheus')).toBe('# HELP a_seconds_total h\n# TYPE a_seconds_total counter\n');
    expect(familyHeader('container_memory_failcnt', 'h', 'unknown', '', 'prometheus')).toBe('# HELP container_memory_failcnt h\n# TYPE container_memory_failcnt untyped\n');
  });

  it('names OpenMetrics counter families without _total and declares a unit only when the name ends with it', () => {
    expect(familyHeader('a_seconds_total', 'h', 'counter', 'seconds', 'openmetrics')).toBe('# TYPE a_seconds counter\n# UNIT a_seconds seconds\n# HELP a_seconds h\n');
    expect(familyHeader('container_memory_rss', 'h', 'gauge', 'bytes', 'openmetrics')).toBe('# TYPE container_memory_rss gauge\n# HELP container_memory_rss h\n');
    expect(familyHeader('container_memory_failcnt', 'h', 'unknown', '', 'openmetrics')).toBe('# TYPE container_memory_failcnt unknown\n# HELP container_memory_failcnt h\n');
  });
});
