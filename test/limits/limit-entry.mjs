#!/usr/bin/env node
// Test entry for `cgmeter limit|freeze|thaw` from dist/: uses cli/main.js when it registers the
// commands (then this is exactly bin/cgmeter.js), else dispatches to them itself with main's rules
// (usage errors → exit 2). Lets the live tests spawn a real process before main.ts lists them.
import { fileURLToPath } from 'node:url';

const dist = new URL('../../dist/', import.meta.url);
const { main, COMMANDS } = await import(new URL('cli/main.js', dist).href);
const argv = process.argv.slice(2);
let code;
if (COMMANDS.some((c) => c.name === argv[0])) {
  code = await main(argv);
} else {
  const { limitCommand, freezeCommand, thawCommand } = await import(new URL('cli/commands/limit.js', dist).href);
  const { parseCommandArgs } = await import(new URL('cli/command.js', dist).href);
  const command = [limitCommand, freezeCommand, thawCommand].find((c) => c.name === argv[0]);
  if (!command) {
    process.stderr.write(`limit-entry: unknown command ${argv[0]} (${fileURLToPath(import.meta.url)})\n`);
    process.exit(2);
  }
  try {
    code = await command.run(parseCommandArgs(command, argv.slice(1)));
  } catch (err) {
    if (['UsageError', 'HierarchyError', 'RangeError'].includes(err?.name)) {
      process.stderr.write(`cgmeter ${command.name}: ${err.message}\n`);
      code = 2;
    } else {
      throw err;
    }
  }
}
process.exitCode = code;
