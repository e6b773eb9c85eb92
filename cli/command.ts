// A command's description: its flags (with help text) and its run function. Help text is
// generated from the same table that parses the flags, so the two never disagree.

import { parseArgs } from 'node:util';
import { UsageError } from './units.js';
import { loadConfigFile } from './config-file.js';

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly description: string;
  /** Shown in help; the default itself is applied by the command (one defaults object). */
  readonly default?: string;
  readonly placeholder?: string;
  readonly multiple?: boolean;
  /** Environment variable read when the flag is not given. */
  readonly env?: string;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly flags: Readonly<Record<string, FlagSpec>>;
  readonly examples?: readonly string[];
  run(args: ParsedArgs): Promise<number>;
}

export interface ParsedArgs {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
  /** The arguments as given, for a reload (SIGHUP) that parses them again with a fresh config file. */
  readonly argv?: readonly string[];
}

export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(command.flags)) {
    options[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: joinDashValues(command, argv), options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.replace(/\. To specify.*$/s, '')} (see cgmeter ${command.name} --help)`);
  }
  const values = { ...parsed.values } as Record<string, string | boolean | string[] | undefined>;
  for (const [name, spec] of Object.entries(command.flags)) {
    if (values[name] === undefined && spec.env && process.env[spec.env] !== undefined && process.env[spec.env] !== '') {
      const raw = process.env[spec.env]!;
      values[name] = spec.type === 'boolean' ? raw === '1' || raw === 'true' : raw;
    }
  }
  const configPath = (values.config as string | undefined) ?? process.env.CGMETER_CONFIG;
  if (configPath) applyConfigFile(command, values, configPath);
  return { values, positionals: parsed.positionals, argv };
}

/**
 * `--from -24h`: node's parser takes a value starting with `-` for a flag and refuses it; a string
 * flag followed by a negative number or relative time gets it joined as `--from=-24h`.
 */
function joinDashValues(command: Command, argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const spec = arg.startsWith('--') ? command.flags[arg.slice(2)] : undefined;
    const next = argv[i + 1];
    if (spec?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** Fills flags not given on the command line or in the environment from the config file. */
function applyConfigFile(command: Command, values: Record<string, string | boolean | string[] | undefined>, path: string): void {
  const config = loadConfigFile(path);
  for (const [key, value] of Object.entries(config)) {
    const spec = command.flags[key];
    // Keys of other commands may share one file (serve and top read the same one): skip them.
    if (spec === undefined || key === 'config' || values[key] !== undefined) continue;
    if (spec.type === 'boolean') {
      if (typeof value !== 'boolean') throw new UsageError(`--config ${path}: ${key} must be true or false`);
      values[key] = value;
    } else if (spec.multiple) {
      values[key] = Array.isArray(value) ? value : [String(value)];
    } else {
      if (Array.isArray(value) || typeof value === 'boolean') throw new UsageError(`--config ${path}: ${key} takes one value`);
      values[key] = value;
    }
  }
}

export function commandHelp(command: Command): string {
  const lines = [`Usage: ${command.usage}`, '', command.summary, ''];
  const entries = Object.entries(command.flags);
  if (entries.length > 0) {
    lines.push('Options:');
    const left = entries.map(([name, spec]) => {
      const value = spec.type === 'string' ? ` ${spec.placeholder ?? 'VALUE'}` : '';
      return `${spec.short ? `-${spec.short}, ` : '    '}--${name}${value}`;
    });
    const width = Math.max(...left.map((l) => l.length));
    entries.forEach(([, spec], i) => {
      const extras = [spec.default !== undefined ? `default: ${spec.default}` : '', spec.env ? `env: ${spec.env}` : ''].filter(Boolean).join('; ');
      lines.push(`  ${left[i]!.padEnd(width)}  ${spec.description}${extras ? ` (${extras})` : ''}`);
    });
  }
  if (command.examples?.length) {
    lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  }
  return lines.join('\n');
}
