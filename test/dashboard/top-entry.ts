// Runs `cgmeter top` from the TypeScript sources until cli/main.ts registers the command:
// `node --import tsx test/dashboard/top-entry.ts [flags]` (the tmux tests and the bench use it).
import { commandHelp, parseCommandArgs } from '../../cli/command.js';
import { topCommand } from '../../cli/commands/top.js';
import { UsageError } from '../../cli/units.js';

const argv = process.argv.slice(2);
if (argv.includes('--help')) {
  process.stdout.write(`${commandHelp(topCommand)}\n`);
} else {
  try {
    process.exitCode = await topCommand.run(parseCommandArgs(topCommand, argv));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`cgmeter top: ${err.message}\n`);
    process.exitCode = 2;
  }
}
