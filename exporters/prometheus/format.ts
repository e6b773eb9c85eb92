// The two exposition formats cgmeter speaks, chosen from the scraper's Accept header, and the
// escaping and number rules both share. Prometheus text 0.0.4 and OpenMetrics 1.0 differ in the
// family header (TYPE name of counters, # UNIT, `unknown` vs `untyped`), HELP escaping and `# EOF`.

import type { MetricType, MetricUnit } from './metric.js';

export type ExpositionFormat = 'prometheus' | 'openmetrics';

export const CONTENT_TYPES: Readonly<Record<ExpositionFormat, string>> = {
  prometheus: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
};

interface MediaRange {
  readonly type: string;
  readonly version?: string;
  readonly q: number;
}

function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of accept.split(',')) {
    const [type, ...params] = part.split(';').map((p) => p.trim());
    if (!type) continue;
    let q = 1;
    let version: string | undefined;
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq < 0) continue;
      const key = param.slice(0, eq).trim().toLowerCase();
      const value = param.slice(eq + 1).trim().replace(/^"|"$/g, '');
      if (key === 'q') q = Number(value);
      else if (key === 'version') version = value;
    }
    if (Number.isFinite(q)) ranges.push({ type: type.toLowerCase(), version, q });
  }
  return ranges;
}

/**
 * OpenMetrics when the scraper ranks it above the text format (Prometheus ≥ 2.5 sends
 * `application/openmetrics-text;version=1.0.0,…,text/plain;version=0.0.4;q=0.5,*\/*;q=0.1`),
 * else the text format, which every scraper understands.
 */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (!accept) return 'prometheus';
  let openMetricsQ = 0;
  let textQ = 0;
  for (const range of parseAccept(accept)) {
    if (range.type === 'application/openmetrics-text' && (range.version === undefined || range.version === '1.0.0' || range.version === '0.0.1')) {
      openMetricsQ = Math.max(openMetricsQ, range.q);
    } else if (range.type === 'text/plain' || range.type === 'text/*' || range.type === '*/*') {
      textQ = Math.max(textQ, range.q);
    }
  }
  return openMetricsQ > 0 && openMetricsQ >= textQ ? 'openmetrics' : 'prometheus';
}

/** Whether Accept-Encoding allows gzip (absent q or q > 0, named or by `*`). */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  let gzipQ: number | undefined;
  let anyQ: number | undefined;
  for (const part of acceptEncoding.split(',')) {
    const [coding, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (coding === 'gzip' || coding === 'x-gzip') gzipQ = q;
    else if (coding === '*') anyQ = q;
  }
  const q = gzipQ ?? anyQ ?? 0;
  return q > 0;
}

const LABEL_ESCAPE = /[\\"\n]/;

/** Label values: backslash, double quote and newline escaped (the same in both formats). */
export function escapeLabelValue(value: string): string {
  if (!LABEL_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text: the text format escapes backslash and newline; OpenMetrics also double quotes. */
export function escapeHelp(help: string, format: ExpositionFormat): string {
  const escaped = help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return format === 'openmetrics' ? escaped.replace(/"/g, '\\"') : escaped;
}

/** Label names: what Prometheus allows ([a-zA-Z_][a-zA-Z0-9_]*), as cAdvisor sanitizes them. */
export function sanitizeLabelName(name: string): string {
  const clean = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(clean) ? `_${clean}` : clean;
}

/** A sample value. Both parsers accept JavaScript's shortest round-trip form (1e-7, 1.5e+21). */
export function formatValue(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '+Inf' : '-Inf';
}

/** The name in `# TYPE`/`# HELP`: OpenMetrics names a counter family without its `_total`. */
export function familyName(name: string, type: MetricType | 'histogram' | 'summary', format: ExpositionFormat): string {
  return format === 'openmetrics' && type === 'counter' && name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
}

/** `# HELP`, `# TYPE` (and `# UNIT` in OpenMetrics) lines of one family, newline-terminated. */
export function familyHeader(
  name: string, help: string, type: MetricType | 'histogram' | 'summary', unit: MetricUnit, format: ExpositionFormat,
): string {
  const family = familyName(name, type, format);
  if (format === 'prometheus') {
    return `# HELP ${family} ${escapeHelp(help, format)}\n# TYPE ${family} ${type === 'unknown' ? 'untyped' : type}\n`;
  }
  // OpenMetrics: a unit may only be declared when the family name ends with it.
  const unitLine = unit !== '' && family.endsWith(`_${unit}`) ? `# UNIT ${family} ${unit}\n` : '';
  return `# TYPE ${family} ${type}\n${unitLine}# HELP ${family} ${escapeHelp(help, format)}\n`;
}

export const OPENMETRICS_EOF = '# EOF\n';
