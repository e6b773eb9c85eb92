// The config file: YAML (or JSON) whose keys are the long flag names, e.g.
//   listen: 127.0.0.1:19338
//   interval: 1s
//   label-allowlist: com.docker.compose.service
//   cgroup-prefix: [/docker, /kubepods]
// Precedence: command-line flag > environment variable > config file > built-in default.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { UsageError } from './units.js';

export type ConfigValues = Record<string, string | boolean | string[]>;

/** The YAML parser, loaded on the first --config (it is a tenth of a second of every start otherwise). */
function loadYaml(): typeof import('yaml') {
  return createRequire(import.meta.url)('yaml') as typeof import('yaml');
}

export function loadConfigFile(path: string): ConfigValues {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--config ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  // Outside the try below: a broken install is not the user's file's fault.
  const yaml = loadYaml();
  let doc: unknown;
  try {
    doc = yaml.parse(text);
  } catch (err) {
    throw new UsageError(`--config ${path} is not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`--config ${path} must be a mapping of flag names to values`);
  const values: ConfigValues = {};
  for (const [key, raw] of Object.entries(doc as Record<string, unknown>)) {
    if (typeof raw === 'boolean') values[key] = raw;
    else if (typeof raw === 'string' || typeof raw === 'number') values[key] = String(raw);
    else if (Array.isArray(raw) && raw.every((x) => typeof x === 'string' || typeof x === 'number')) values[key] = raw.map(String);
    else throw new UsageError(`--config ${path}: ${key} must be a string, number, boolean or a list of them`);
  }
  return values;
}
