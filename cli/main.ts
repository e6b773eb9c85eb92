// cgmeter's command line: dispatches to one command, turns user mistakes into a clear message
// and exit code 2, and anything else into exit code 1 with the error.

import type { Command } from './command.js';
import { commandHelp, parseCommandArgs } from './command.js';
import { UsageError } from './units.js';
import { lsCommand } from './commands/ls.js';
import { inspectCommand } from './commands/inspect.js';
import { serveCommand } from './commands/serve.js';
import { topCommand } from './commands/top.js';
import { billCommand } from './commands/bill.js';
import { limitCommand, freezeCommand, thawCommand } from './commands/limit.js';
import { HierarchyError } from '../collector/hierarchy/hierarchy.js';

export const COMMANDS: readonly Command[] = [serveCommand, lsCommand, inspectCommand, topCommand, limitCommand, freezeCommand, thawCommand, billCommand];

export const VERSION = '0.1.0';

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'cgmeter — container metering from the kernel\'s side: cgroup v1/v2 counters for Prometheus, InfluxDB, a terminal dashboard and billing.',
    '',
    'Usage: cgmeter <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary.split('\n')[0]}`),
    '',
    'Run `cgmeter <command> --help` for the options of one command.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    process.stdout.write(`${target ? commandHelp(target) : mainHelp()}\n`);
    return 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`cgmeter ${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`cgmeter: unknown command ${JSON.stringify(name)}\n\n${mainHelp()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }
  try {
    return await command.run(parseCommandArgs(command, rest));
  } catch (err) {
    if (err instanceof UsageError || err instanceof HierarchyError || err instanceof RangeError) {
      process.stderr.write(`cgmeter ${command.name}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
