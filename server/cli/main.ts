import { Command } from 'commander';
import { debugRequested } from '../config.js';
import { cliFailure } from './cli-failure.js';
import { registerCompaniesCommand } from './companies.command.js';
import { registerConnectDemoCommand } from './connect-demo.command.js';
import { registerEmulatorCommands } from './emulator.commands.js';
import { registerMigrateCommand } from './migrate.command.js';
import { registerSyncCommands } from './sync.commands.js';
import { registerRemindCommands } from './remind.commands.js';
import { registerRiskCommands } from './risk.commands.js';
import { registerWritebackCommands } from './writeback.commands.js';

const program = new Command()
  .name('duesense')
  .description('Duesense operator commands: the QuickBooks emulator, connections, sync, scoring and write-back.')
  // Wrong usage prints one line and a hint, not the whole help (subcommands inherit both settings).
  .showHelpAfterError('(run with --help for usage)')
  .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'duesense: ')) })
  .exitOverride();

registerEmulatorCommands(program);
registerConnectDemoCommand(program);
registerCompaniesCommand(program);
registerSyncCommands(program);
registerRiskCommands(program);
registerWritebackCommands(program);
registerRemindCommands(program);
registerMigrateCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const failure = cliFailure(err, debugRequested());
  if (failure.message) process.stderr.write(`${failure.message}\n`);
  process.exit(failure.exitCode);
}
