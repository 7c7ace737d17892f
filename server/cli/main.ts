import { Command, CommanderError } from 'commander';
import { registerCompaniesCommand } from './companies.command.js';
import { registerConnectDemoCommand } from './connect-demo.command.js';
import { registerEmulatorCommands } from './emulator.commands.js';
import { registerMigrateCommand } from './migrate.command.js';
import { registerSyncCommands } from './sync.commands.js';
import { registerRiskCommands } from './risk.commands.js';
import { CliError } from './cli-support.js';

const program = new Command()
  .name('duesense')
  .description('Duesense operator commands: the QuickBooks emulator, connections, sync and scoring.')
  .showHelpAfterError()
  .exitOverride();

registerEmulatorCommands(program);
registerConnectDemoCommand(program);
registerCompaniesCommand(program);
registerSyncCommands(program);
registerRiskCommands(program);
registerMigrateCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof CliError) {
    process.stderr.write(`duesense: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  process.stderr.write(`duesense: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}
