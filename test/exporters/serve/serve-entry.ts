// Test-only entry: runs `cgmeter serve ARGS…` as its own process (node --import tsx), the way the
// CLI will once serveCommand is in cli/main.ts's COMMANDS; exits with run()'s code.
import { parseCommandArgs } from '../../../cli/command.js';
import { serveCommand } from '../../../cli/commands/serve.js';

process.exitCode = await serveCommand.run(parseCommandArgs(serveCommand, process.argv.slice(2)));
