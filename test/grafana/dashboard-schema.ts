// A compact JSON schema of what Grafana needs to load a provisioned dashboard (the fields its
// dashboard model reads before it migrates anything), and a validator for the subset of JSON
// Schema it uses. No package with Grafana's own JSON schema is installed here (@grafana/schema
// ships TypeScript types, not JSON Schema), so the shape is written down from those types.

export interface Schema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: readonly unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}

const datasource: Schema = { type: 'object', required: ['type', 'uid'], properties: { type: { type: 'string', enum: ['prometheus', 'influxdb'] }, uid: { type: 'string' } } };
const gridPos: Schema = {
  type: 'object', required: ['x', 'y', 'w', 'h'],
  properties: { x: { type: 'integer', minimum: 0, maximum: 23 }, y: { type: 'integer', minimum: 0 }, w: { type: 'integer', minimum: 1, maximum: 24 }, h: { type: 'integer', minimum: 1 } },
};
const target: Schema = { type: 'object', required: ['refId', 'datasource'], properties: { refId: { type: 'string', pattern: '^[A-Z]$' }, datasource } };

export const DASHBOARD_SCHEMA: Schema = {
  type: 'object',
  required: ['uid', 'title', 'schemaVersion', 'panels', 'templating', 'time'],
  properties: {
    uid: { type: 'string', pattern: '^[a-zA-Z0-9_-]+$', maxLength: 40 },
    title: { type: 'string' },
    schemaVersion: { type: 'integer', minimum: 36 },
    tags: { type: 'array', items: { type: 'string' } },
    time: { type: 'object', required: ['from', 'to'], properties: { from: { type: 'string' }, to: { type: 'string' } } },
    refresh: { type: 'string' },
    panels: {
      type: 'array',
      items: {
        type: 'object', required: ['id', 'type', 'title', 'gridPos'],
        properties: {
          id: { type: 'integer', minimum: 1 },
          type: { type: 'string', enum: ['row', 'timeseries', 'stat', 'bargauge', 'table'] },
          title: { type: 'string' },
          gridPos,
          datasource,
          targets: { type: 'array', items: target },
          fieldConfig: { type: 'object', required: ['defaults'], properties: { defaults: { type: 'object' } } },
          options: { type: 'object' },
        },
      },
    },
    templating: {
      type: 'object', required: ['list'],
      properties: {
        list: {
          type: 'array',
          items: {
            type: 'object', required: ['name', 'type'],
            properties: { name: { type: 'string', pattern: '^[a-zA-Z_]\\w*$' }, type: { type: 'string', enum: ['query', 'datasource', 'custom', 'textbox', 'constant', 'adhoc', 'interval'] } },
          },
        },
      },
    },
  },
};

/** Every violation as "path: what is wrong"; empty when the value conforms. */
export function validate(value: unknown, schema: Schema, path = '$'): string[] {
  const errors: string[] = [];
  const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : Number.isInteger(value) ? 'integer' : typeof value;
  if (schema.type && !(schema.type === kind || (schema.type === 'number' && kind === 'integer'))) return [`${path}: expected ${schema.type}, got ${kind}`];
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) errors.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) errors.push(`${path}: longer than ${schema.maxLength}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: ${value} < ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${path}: ${value} > ${schema.maximum}`);
  }
  if (kind === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in obj)) errors.push(`${path}: missing ${key}`);
    for (const [key, sub] of Object.entries(schema.properties ?? {})) if (key in obj) errors.push(...validate(obj[key], sub, `${path}.${key}`));
  }
  if (kind === 'array' && schema.items) (value as unknown[]).forEach((item, i) => errors.push(...validate(item, schema.items!, `${path}[${i}]`)));
  return errors;
}
